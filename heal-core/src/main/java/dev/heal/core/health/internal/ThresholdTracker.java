package dev.heal.core.health.internal;

import dev.heal.core.health.HealthStatus;

/**
 * Kubernetes-style threshold state machine for one check. The effective status starts UNKNOWN,
 * turns DOWN after {@code failureThreshold} consecutive DOWN results and passing after
 * {@code successThreshold} consecutive passing results; while passing, it follows the latest
 * passing result (UP or DEGRADED). Not thread-safe: the owner serialises calls.
 */
public final class ThresholdTracker {
  private final int failureThreshold;
  private final int successThreshold;
  private HealthStatus status = HealthStatus.UNKNOWN;
  private int consecutiveFailures;
  private int consecutiveSuccesses;

  public ThresholdTracker(int failureThreshold, int successThreshold) {
    if (failureThreshold < 1 || successThreshold < 1) {
      throw new IllegalArgumentException("thresholds must be at least 1");
    }
    this.failureThreshold = failureThreshold;
    this.successThreshold = successThreshold;
  }

  /** Feeds one raw result (UP, DEGRADED or DOWN) and returns the effective status after it. */
  public HealthStatus record(HealthStatus raw) {
    if (raw == HealthStatus.DOWN) {
      consecutiveFailures++;
      consecutiveSuccesses = 0;
      if (status != HealthStatus.DOWN && consecutiveFailures >= failureThreshold) {
        status = HealthStatus.DOWN;
      }
    } else if (raw.isPassing()) {
      consecutiveSuccesses++;
      consecutiveFailures = 0;
      if (status.isPassing()) {
        status = raw;
      } else if (consecutiveSuccesses >= successThreshold) {
        status = raw;
      }
    } else {
      throw new IllegalArgumentException("raw result must be UP, DEGRADED or DOWN: " + raw);
    }
    return status;
  }

  public HealthStatus status() {
    return status;
  }

  public int consecutiveFailures() {
    return consecutiveFailures;
  }

  public int consecutiveSuccesses() {
    return consecutiveSuccesses;
  }
}
