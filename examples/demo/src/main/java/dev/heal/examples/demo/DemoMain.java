package dev.heal.examples.demo;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import dev.heal.chaos.ChaosController;
import dev.heal.chaos.ChaosReport;
import dev.heal.chaos.Direction;
import dev.heal.chaos.Experiment;
import dev.heal.chaos.ExperimentResult;
import dev.heal.chaos.Fault;
import dev.heal.chaos.FaultSchedule;
import dev.heal.chaos.Probe;
import dev.heal.chaos.RequestSample;
import dev.heal.chaos.TcpChaosProxy;
import dev.heal.core.health.CheckKind;
import dev.heal.core.health.HealthStatus;
import dev.heal.core.healer.Episode;
import dev.heal.core.healer.StepRecord;
import dev.heal.core.time.HealClock;
import dev.heal.examples.orders.OrdersConfig;
import dev.heal.examples.orders.OrdersService;
import dev.heal.examples.payments.PaymentsService;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.tools.Server;

/**
 * heal's demo: orders-service (on an H2 database reached through a TCP chaos proxy) calls
 * payments-service (through another), under steady load, while a scripted, seeded chaos schedule
 * runs: a payments latency spike, a payments outage, the database's connections dropped and
 * refused, and a burst of overload. A live view updates every second; at the end a summary per
 * fault, JSON/SVG/HTML reports and a verdict: did every SLO hold? Exit code 0 if so.
 *
 * <p>SLOs: availability at least 99.9 % during each fault, p95 latency under 100 ms overall, and
 * recovery (fault end to full function: readiness UP and new orders PAID) within 5 s.
 */
public final class DemoMain {
  static final double AVAILABILITY_SLO = 0.999;
  static final Duration P95_SLO = Duration.ofMillis(100);
  static final Duration RECOVERY_SLO = Duration.ofSeconds(5);

  private DemoMain() {}

  public static void main(String[] args) throws Exception {
    DemoOptions options;
    try {
      options = DemoOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("heal demo: " + e.getMessage());
      System.exit(2);
      return;
    }
    System.exit(run(options, System.out).exitCode());
  }

  /** What one run measured, and the verdict. */
  record Outcome(ExperimentResult result, List<Row> rows, Duration p95, double availability, boolean sloHeld,
      Path html) {
    int exitCode() {
      return sloHeld ? 0 : 1;
    }
  }

  /** One line of the summary table. */
  record Row(String name, double availability, long requests, String detect, String recover, String actions,
      boolean held) {}

  static Outcome run(DemoOptions o, PrintStream out) throws Exception {
    Duration d = o.duration();
    int dbPort = freePort();
    Server h2 = Server.createTcpServer("-tcpPort", Integer.toString(dbPort), "-ifNotExists").start();
    PaymentsService payments = PaymentsService.start("127.0.0.1", 0, -1, o.seed());
    ChaosController chaos = ChaosController.builder().seed(o.seed()).clock(HealClock.system()).build();
    TcpChaosProxy dbProxy = chaos.tcpProxy("database", new InetSocketAddress("127.0.0.1", dbPort));
    URI paymentsUri = URI.create(payments.baseUrl());
    TcpChaosProxy payProxy = chaos.tcpProxy("payments", new InetSocketAddress("127.0.0.1", paymentsUri.getPort()));
    OrdersService orders = OrdersService.start(OrdersConfig.defaults().withHost("127.0.0.1").withPorts(0, 0)
        .withDatabase("jdbc:h2:tcp://127.0.0.1:" + dbProxy.port() + "/mem:orders;DB_CLOSE_DELAY=-1", "sa", "")
        .withPayments(URI.create("http://127.0.0.1:" + payProxy.port())).withHeal(o.heal()), HealClock.system());
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    ObjectMapper json = new ObjectMapper();
    Random random = new Random(chaos.derivedSeed("requests"));
    List<String> ids = new CopyOnWriteArrayList<>();
    RequestLog log = new RequestLog();
    HealClock clock = HealClock.system();
    long[] start = {clock.nanoTime()};
    AtomicInteger seq = new AtomicInteger();

    Caller post = () -> {
      int n = seq.incrementAndGet();
      String body = "{\"customerId\":\"c-" + (n % 500) + "\",\"items\":[{\"sku\":\"sku-" + (n % 40)
          + "\",\"quantity\":" + (1 + n % 3) + ",\"price\":" + (5 + n % 20) + ".50}]}";
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(orders.baseUrl() + "/orders"))
          .timeout(Duration.ofSeconds(2)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 201 || r.statusCode() == 202) {
        JsonNode node = json.readTree(r.body());
        ids.add(node.get("id").asString());
        return node.get("status").asString();
      }
      return null;
    };
    for (int i = 0; i < 50; i++) {
      post.call();
    }
    if (o.wrkTargets().isPresent()) {
      // For wrk: the first line is the base URL, then one seeded order id per line.
      Files.writeString(o.wrkTargets().get(), orders.baseUrl() + "\n" + String.join("\n", ids) + "\n");
    }
    Caller request = () -> {
      boolean write;
      String id;
      synchronized (random) {
        write = random.nextDouble() < 0.3 || ids.isEmpty();
        id = ids.isEmpty() ? "" : ids.get(random.nextInt(ids.size()));
      }
      if (write) {
        return post.call();
      }
      HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(orders.baseUrl() + "/orders/" + id))
          .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200 ? "OK" : null;
    };

    // Each fault is followed by room to recover (more than the 5 s recovery SLO) before the next.
    FaultSchedule chaosSchedule = FaultSchedule.of(
        Fault.networkLatency("payments", Duration.ofMillis(600), Duration.ofMillis(100), Direction.DOWNSTREAM)
            .named("payments latency spike").startingAt(part(d, 0.10)).lasting(part(d, 0.10)),
        Fault.refuse("payments").named("payments outage").startingAt(part(d, 0.33)).lasting(part(d, 0.10)),
        Fault.reset("payments").named("payments outage (open connections reset)").startingAt(part(d, 0.33))
            .lasting(part(d, 0.10)),
        Fault.reset("database").named("database connections dropped").startingAt(part(d, 0.57)).lasting(part(d, 0.10)),
        Fault.refuse("database").named("database connections refused").startingAt(part(d, 0.57))
            .lasting(part(d, 0.10)));
    FaultSchedule schedule = o.faults() ? chaosSchedule : FaultSchedule.empty();
    Duration burstStart = part(d, 0.80);
    Duration burstLength = part(d, 0.07);

    Experiment.Builder eb = Experiment.builder(o.heal() ? "heal-demo" : "heal-demo-no-heal")
        .faults(schedule)
        .duration(d)
        .probeEvery(Duration.ofMillis(250))
        // Full function, not just "answers": readiness UP (no check degraded) and new orders PAID.
        .steadyState(Probe.health(orders.health(), CheckKind.READINESS, HealthStatus.UP))
        .steadyState(Probe.of("a new order is PAID within 500 ms", () -> {
          long t0 = clock.nanoTime();
          try {
            return "PAID".equals(post.call()) && clock.since(t0).compareTo(Duration.ofMillis(500)) < 0;
          } catch (Exception e) {
            return false;
          }
        }))
        .observe(orders.health());
    if (o.heal()) {
      eb.observe(orders.healer());
    }
    Experiment experiment = eb.build();

    out.printf("heal demo (%s): orders %s, payments %s, seed %d, %s at %.0f req/s%n",
        o.heal() ? "heal ON" : "heal OFF (--no-heal)", orders.baseUrl(), payments.baseUrl(), o.seed(),
        human(d), o.rate());
    out.println("schedule: " + schedule.describe() + "; overload burst at " + human(burstStart) + " for "
        + human(burstLength));
    out.println();

    ExecutorService burst = Executors.newFixedThreadPool(48, r -> {
      Thread t = new Thread(r, "demo-burst");
      t.setDaemon(true);
      return t;
    });
    AtomicBoolean bursting = new AtomicBoolean();
    HealClock.Cancellable burstOn = null;
    HealClock.Cancellable burstOff = null;
    // Warm up (JIT, pools, connections) for 5 s; these requests are not measured.
    RequestLog warmupLog = new RequestLog();
    LoadGenerator warmup = new LoadGenerator(o.rate(), 64, () -> timed(clock, clock.nanoTime(), warmupLog, request, false),
        () -> { });
    warmup.start();
    chaos.sleep(Duration.ofSeconds(5));
    warmup.stop();
    LiveView live = new LiveView(out, orders, log, clock);
    start[0] = clock.nanoTime();
    java.time.Instant startedAt = clock.now();
    live.start(start[0], o.live());
    LoadGenerator load = new LoadGenerator(o.rate(), 64, () -> timed(clock, start[0], log, request, false),
        () -> log.add(clock.nanoTime() - start[0], 0, false, false));
    load.start();
    burstOn = clock.schedule(o.faults() ? burstStart : d.plusSeconds(3600), () -> {
      bursting.set(true);
      for (int i = 0; i < 48; i++) {
        burst.execute(() -> {
          while (bursting.get()) {
            try {
              timed(clock, start[0], log, post, true);
            } catch (Exception ignored) {
              // counted as a failure by timed()
            }
          }
        });
      }
    });
    burstOff = clock.schedule(burstStart.plus(burstLength), () -> bursting.set(false));
    ExperimentResult result;
    try {
      result = chaos.run(experiment);
    } finally {
      bursting.set(false);
      load.stop();
      burstOn.cancel();
      burstOff.cancel();
      live.stop();
      burst.shutdownNow();
    }
    burst.awaitTermination(5, TimeUnit.SECONDS);

    // The steady load's samples join the experiment's result (on its time origin), so the testkit's
    // measurements, assertions and timeline picture include them.
    long shift = Duration.between(result.startedAt(), startedAt).toNanos();
    List<RequestSample> samples = new ArrayList<>();
    for (RequestLog.Entry e : log.between(0, Long.MAX_VALUE, false)) {
      samples.add(new RequestSample(e.offsetNanos() + shift, e.latencyNanos(), e.ok()));
    }
    samples.sort(java.util.Comparator.comparingLong(RequestSample::offsetNanos));
    result = new ExperimentResult(result.name(), result.seed(), result.startedAt(), result.duration(), result.schedule(),
        samples, result.probes(), result.markers(), result.episodes(), result.faultReports());

    List<Row> rows = new ArrayList<>();
    boolean held = true;
    for (String name : o.faults() ? List.of("payments latency spike", "payments outage", "database connections dropped")
        : List.<String>of()) {
      Fault f = schedule.find(name).orElseThrow();
      long s = f.start().toNanos();
      long e = s + f.duration().orElseThrow().toNanos();
      double avail = result.availabilityDuring(name);
      Duration ttr = result.timeToRecover(name).orElse(null);
      String actions = actions(result.episodes(), result.startedAt().plusNanos(s), result.startedAt().plusNanos(e + RECOVERY_SLO.toNanos()));
      boolean ok = avail >= AVAILABILITY_SLO && ttr != null && ttr.compareTo(RECOVERY_SLO) <= 0;
      held &= ok;
      rows.add(new Row(name, avail, result.requestsDuring(name), result.timeToDetect(name).map(DemoMain::human).orElse("-"),
          ttr == null ? "never" : human(ttr), actions, ok));
    }
    long bs = burstStart.toNanos(); // the burst runs on the demo's own time origin (startedAt)
    long be = bs + burstLength.toNanos();
    List<RequestLog.Entry> duringBurst = log.between(bs, be);
    double burstAvail = RequestLog.availability(duringBurst);
    boolean burstOk = !o.faults() || burstAvail >= AVAILABILITY_SLO;
    held &= burstOk;
    if (o.faults()) {
      rows.add(new Row("overload burst (48 clients)", burstAvail, duringBurst.size(), "-", "-",
          actions(result.episodes(), startedAt.plusNanos(bs), startedAt.plusNanos(be)), burstOk));
    }
    List<RequestLog.Entry> steady = log.between(0, Long.MAX_VALUE, false);
    Duration p95 = RequestLog.percentile(steady, 0.95);
    double availability = RequestLog.availability(steady);
    boolean p95Ok = p95.compareTo(P95_SLO) < 0;
    held &= p95Ok;

    out.println();
    out.printf("%-30s %12s %9s %12s %12s  %s%n", "fault", "availability", "requests", "detected in", "recovered in",
        "heal actions");
    for (Row r : rows) {
      out.printf("%-30s %11.3f%% %9d %12s %12s  %s%s%n", r.name(), r.availability() * 100, r.requests(), r.detect(),
          r.recover(), r.actions(), r.held() ? "" : "   <-- SLO missed");
    }
    out.printf("%nsteady load: %d requests, availability %.3f%%, p95 %s (SLO < %s)%s%n", steady.size(),
        availability * 100, human(p95), human(P95_SLO), p95Ok ? "" : "   <-- SLO missed");

    Files.createDirectories(o.reportDir());
    ChaosReport.write(result, o.reportDir(), experiment.name());
    Path html = o.reportDir().resolve(experiment.name() + ".html");
    Files.writeString(html, Html.page(experiment.name(), o, rows, p95, availability, held, ChaosReport.toSvg(result)),
        StandardCharsets.UTF_8);
    out.println("report: " + html.toAbsolutePath() + " (and " + experiment.name() + ".json, .svg)");
    out.println(held ? "VERDICT: every SLO held (availability >= 99.9% during each fault, p95 < 100 ms, recovery <= 5 s)."
        : "VERDICT: SLOs missed — see the rows marked above.");

    orders.close();
    payments.close();
    chaos.close();
    h2.stop();
    return new Outcome(result, rows, p95, availability, held, html);
  }

  private static String actions(List<Episode> episodes, java.time.Instant from, java.time.Instant to) {
    List<String> out = new ArrayList<>();
    for (Episode e : episodes) {
      if (!e.detectedAt().isBefore(from) && e.detectedAt().isBefore(to)) {
        StringBuilder b = new StringBuilder(e.plan()).append(": ");
        List<String> steps = new ArrayList<>();
        for (StepRecord s : e.steps()) {
          steps.add(s.action());
        }
        b.append(String.join(" → ", steps)).append(" (").append(e.outcome().map(Enum::name).orElse("open")).append(')');
        out.add(b.toString());
      }
    }
    return out.isEmpty() ? "-" : String.join("; ", out);
  }

  /** A request the demo makes; returns a status word, or null for a failed request. */
  @FunctionalInterface
  interface Caller {
    String call() throws Exception;
  }

  static Boolean timed(HealClock clock, long start, RequestLog log, Caller c, boolean burst) {
    long t0 = clock.nanoTime();
    boolean ok;
    try {
      ok = c.call() != null;
    } catch (Exception e) {
      ok = false;
    }
    log.add(t0 - start, clock.nanoTime() - t0, ok, burst);
    return ok;
  }

  static Duration part(Duration d, double share) {
    return Duration.ofMillis(Math.round(d.toMillis() * share));
  }

  static String human(Duration d) {
    if (d.toMillis() < 10_000) {
      return String.format(Locale.ROOT, "%.2f s", d.toNanos() / 1e9);
    }
    return String.format(Locale.ROOT, "%.1f s", d.toNanos() / 1e9);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
