package dev.heal.examples.demo;

import dev.heal.core.health.CheckKind;
import dev.heal.core.healer.Episode;
import dev.heal.core.healer.StepRecord;
import dev.heal.core.time.HealClock;
import dev.heal.examples.orders.OrdersService;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** Prints one line a second: requests/s, success %, p95, circuits, degradation, heal's episode. */
final class LiveView {
  private final PrintStream out;
  private final OrdersService orders;
  private final RequestLog log;
  private final HealClock clock;
  private volatile boolean running;
  private long start;

  LiveView(PrintStream out, OrdersService orders, RequestLog log, HealClock clock) {
    this.out = out;
    this.orders = orders;
    this.log = log;
    this.clock = clock;
  }

  void start(long startNanos, boolean print) {
    this.start = startNanos;
    if (!print) {
      return;
    }
    running = true;
    out.printf("%5s %7s %8s %8s %-10s %-10s %-9s %-9s %s%n", "t", "req/s", "success", "p95", "payments", "database",
        "ready", "degraded", "heal episode");
    clock.schedule(Duration.ofSeconds(1), this::tick);
  }

  void stop() {
    running = false;
  }

  private void tick() {
    if (!running) {
      return;
    }
    long now = clock.nanoTime() - start;
    List<RequestLog.Entry> last = log.between(now - 1_000_000_000L, now);
    double ok = RequestLog.availability(last);
    String episode = "-";
    if (orders.healer() != null) {
      List<Episode> open = orders.healer().journal().open();
      if (!open.isEmpty()) {
        Episode e = open.get(0);
        StepRecord s = e.steps().isEmpty() ? null : e.steps().get(e.steps().size() - 1);
        episode = e.id() + " " + e.plan() + (s == null ? "" : " step " + s.action() + " #" + s.attempt());
      }
    }
    out.printf(Locale.ROOT, "%4ds %7d %7.2f%% %6.0fms %-10s %-10s %-9s %-9s %s%n", now / 1_000_000_000L, last.size(),
        Double.isNaN(ok) ? 100.0 : ok * 100, RequestLog.percentile(last, 0.95).toNanos() / 1e6,
        orders.paymentsCircuit(), orders.databaseCircuit(), orders.health().status(CheckKind.READINESS),
        orders.features().level(), episode);
    clock.schedule(Duration.ofSeconds(1), this::tick);
  }
}
