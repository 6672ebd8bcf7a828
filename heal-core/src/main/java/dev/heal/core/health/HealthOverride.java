package dev.heal.core.health;

/**
 * A probe held DOWN on purpose, for example while draining traffic for a repair or to ask the
 * kubelet for a container restart. Closing the handle releases it; closing twice is harmless.
 * Thread-safe.
 */
public interface HealthOverride extends AutoCloseable {
  /** The probe held down. */
  CheckKind kind();

  /** Why, as shown in the probe's JSON. */
  String reason();

  /** Releases the override. */
  @Override
  void close();
}
