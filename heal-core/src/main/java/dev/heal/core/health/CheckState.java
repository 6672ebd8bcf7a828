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
 * @param waiting why the latest scheduled run has not started yet, if it is waiting (for example
 *     "waiting for a free health-check thread: 4 threads held by hung checks …"); while waiting the
 *     status stays the last known one: waiting never counts as a failure
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
    long runs,
    Optional<String> waiting) {

  public CheckState {
    java.util.Objects.requireNonNull(waiting, "waiting");
  }

  /** A state that is not waiting, as before {@code waiting} existed. */
  public CheckState(
      String name, HealthCheckConfig config, HealthStatus status, Optional<HealthResult> lastResult,
      Optional<Duration> lastDuration, Optional<Instant> lastRunAt, Instant lastChangeAt,
      int consecutiveFailures, int consecutiveSuccesses, long runs) {
    this(name, config, status, lastResult, lastDuration, lastRunAt, lastChangeAt, consecutiveFailures,
        consecutiveSuccesses, runs, Optional.empty());
  }

  /** A copy with another {@code waiting} note; the status and counters stay. */
  CheckState withWaiting(Optional<String> note) {
    return new CheckState(
        name, config, status, lastResult, lastDuration, lastRunAt, lastChangeAt,
        consecutiveFailures, consecutiveSuccesses, runs, note);
  }

  /** The error of the latest run, if it failed. */
  public Optional<String> lastError() {
    return lastResult.flatMap(HealthResult::error);
  }
}
