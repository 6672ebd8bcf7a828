package dev.heal.spring.internal;

import dev.heal.core.health.HealthRegistry;

/**
 * Registers checks of another integration (Actuator indicators) in heal's registry before the
 * healer is built, so plans can name them. Not API.
 */
@FunctionalInterface
public interface RegistryContributor {
  void contribute(HealthRegistry registry);
}
