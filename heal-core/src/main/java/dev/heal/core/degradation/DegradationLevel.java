package dev.heal.core.degradation;

/**
 * How much of the service is switched on, in order. Each feature names the level from which it
 * is switched off; the current level is the most severe one requested.
 */
public enum DegradationLevel {
  /** Everything on. */
  NORMAL,
  /** Optional features off (recommendations, previews, non-critical enrichments). */
  REDUCED,
  /** Only what the service exists for (take orders, serve reads). */
  ESSENTIAL_ONLY;

  /** 0, 1, 2: the value of the {@code heal.degradation.level} gauge. */
  public int severity() {
    return ordinal();
  }
}
