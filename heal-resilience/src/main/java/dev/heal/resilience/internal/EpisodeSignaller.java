package dev.heal.resilience.internal;

import dev.heal.core.healer.Signal;
import dev.heal.core.time.HealClock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Turns a stream of like events (rejections, retry exhaustions) into an episode: one firing signal
 * at the first event, one resolved signal after a quiet period without events. The per-event cost
 * is a counter increment, a clock read and a volatile write (failure paths only).
 *
 * <p>Thread-safe.
 */
public final class EpisodeSignaller {
  private final String source;
  private final String name;
  private final String reason;
  private final SafeSink sink;
  private final HealClock clock;
  private final Duration quiet;
  private final LongAdder events = new LongAdder();
  private volatile boolean firing;
  private volatile long lastEventNanos;

  public EpisodeSignaller(
      String source, String name, String reason, SafeSink sink, HealClock clock, Duration quiet) {
    this.source = source;
    this.name = name;
    this.reason = reason;
    this.sink = sink;
    this.clock = clock;
    this.quiet = quiet;
  }

  public void onEvent() {
    events.increment();
    lastEventNanos = clock.nanoTime();
    if (!firing) {
      start();
    }
  }

  public long events() {
    return events.sum();
  }

  public boolean firing() {
    return firing;
  }

  private synchronized void start() {
    if (firing) {
      return;
    }
    firing = true;
    sink.accept(new Signal(source, name, true, Map.of(dev.heal.resilience.ResilienceSignals.REASON, reason),
        source + " '" + name + "': " + reason.replace('_', ' '), clock.now(), clock.nanoTime()));
    clock.schedule(quiet, this::check);
  }

  private synchronized void check() {
    long quietFor = clock.nanoTime() - lastEventNanos;
    if (quietFor < quiet.toNanos()) {
      clock.schedule(Duration.ofNanos(quiet.toNanos() - quietFor), this::check);
      return;
    }
    firing = false;
    sink.accept(new Signal(source, name, false, Map.of(dev.heal.resilience.ResilienceSignals.REASON, reason),
        source + " '" + name + "': no " + reason.replace('_', ' ') + " for " + quiet.toMillis() + " ms",
        clock.now(), clock.nanoTime()));
  }
}
