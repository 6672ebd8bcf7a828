package dev.heal.spring.internal;

import dev.heal.core.health.HealthRegistry;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * Stands in for an Actuator indicator that heal runs in the background: answers the latest cached
 * result of heal's check of the same name, so {@code /actuator/health} never waits for the
 * indicator itself. Thread-safe. Not API.
 */
public final class CachedHealthIndicator implements HealthIndicator {
  private final HealthRegistry registry;
  private final String check;

  public CachedHealthIndicator(HealthRegistry registry, String check) {
    this.registry = registry;
    this.check = check;
  }

  @Override
  public Health health() {
    return registry.state(check).map(Statuses::fromState)
        .orElseGet(() -> Health.status(Status.UNKNOWN).withDetail("heal", "check '" + check + "' not registered").build());
  }

  public String check() {
    return check;
  }
}
