package dev.heal.resilience;

/**
 * Tells whether a named feature is currently enabled; consulted by {@link Degradable} methods.
 * heal-resilience depends on this one-method interface only, so any feature registry plugs in
 * with a method reference, e.g. {@code features::isEnabled}.
 *
 * <p>Implementations must be thread-safe and fast (called on every {@code @Degradable} call):
 * a volatile read or a map lookup, no I/O.
 */
@FunctionalInterface
public interface FeatureToggles {
  /** Every feature enabled: the default. */
  FeatureToggles ALL_ENABLED = feature -> true;

  /** True if {@code feature} is enabled, false if it is switched off (degraded). */
  boolean isEnabled(String feature);
}
