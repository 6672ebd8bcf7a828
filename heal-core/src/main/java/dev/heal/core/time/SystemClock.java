package dev.heal.core.time;

import dev.heal.core.internal.DaemonThreads;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real time, behind {@link HealClock#system()}: {@link System#nanoTime()}, {@link Instant#now()} and one daemon scheduler thread.
 * Thread-safe. The only place in heal that reads the system clock.
 */
final class SystemClock implements HealClock {
  private static final Logger log = LoggerFactory.getLogger(SystemClock.class);

  static final SystemClock INSTANCE = new SystemClock();

  private volatile ScheduledThreadPoolExecutor executor;

  private SystemClock() {}

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public Instant now() {
    return Instant.now();
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    Runnable guarded =
        () -> {
          try {
            task.run();
          } catch (RuntimeException | Error e) {
            log.warn("heal: a scheduled task failed; the clock keeps running", e);
          }
        };
    ScheduledFuture<?> future =
        executor().schedule(guarded, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    return () -> future.cancel(false);
  }

  private ScheduledThreadPoolExecutor executor() {
    ScheduledThreadPoolExecutor e = executor;
    if (e == null) {
      synchronized (this) {
        e = executor;
        if (e == null) {
          e =
              new ScheduledThreadPoolExecutor(
                  1,
                  DaemonThreads.named("heal-clock"));
          e.setRemoveOnCancelPolicy(true);
          executor = e;
        }
      }
    }
    return e;
  }

  @Override
  public String toString() {
    return "HealClock.system()";
  }
}
