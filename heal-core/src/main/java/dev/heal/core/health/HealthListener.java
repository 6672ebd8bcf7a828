package dev.heal.core.health;

/**
 * Receives what the {@link HealthRegistry} observes. Called on heal's threads, outside heal's locks;
 * implementations must be quick and must not block. A listener that throws is logged once,
 * counted, and does not affect other listeners or the checks.
 */
public interface HealthListener {

  /** A check completed a run (or timed out). Called for every run. */
  default void onResult(CheckState state) {}

  /** A check's effective status changed. */
  default void onTransition(HealthTransition transition) {}

  /** The overall status of a probe changed. */
  default void onProbeChange(CheckKind kind, HealthStatus from, HealthStatus to) {}
}
