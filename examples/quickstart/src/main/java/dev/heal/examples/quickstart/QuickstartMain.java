package dev.heal.examples.quickstart;

import com.sun.net.httpserver.HttpServer;
import dev.heal.core.health.CheckKind;
import dev.heal.core.health.HealthCheckConfig;
import dev.heal.core.health.HealthMetrics;
import dev.heal.core.health.HealthRegistry;
import dev.heal.core.health.HealthResult;
import dev.heal.core.healer.Action;
import dev.heal.core.healer.Actions;
import dev.heal.http.EpisodesEndpoint;
import dev.heal.core.healer.Episode;
import dev.heal.core.healer.Healer;
import dev.heal.core.healer.HealerMetrics;
import dev.heal.core.healer.RecoveryPlan;
import dev.heal.core.healer.Trigger;
import dev.heal.http.ProbeHandler;
import dev.heal.http.ProbeServer;
import dev.heal.core.time.HealClock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * heal in one screen: a tiny "inventory" service whose database connections go stale a few
 * seconds in; heal's health check notices, the healer reconnects the pool, verifies, and the
 * journal shows how long it took. Probes, metrics and the journal stay up for you to look at.
 *
 * <p>Flags: {@code --seconds N} (default 20), {@code --probe-port P} (default 8081; 0 = any),
 * {@code --app-port P} (default 8080; 0 = any), {@code --break-after N} seconds (default 4).
 */
public final class QuickstartMain {
  private QuickstartMain() {}

  public static void main(String[] args) throws Exception {
    int code = run(args, System.out);
    System.exit(code);
  }

  /** Runs the scenario and returns the process exit code: 0 if heal recovered the service. */
  static int run(String[] args, PrintStream out) throws Exception {
    int seconds = intFlag(args, "--seconds", 20);
    int probePort = intFlag(args, "--probe-port", 8081);
    int appPort = intFlag(args, "--app-port", 8080);
    int breakAfter = intFlag(args, "--break-after", 4);
    HealClock clock = HealClock.system();
    FakeDatabasePool pool = new FakeDatabasePool();

    HealthRegistry health = HealthRegistry.builder().clock(clock).build();
    health.register(HealthCheckConfig.builder("database").external(true).interval(Duration.ofMillis(500))
        .timeout(Duration.ofMillis(300)).failureThreshold(2).build(), () -> {
          pool.query("select 1");
          return HealthResult.up();
        });
    health.register(HealthCheckConfig.builder("process").liveness().interval(Duration.ofSeconds(1)).build(),
        HealthResult::up);

    Healer healer = Healer.builder().clock(clock).health(health)
        .plan(RecoveryPlan.when(Trigger.check("database").isDown().forConsecutive(3)).named("database-recovery")
            .then(Action.run("reconnectPool", pool::reconnect)).attempts(2).verifyWithin(Duration.ofSeconds(5))
            .escalateTo(Actions.sequence("drainAndRestartPool", Actions.drain(health), Actions.restart("pool", pool)))
            .verifyWithin(Duration.ofSeconds(10))
            .build())
        .build();

    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new HealthMetrics(health).bindTo(prometheus);
    new HealerMetrics(healer).bindTo(prometheus);

    AtomicInteger served = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    HttpServer app = HttpServer.create(new InetSocketAddress("127.0.0.1", appPort), 64);
    app.createContext("/items", ex -> {
      int status;
      byte[] body;
      try {
        body = ("{\"items\":[\"apple\",\"pear\"],\"db\":\"" + pool.query("select * from items") + "\"}")
            .getBytes(StandardCharsets.UTF_8);
        status = 200;
        served.incrementAndGet();
      } catch (IllegalStateException e) {
        body = "{\"error\":\"database unavailable\"}".getBytes(StandardCharsets.UTF_8);
        status = 503;
        failed.incrementAndGet();
      }
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(status, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });

    health.start();
    ProbeServer probes;
    try {
      probes = ProbeServer.builder(ProbeHandler.builder(health).metrics(prometheus::scrape)
              .route(EpisodesEndpoint.route(healer)))
          .host("127.0.0.1").port(probePort).start();
    } catch (RuntimeException e) {
      out.println("heal quickstart: " + e.getMessage() + " (choose another with --probe-port)");
      health.close();
      return 2;
    }
    app.start();
    String base = probes.baseUrl();
    out.println("heal quickstart: inventory service on http://127.0.0.1:" + app.getAddress().getPort() + "/items");
    out.println("  probes:   " + base + "/livez  " + base + "/readyz  " + base + "/startupz");
    out.println("  details:  " + base + "/health   journal: " + base + "/heal/episodes   metrics: " + base + "/metrics");
    out.println("  the database connections go stale in " + breakAfter + " s; watch heal repair them.");
    out.println();

    CountDownLatch done = new CountDownLatch(1);
    long start = clock.nanoTime();
    clock.schedule(Duration.ofSeconds(breakAfter), () -> {
      out.println(">>> chaos: database connections are now stale");
      pool.breakConnections();
    });
    Runnable[] tick = new Runnable[1];
    tick[0] = () -> {
      long elapsed = clock.since(start).toSeconds();
      List<Episode> open = healer.journal().open();
      String episode = open.isEmpty() ? "-" : open.get(0).id() + " " + open.get(0).actions();
      out.printf("t=%2ds  readiness=%-8s database=%-8s open episode=%s%n", elapsed, health.status(CheckKind.READINESS),
          health.state("database").map(s -> s.status().name()).orElse("?"), episode);
      if (elapsed >= seconds) {
        done.countDown();
      } else {
        clock.schedule(Duration.ofSeconds(1), tick[0]);
      }
    };
    clock.schedule(Duration.ofSeconds(1), tick[0]);
    done.await(seconds + 5L, TimeUnit.SECONDS);

    List<Episode> episodes = healer.journal().recent(10);
    out.println();
    out.println("heal journal:");
    for (Episode e : episodes) {
      out.printf("  %s %s target=%s outcome=%s actions=%s time-to-detect=%d ms time-to-recover=%s%n", e.id(), e.plan(),
          e.target(), e.outcome().map(Enum::name).orElse("OPEN"), e.actions(), e.timeToDetect().toMillis(),
          e.timeToRecover().map(d -> d.toMillis() + " ms").orElse("-"));
    }
    boolean recovered = !episodes.isEmpty() && episodes.stream().allMatch(e -> e.outcome().map(o -> o.isSuccess()).orElse(false));
    out.println(recovered ? "VERDICT: healed — every episode recovered." : "VERDICT: NOT healed — see the journal above.");
    app.stop(0);
    probes.close();
    healer.close();
    health.close();
    return recovered ? 0 : 1;
  }

  private static int intFlag(String[] args, String name, int def) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals(name)) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(name + " needs a number");
        }
        try {
          return Integer.parseInt(args[i + 1]);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(name + " needs a number, got '" + args[i + 1] + "'");
        }
      }
    }
    return def;
  }

}
