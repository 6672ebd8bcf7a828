package dev.heal.core.health;

/**
 * A small function that tells whether one thing works. heal runs it in the background, on its own
 * pool, with a timeout; a check that throws is DOWN with the exception's class and message, one
 * that returns {@code null} is DOWN with a message saying so, one that hangs is DOWN with
 * "timed out after …".
 *
 * <p>Implementations should be quick and side-effect free. heal never runs one check
 * concurrently with itself, so a check need not be thread-safe against itself.
 */
@FunctionalInterface
public interface HealthCheck {
  HealthResult check() throws Exception;
}
