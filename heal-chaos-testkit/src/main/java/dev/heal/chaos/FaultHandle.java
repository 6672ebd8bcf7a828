package dev.heal.chaos;

/**
 * An armed fault. Closing it disarms the fault (idempotent); use it in try-with-resources:
 * {@code try (FaultHandle h = chaos.arm(Fault.error("db"))) { ... }}. Thread-safe.
 */
public final class FaultHandle implements AutoCloseable {
  private final ArmedFault armed;
  private final ChaosController controller;

  FaultHandle(ArmedFault armed, ChaosController controller) {
    this.armed = armed;
    this.controller = controller;
  }

  public Fault fault() {
    return armed.fault;
  }

  /** Times the fault fired so far (across re-arms of the same name within this controller). */
  public long hits() {
    return armed.stats.hits.get();
  }

  /** Whether the fault is still armed. */
  public boolean isActive() {
    return !armed.isDisarmed();
  }

  @Override
  public void close() {
    controller.disarm(armed);
  }
}
