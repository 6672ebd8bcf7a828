package dev.heal.resilience.internal;

import dev.heal.core.time.HealClock;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A {@link java.time.Clock} view of a {@link HealClock}, for resilience4j's {@code clock(...)}
 * settings (the circuit breaker's open-state deadline). Thread-safe.
 */
public final class HealJavaClock extends Clock {
  private final HealClock clock;
  private final ZoneId zone;

  public HealJavaClock(HealClock clock) {
    this(clock, ZoneOffset.UTC);
  }

  private HealJavaClock(HealClock clock, ZoneId zone) {
    this.clock = clock;
    this.zone = zone;
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return new HealJavaClock(clock, zone);
  }

  @Override
  public Instant instant() {
    return clock.now();
  }

  @Override
  public long millis() {
    return clock.now().toEpochMilli();
  }
}
