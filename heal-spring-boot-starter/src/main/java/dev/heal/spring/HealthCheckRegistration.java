package dev.heal.spring;

import dev.heal.core.health.HealthCheck;
import dev.heal.core.health.HealthCheckConfig;
import java.util.Objects;

/**
 * A health check with its full configuration, as a bean: heal registers {@code check} under
 * {@code config}'s name, and {@code heal.checks.<name>.*} keys do not apply to it. Declare a plain
 * {@link HealthCheck} bean instead to take the bean name as the check's name and the settings from
 * {@code heal.checks.<name>.*} / {@code heal.check-defaults.*}.
 *
 * <p>Immutable and thread-safe if the check is.
 *
 * @param config the check's name, probes, schedule and thresholds
 * @param check the check itself
 */
public record HealthCheckRegistration(HealthCheckConfig config, HealthCheck check) {
  public HealthCheckRegistration {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(check, "check");
  }
}
