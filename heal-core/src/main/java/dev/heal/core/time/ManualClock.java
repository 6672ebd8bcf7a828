package dev.heal.core.time;

import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Virtual time for tests and the chaos testkit. Time stands still until {@link #advance(Duration)}
 * moves it; tasks that fall due run in the thread that advances, in due-time order (ties in the
 * order they were scheduled), including tasks scheduled by other tasks during the advance.
 *
 * <p>Thread-safe: scheduling from any thread is allowed; advancing is serialised.
 */
public final class ManualClock implements HealClock {
  private static final Logger log = LoggerFactory.getLogger(ManualClock.class);

  private final Object lock = new Object();
  private final Object advanceLock = new Object();
  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private final Instant epoch;
  private long nanos;
  private long sequence;

  /** A manual clock whose wall time starts at {@code 2026-01-01T00:00:00Z}. */
  public ManualClock() {
    this(Instant.parse("2026-01-01T00:00:00Z"));
  }

  /** A manual clock whose wall time starts at {@code start}. */
  public ManualClock(Instant start) {
    this.epoch = start;
  }

  @Override
  public long nanoTime() {
    synchronized (lock) {
      return nanos;
    }
  }

  @Override
  public Instant now() {
    synchronized (lock) {
      return epoch.plusNanos(nanos);
    }
  }

  /** Virtual time elapsed since this clock was created. */
  public Duration elapsed() {
    return Duration.ofNanos(nanoTime());
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    synchronized (lock) {
      Task t = new Task(nanos + Math.max(0, delay.toNanos()), sequence++, task);
      queue.add(t);
      return () -> {
        synchronized (lock) {
          queue.remove(t);
        }
      };
    }
  }

  /**
   * Moves time forward by {@code amount}, running every task that falls due on the way, each at
   * its own due time.
   *
   * @throws IllegalArgumentException if {@code amount} is negative
   */
  public void advance(Duration amount) {
    if (amount.isNegative()) {
      throw new IllegalArgumentException("amount must not be negative: " + amount);
    }
    synchronized (advanceLock) {
      long target;
      synchronized (lock) {
        target = nanos + amount.toNanos();
      }
      while (true) {
        Task next;
        synchronized (lock) {
          next = queue.peek();
          if (next == null || next.dueNanos > target) {
            nanos = target;
            return;
          }
          queue.poll();
          nanos = Math.max(nanos, next.dueNanos);
        }
        try {
          next.task.run();
        } catch (RuntimeException | Error e) {
          log.warn("heal: a scheduled task failed; the clock keeps running", e);
        }
      }
    }
  }

  /** Runs the tasks that are due now without moving time. */
  public void runDueTasks() {
    advance(Duration.ZERO);
  }

  /** Number of tasks waiting to fall due. */
  public int pendingTasks() {
    synchronized (lock) {
      return queue.size();
    }
  }

  @Override
  public String toString() {
    return "ManualClock[" + elapsed() + "]";
  }

  private record Task(long dueNanos, long seq, Runnable task) implements Comparable<Task> {
    @Override
    public int compareTo(Task o) {
      int c = Long.compare(dueNanos, o.dueNanos);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }
}
