package dev.heal.chaos;

import java.util.concurrent.atomic.AtomicLong;

/** Mutable per-fault counters, kept by the controller across re-arms of the same name. Thread-safe. */
final class FaultStats {
  final Fault fault;
  final AtomicLong hits = new AtomicLong();
  final AtomicLong opportunities = new AtomicLong();
  volatile long firstArmedNanos = -1;
  volatile long lastDisarmedNanos = -1;

  FaultStats(Fault fault) {
    this.fault = fault;
  }

  FaultReport snapshot() {
    return new FaultReport(fault, hits.get(), opportunities.get());
  }
}
