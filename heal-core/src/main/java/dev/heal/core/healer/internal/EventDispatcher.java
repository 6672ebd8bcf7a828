package dev.heal.core.healer.internal;

import dev.heal.core.healer.HealEvent;
import dev.heal.core.healer.HealerListener;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the healer's events to its listeners, in order, on an executor of its own — never on a
 * thread that holds the decision lock. Bounded: an event that finds the queue full is dropped and
 * counted. One drain runs at a time; an event offered during a drain (a listener that calls back
 * into the healer) is delivered by that same drain, after the events before it.
 *
 * <p>A listener that throws anything but a {@link VirtualMachineError} is counted and isolated
 * (logged once); a {@code VirtualMachineError} is counted and rethrown after the drain hands the
 * rest of the queue to a new drain.
 *
 * <p>Thread-safe.
 */
public final class EventDispatcher {
  private static final Logger log = LoggerFactory.getLogger(EventDispatcher.class);

  private final Executor executor;
  private final int capacity;
  private final List<HealerListener> listeners = new CopyOnWriteArrayList<>();
  private final ArrayDeque<HealEvent> queue = new ArrayDeque<>();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong delivered = new AtomicLong();
  private boolean scheduled;

  public EventDispatcher(Executor executor, int capacity) {
    this.executor = Objects.requireNonNull(executor, "executor");
    if (capacity < 1) {
      throw new IllegalArgumentException("event queue capacity must be at least 1: " + capacity);
    }
    this.capacity = capacity;
  }

  public void addListener(HealerListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Queues {@code event}; false (and counted) if the queue is full. Never blocks, never runs a listener. */
  public boolean offer(HealEvent event) {
    synchronized (queue) {
      if (queue.size() >= capacity) {
        dropped.incrementAndGet();
        return false;
      }
      queue.addLast(event);
      return true;
    }
  }

  /** Makes sure a drain will deliver what is queued. Call with no lock held. */
  public void kick() {
    synchronized (queue) {
      if (scheduled || queue.isEmpty()) {
        return;
      }
      scheduled = true;
    }
    try {
      executor.execute(this::drain);
    } catch (RejectedExecutionException e) {
      synchronized (queue) {
        scheduled = false;
        int n = queue.size();
        queue.clear();
        dropped.addAndGet(n);
      }
    }
  }

  private void drain() {
    while (true) {
      HealEvent e;
      synchronized (queue) {
        e = queue.pollFirst();
        if (e == null) {
          scheduled = false;
          return;
        }
      }
      for (HealerListener l : listeners) {
        try {
          l.onEvent(e);
        } catch (VirtualMachineError vme) {
          failures.incrementAndGet();
          synchronized (queue) {
            scheduled = false;
          }
          kick();
          throw vme;
        } catch (Throwable t) {
          if (failures.getAndIncrement() == 0) {
            log.warn("heal: a healer listener threw; it is isolated and later failures are only counted", t);
          }
        }
      }
      delivered.incrementAndGet();
    }
  }

  /** Events dropped because the queue was full. */
  public long dropped() {
    return dropped.get();
  }

  /** Listener calls that threw. */
  public long failures() {
    return failures.get();
  }

  /** Events handed to every listener. */
  public long delivered() {
    return delivered.get();
  }

  /** Events waiting. */
  public int queued() {
    synchronized (queue) {
      return queue.size();
    }
  }

  public int capacity() {
    return capacity;
  }
}
