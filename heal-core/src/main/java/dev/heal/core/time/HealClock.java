package dev.heal.core.time;

import java.time.Duration;
import java.time.Instant;

/**
 * The one source of time and delayed execution for all of heal. Every component takes a
 * {@code HealClock} so that tests, and the chaos testkit, can run the whole loop in virtual time
 * with {@link ManualClock}; production uses {@link #system()}.
 *
 * <p>Implementations are thread-safe.
 */
public interface HealClock {

  /** Monotonic time in nanoseconds, for measuring durations only (like {@link System#nanoTime()}). */
  long nanoTime();

  /** Wall-clock time, for timestamps shown to people and written to journals. */
  Instant now();

  /**
   * Runs {@code task} once after {@code delay} (zero or negative: as soon as possible) on the
   * clock's own thread(s). The task must be short and must not block; blocking work belongs on an
   * executor of its own. A task that throws is logged and does not stop the clock.
   *
   * @return a handle that cancels the task if it has not started yet
   */
  Cancellable schedule(Duration delay, Runnable task);

  /** Elapsed time since {@code startNanos}, a value earlier read from {@link #nanoTime()}. */
  default Duration since(long startNanos) {
    return Duration.ofNanos(nanoTime() - startNanos);
  }

  /**
   * The shared production clock: {@link System#nanoTime()}, {@link Instant#now()} and one daemon
   * scheduler thread created on first use.
   */
  static HealClock system() {
    return SystemClock.INSTANCE;
  }

  /** A scheduled task that can be cancelled. Thread-safe. */
  @FunctionalInterface
  interface Cancellable {
    /** Cancels the task; a no-op if it already ran or was cancelled. */
    void cancel();
  }
}
