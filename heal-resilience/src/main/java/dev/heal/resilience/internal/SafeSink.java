package dev.heal.resilience.internal;

import dev.heal.core.healer.Signal;
import dev.heal.core.healer.SignalSink;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Delivers signals to the user's sink; a sink that throws is logged once and counted. */
public final class SafeSink {
  private static final Logger log = LoggerFactory.getLogger(SafeSink.class);

  private final SignalSink sink;
  private final AtomicLong failures = new AtomicLong();

  public SafeSink(SignalSink sink) {
    this.sink = sink;
  }

  public void accept(Signal signal) {
    try {
      sink.accept(signal);
    } catch (RuntimeException e) {
      if (failures.getAndIncrement() == 0) {
        log.warn("heal: the signal sink threw; signals it refuses are dropped and counted", e);
      }
    }
  }

  public long failures() {
    return failures.get();
  }
}
