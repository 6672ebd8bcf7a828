package dev.heal.examples.orders;

import dev.heal.core.healer.Lifecycle;
import dev.heal.core.time.HealClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles orders accepted as PAYMENT_PENDING, and stores orders waiting in the outbox, every
 * {@code every}: a restartable component (heal's restart action stops and starts it). Thread-safe.
 */
final class Settler implements Lifecycle {
  private static final Logger log = LoggerFactory.getLogger(Settler.class);
  private final HealClock clock;
  private final Duration every;
  private final OrderRepository repository;
  private final Outbox outbox;
  private final PaymentsClient payments;
  private final AtomicLong settled = new AtomicLong();
  private final java.util.concurrent.ExecutorService worker = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "orders-settler");
    t.setDaemon(true);
    return t;
  });
  private volatile boolean running;
  private volatile HealClock.Cancellable next;

  Settler(HealClock clock, Duration every, OrderRepository repository, Outbox outbox, PaymentsClient payments) {
    this.clock = clock;
    this.every = every;
    this.repository = repository;
    this.outbox = outbox;
    this.payments = payments;
  }

  @Override
  public synchronized void start() {
    if (!running) {
      running = true;
      next = clock.schedule(every, this::tick);
    }
  }

  @Override
  public synchronized void stop() {
    running = false;
    if (next != null) {
      next.cancel();
    }
  }

  long settled() {
    return settled.get();
  }

  /** One round: store what waits in the outbox, then pay pending orders until payments fails. */
  void runOnce() {
    outbox.flush(repository);
    try {
      List<Order> pending = repository.pending(100);
      for (Order o : pending) {
        var paymentId = payments.pay(o.id(), o.total());
        if (paymentId.isEmpty()) {
          return; // payments is still unavailable; try again next round
        }
        repository.markPaid(o.id(), paymentId.get());
        settled.incrementAndGet();
      }
    } catch (Exception e) {
      log.debug("settler: {}", e.toString());
    }
  }

  private void tick() {
    if (!running) {
      return;
    }
    // The clock's thread must not block: the round runs on the settler's own thread.
    worker.execute(() -> {
      try {
        runOnce();
      } finally {
        synchronized (this) {
          if (running) {
            next = clock.schedule(every, this::tick);
          }
        }
      }
    });
  }

  /** Stops for good and frees the worker thread. */
  void close() {
    stop();
    worker.shutdownNow();
  }
}
