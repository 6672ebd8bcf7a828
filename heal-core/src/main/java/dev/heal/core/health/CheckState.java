package dev.heal.core.health;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The latest known state of one registered check. Immutable and thread-safe.
 *
 * @param name the check's name
 * @param config how the check is run
 * @param status the effective status, after thresholds
 * @param lastResult the raw result of the latest completed run, if any
 * @param lastDuration how long the latest run took (up to the timeout), if any
 * @param lastRunAt wall time the latest run completed, if any
 * @param lastChangeAt wall time the effective status last changed (registration time at first)
 * @param consecutiveFailures DOWN results in a row, ending with the latest
 * @param consecutiveSuccesses passing results in a row, ending with the latest
 * @param runs completed runs so far
 */
public record CheckState(
    String name,
    HealthCheckConfig config,
    HealthStatus status,
    Optional<HealthResult> lastResult,
    Optional<Duration> lastDuration,
    Optional<Instant> lastRunAt,
    Instant lastChangeAt,
    int consecutiveFailures,
    int consecutiveSuccesses,
    long runs) {

  /** The error of the latest run, if it failed. */
  public Optional<String> lastError() {
    return lastResult.flatMap(HealthResult::error);
  }
}
