package dev.heal.spring.internal;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Registers heal's DEGRADED status with Actuator, as the lowest-precedence defaults (any key the
 * application sets wins): ordered between OUT_OF_SERVICE and UP, so a degraded part makes the
 * aggregate DEGRADED rather than being lost in UP, and mapped to HTTP 200, so a degraded instance
 * stays ready. Not API.
 */
public final class ActuatorDefaults implements EnvironmentPostProcessor {
  public static final String NAME = "heal-actuator-defaults";

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
    if (!environment.getPropertySources().contains(NAME)) {
      environment.getPropertySources().addLast(new MapPropertySource(NAME, Map.of(
          "management.endpoint.health.status.order", "DOWN,OUT_OF_SERVICE,DEGRADED,UP,UNKNOWN",
          "management.endpoint.health.status.http-mapping.DEGRADED", "200")));
    }
  }
}
