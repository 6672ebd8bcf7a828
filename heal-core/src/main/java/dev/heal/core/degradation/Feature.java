package dev.heal.core.degradation;

/**
 * A handle on one named feature, for the hot path: {@link #isEnabled()} is a single volatile
 * read. Obtain once with {@link Features#feature(String)} and keep it. Thread-safe.
 */
public final class Feature {
  private final String name;
  private final DegradationLevel offFrom;
  volatile boolean enabled = true;
  volatile boolean forcedOff;

  Feature(String name, DegradationLevel offFrom) {
    this.name = name;
    this.offFrom = offFrom;
  }

  public String name() {
    return name;
  }

  /** The degradation level from which this feature is switched off. */
  public DegradationLevel offFrom() {
    return offFrom;
  }

  /** Whether the feature is on now. One volatile read. */
  public boolean isEnabled() {
    return enabled;
  }

  @Override
  public String toString() {
    return "Feature[" + name + ", offFrom=" + offFrom + ", enabled=" + enabled + "]";
  }
}
