package dev.heal.k8s;

import dev.heal.core.time.HealClock;
import java.time.Duration;
import java.time.Instant;

/** A clock that moves by {@code tick} every time it is read: makes slow calls deterministic. */
final class TickingClock implements HealClock {
  private final Duration tick;
  private long nanos;

  TickingClock(Duration tick) {
    this.tick = tick;
  }

  @Override
  public synchronized long nanoTime() {
    nanos += tick.toNanos();
    return nanos;
  }

  @Override
  public synchronized Instant now() {
    return Instant.parse("2026-01-01T00:00:00Z").plusNanos(nanos);
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    throw new UnsupportedOperationException("not used");
  }
}
