package dev.heal.examples.demo;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Open-loop load: starts one request every {@code 1/rate} seconds whatever the previous ones are
 * doing (so a slow dependency shows up as latency, not as a lower request rate), on at most
 * {@code workers} requests in flight; a tick with no free worker is reported to {@code onSkip}
 * (the demo counts it as a failed request, so a stalled service cannot hide behind a slow
 * client). Bounded: it stops when told. Thread-safe.
 */
final class LoadGenerator {
  private final double rate;
  private final Semaphore slots;
  private final Runnable request;
  private final Runnable onSkip;
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "demo-load-tick"));
  private final ExecutorService workers;
  private volatile long skipped;

  LoadGenerator(double rate, int workers, Runnable request, Runnable onSkip) {
    this.rate = rate;
    this.onSkip = onSkip;
    this.slots = new Semaphore(workers);
    this.request = request;
    this.workers = Executors.newFixedThreadPool(workers, r -> daemon(r, "demo-load"));
  }

  void start() {
    long periodNanos = (long) (1e9 / rate);
    ticker.scheduleAtFixedRate(() -> {
      if (!slots.tryAcquire()) {
        skipped++;
        onSkip.run();
        return;
      }
      workers.execute(() -> {
        try {
          request.run();
        } finally {
          slots.release();
        }
      });
    }, 0, periodNanos, TimeUnit.NANOSECONDS);
  }

  long skipped() {
    return skipped;
  }

  void stop() {
    ticker.shutdownNow();
    workers.shutdownNow();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
