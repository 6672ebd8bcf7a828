package dev.heal.core.health;

/**
 * The status of one health check or of a whole probe.
 *
 * <ul>
 *   <li>{@link #UP}: fully working.
 *   <li>{@link #DEGRADED}: still serving, with reduced function (a fallback, a disabled feature).
 *       Probes answer 200: a degraded instance stays ready.
 *   <li>{@link #DOWN}: not working. A critical check that is DOWN makes its probe answer 503.
 *   <li>{@link #UNKNOWN}: reported by heal only, for a check that has not yet crossed its success
 *       or failure threshold. A check may not return it.
 * </ul>
 */
public enum HealthStatus {
  UP,
  DEGRADED,
  DOWN,
  UNKNOWN;

  /** True for {@link #UP} and {@link #DEGRADED}: the thing still serves. */
  public boolean isPassing() {
    return this == UP || this == DEGRADED;
  }
}
