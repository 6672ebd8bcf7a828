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
 * stays ready. The {@code liveness} and {@code readiness} groups are declared (with Actuator's
 * own members), because Actuator's implicit probe groups ignore the configured order. Not API.
 */
public final class ActuatorDefaults implements EnvironmentPostProcessor {
  public static final String NAME = "heal-actuator-defaults";

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
    if (!environment.getPropertySources().contains(NAME)) {
      environment.getPropertySources().addLast(new MapPropertySource(NAME, Map.of(
          "management.endpoint.health.status.order", "DOWN,OUT_OF_SERVICE,DEGRADED,UP,UNKNOWN",
          // A configured mapping replaces Actuator's defaults, so they are repeated here.
          "management.endpoint.health.status.http-mapping.DOWN", "503",
          "management.endpoint.health.status.http-mapping.OUT_OF_SERVICE", "503",
          "management.endpoint.health.status.http-mapping.DEGRADED", "200",
          // Actuator's own probe groups aggregate with a fixed default order that drops unknown
          // statuses (DEGRADED would read UNKNOWN): declared groups use the order above.
          "management.endpoint.health.group.liveness.include", "livenessState",
          "management.endpoint.health.group.readiness.include", "readinessState")));
    }
  }
}
