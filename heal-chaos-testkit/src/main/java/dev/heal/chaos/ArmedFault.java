package dev.heal.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** A fault while it is armed: its own seeded random, counters and disarm hooks. Thread-safe. */
final class ArmedFault {
  final Fault fault;
  final FaultStats stats;
  final long armedAtNanos;
  final long endNanos; // Long.MAX_VALUE when unbounded
  final AtomicInteger calls = new AtomicInteger();
  final AtomicLong bytes = new AtomicLong();
  private final SplittableRandom random;
  private final List<Runnable> onDisarm = new ArrayList<>();
  private boolean disarmed;

  ArmedFault(Fault fault, FaultStats stats, long seed, long armedAtNanos, long endNanos) {
    this.fault = fault;
    this.stats = stats;
    this.armedAtNanos = armedAtNanos;
    this.endNanos = endNanos;
    this.random = new SplittableRandom(seed);
  }

  Effect effect() {
    return fault.effect();
  }

  /** One opportunity: draws against the rate, counts the hit when it fires. */
  boolean fires() {
    stats.opportunities.incrementAndGet();
    boolean fire;
    if (fault.rate() >= 1.0) {
      fire = true;
    } else {
      synchronized (random) {
        fire = random.nextDouble() < fault.rate();
      }
    }
    if (fire) {
      stats.hits.incrementAndGet();
    }
    return fire;
  }

  /** Counts a hit without a rate draw (fail-first, refused connection already decided). */
  void hit() {
    stats.opportunities.incrementAndGet();
    stats.hits.incrementAndGet();
  }

  long nextLong(long bound) {
    synchronized (random) {
      return bound <= 0 ? 0 : random.nextLong(bound);
    }
  }

  SplittableRandom randomForDraw() {
    synchronized (random) {
      return random.split();
    }
  }

  boolean isDisarmed() {
    synchronized (onDisarm) {
      return disarmed;
    }
  }

  /** Runs {@code r} on disarm, or now if already disarmed. */
  void onDisarm(Runnable r) {
    synchronized (onDisarm) {
      if (!disarmed) {
        onDisarm.add(r);
        return;
      }
    }
    r.run();
  }

  void disarm() {
    List<Runnable> hooks;
    synchronized (onDisarm) {
      if (disarmed) {
        return;
      }
      disarmed = true;
      hooks = List.copyOf(onDisarm);
      onDisarm.clear();
    }
    hooks.forEach(Runnable::run);
  }
}
