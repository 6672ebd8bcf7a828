package dev.heal.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.heal.core.time.HealClock;
import dev.heal.examples.orders.OrdersConfig;
import dev.heal.examples.orders.OrdersService;
import dev.heal.examples.payments.PaymentsService;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Issue 16: the loop closes. Real Prometheus and real Alertmanager (Debian packages) run the
 * project's own rule and Alertmanager files, with only intervals and {@code for:} durations divided
 * by {@value #SCALE} ({@link ScaledOverlay}); orders-service and payments-service run from their
 * built classes on loopback, orders on a database server (H2 over TCP) that the test stops. The
 * test causes real failures and follows them through Prometheus' and Alertmanager's HTTP APIs and
 * heal's {@code /heal/episodes}.
 */
class ReferenceDeploymentLoopIT {
  private static final int SCALE = 30;
  private static final String TOKEN = "e2e-token-0123456789abcdef0123456789abcdef";
  private static final String ORDER = """
      {"customerId":"c-7","items":[{"sku":"apple","quantity":2,"price":1.5}]}""";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<AutoCloseable> running = new ArrayList<>();
  private final List<JsonNode> slack = new CopyOnWriteArrayList<>();
  private final AtomicLong requests = new AtomicLong();
  private Path dir;
  private String prometheus;
  private String alertmanager;
  private String ordersManagement;

  @AfterEach
  void stopEverything() throws IOException {
    // What the tools said goes into the test's report (failsafe keeps stdout per test class).
    for (String log : List.of("prometheus.log", "alertmanager.log")) {
      if (dir != null && Files.exists(dir.resolve(log))) {
        List<String> lines = Files.readAllLines(dir.resolve(log));
        System.out.println("--- " + log + " (last 40 lines)");
        lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(System.out::println);
      }
    }
    for (int i = running.size() - 1; i >= 0; i--) {
      try {
        running.get(i).close();
      } catch (Exception ignored) {
        // best-effort teardown; the failure, if any, is the test's own
      }
    }
  }

  @Test
  void prometheusAlertsReachHealWhichActsAndTheFirstGiveUpPages(@TempDir Path tmp) throws Exception {
    dir = tmp;
    Path prometheusBin = ExternalTools.debian("prometheus", "prometheus");
    Path alertmanagerBin = ExternalTools.debian("prometheus-alertmanager", "prometheus-alertmanager");

    // --- the system under test -----------------------------------------------------------------
    int dbPort = freePort();
    Server[] database = {startDatabase(dbPort)};
    running.add(() -> database[0].stop());
    int paymentsPort = freePort();
    int paymentsManagement = freePort();
    PaymentsService[] payments = {PaymentsService.start("127.0.0.1", paymentsPort, paymentsManagement, 16)};
    running.add(() -> payments[0].close());
    OrdersService orders = OrdersService.start(OrdersConfig.fromEnv(Map.of(
        "ORDERS_HOST", "127.0.0.1", "ORDERS_PORT", "0", "ORDERS_MANAGEMENT_PORT", "0",
        "ORDERS_DB_URL", dbUrl(dbPort), "ORDERS_DB_USER", "sa",
        "PAYMENTS_URL", "http://127.0.0.1:" + paymentsPort,
        "HEAL_ALERT_TOKEN", TOKEN,
        // The plan made to fail: payments stays down longer than heal waits after its last step.
        "PAYMENTS_RECOVERY_DEADLINE_S", "3")), HealClock.system());
    running.add(orders);
    ordersManagement = orders.managementUrl();

    HttpServer slackServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    slackServer.createContext("/slack", ex -> {
      slack.add(Infra.JSON.readTree(ex.getRequestBody().readAllBytes()));
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    slackServer.start();
    running.add(() -> slackServer.stop(0));

    // --- monitoring: the project's files, durations scaled, addresses local ----------------------
    int amPort = freePort();
    alertmanager = "http://127.0.0.1:" + amPort;
    Files.writeString(dir.resolve("heal-alert-token"), TOKEN + "\n");
    Files.writeString(dir.resolve("slack-webhook-url"),
        "http://127.0.0.1:" + slackServer.getAddress().getPort() + "/slack\n");
    String amConfig = ScaledOverlay.alertmanager(Infra.read(Infra.path("alertmanager/alertmanager.yml")), SCALE)
        .replace("http://orders-service.heal-demo.svc:8081", ordersManagement)
        .replace("/etc/alertmanager/secrets/", dir + "/");
    Files.writeString(dir.resolve("alertmanager.yml"), amConfig);
    start("alertmanager", alertmanagerBin.toString(), "--config.file=" + dir.resolve("alertmanager.yml"),
        "--storage.path=" + dir.resolve("am-data"), "--web.listen-address=127.0.0.1:" + amPort,
        "--cluster.listen-address=");

    int promPort = freePort();
    prometheus = "http://127.0.0.1:" + promPort;
    Files.createDirectories(dir.resolve("rules"));
    Files.writeString(dir.resolve("rules/heal.rules.yml"),
        ScaledOverlay.rules(Infra.read(Infra.path("prometheus/rules/heal.rules.yml")), SCALE));
    String promConfig = ScaledOverlay.prometheus(Infra.read(Infra.path("prometheus/prometheus-demo.yml")), 5)
        .replace("localhost:8081", ordersManagement.replace("http://", ""))
        .replace("localhost:8091", "127.0.0.1:" + paymentsManagement)
        .replace("localhost:9093", "127.0.0.1:" + amPort);
    Files.writeString(dir.resolve("prometheus.yml"), promConfig);
    start("prometheus", prometheusBin.toString(), "--config.file=" + dir.resolve("prometheus.yml"),
        "--storage.tsdb.path=" + dir.resolve("prom-data"), "--web.listen-address=127.0.0.1:" + promPort,
        "--rules.alert.resend-delay=1s");
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
        .until(() -> status(prometheus + "/-/ready") == 200 && status(alertmanager + "/-/ready") == 200);

    // Bounded load: one order and one listing every 50 ms, for at most 5 minutes.
    ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
    running.add(load::shutdownNow);
    long loadUntil = System.currentTimeMillis() + TimeUnit.MINUTES.toMillis(5);
    load.scheduleAtFixedRate(() -> {
      if (System.currentTimeMillis() < loadUntil) {
        sendQuietly(HttpRequest.newBuilder(URI.create(orders.baseUrl() + "/orders"))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(ORDER)));
        sendQuietly(HttpRequest.newBuilder(URI.create(orders.baseUrl() + "/orders?limit=5")));
      }
    }, 0, 50, TimeUnit.MILLISECONDS);

    // --- healthy: every service observable, rules have data, heal's counters exist at 0 ---------
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      assertThat(value("sum(up)")).as("both services scraped").contains(2.0);
      assertThat(value("service:http_requests_errors:ratio_rate5m{service=\"orders-service\"}"))
          .as("orders-service's error ratio while healthy").contains(0.0);
      assertThat(value("service:http_requests_errors:ratio_rate5m{service=\"payments-service\"}"))
          .as("payments-service's error ratio while healthy").contains(0.0);
      assertThat(value("heal_recovery_episodes_total{plan=\"payments-recovery\",outcome=\"GAVE_UP\"}"))
          .as("heal's give-up counter before the first give-up").contains(0.0);
    });
    assertThat(alerts()).as("no alert while healthy").isEmpty();

    // --- payments stopped: heal tries, gives up, and that first give-up pages a human -----------
    payments[0].close();
    awaitAlert("HealEpisodeGaveUp", "firing", Duration.ofSeconds(90));
    assertThat(alerts()).filteredOn(a -> a.at("/labels/alertname").asString().equals("HealEpisodeGaveUp"))
        .anySatisfy(a -> assertThat(a.at("/labels/plan").asString()).isEqualTo("payments-recovery"));
    assertThat(episodes()).filteredOn(e -> e.path("plan").asString().equals("payments-recovery"))
        .anySatisfy(e -> assertThat(e.path("outcome").asString()).isEqualTo("GAVE_UP"));
    // The runbook's command for this alert works on what the endpoint really answers.
    assertThat(runbookJq("payments-recovery")).contains("\"outcome\": \"GAVE_UP\"");
    await().atMost(Duration.ofSeconds(30)).until(() -> slack.stream().anyMatch(m ->
        m.path("channel").asString().equals("#heal-critical") && m.toString().contains("HealEpisodeGaveUp")));
    // A breaker flapping open <-> half_open for the whole outage is "not closed for 5 minutes".
    awaitAlert("CircuitOpenTooLong", "firing", Duration.ofSeconds(60));
    payments[0] = PaymentsService.start("127.0.0.1", paymentsPort, paymentsManagement, 17);
    awaitAlertGone("CircuitOpenTooLong", Duration.ofSeconds(90));

    // --- database stopped: HighErrorRate pending -> firing -> heal -> acts -> recovers ----------
    database[0].stop();
    awaitAlert("HighErrorRate", "pending", Duration.ofSeconds(60));
    awaitAlert("HighErrorRate", "firing", Duration.ofSeconds(30));
    JsonNode episode = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
        .until(() -> episodes().stream().filter(e -> e.path("plan").asString().equals("alert-high-error-rate"))
            .filter(e -> e.at("/steps/0/status").asString().equals("SUCCEEDED")).findFirst(), Optional::isPresent).get();
    assertThat(episode.at("/trigger/source").asString()).isEqualTo("alert");
    assertThat(episode.at("/trigger/labels/service").asString()).isEqualTo("orders-service");
    assertThat(episode.at("/steps/0/action").asString()).isEqualTo("resetConnections");
    // Delivered by the heal receiver of the Alertmanager config, and accepted (the bearer token).
    assertThat(metric(alertmanager + "/metrics", "alertmanager_notifications_total{integration=\"webhook\"}"))
        .isPositive();
    assertThat(metric(alertmanager + "/metrics", "alertmanager_notifications_failed_total{integration=\"webhook\"}"))
        .isZero();

    database[0] = startDatabase(dbPort);
    awaitAlertGone("HighErrorRate", Duration.ofSeconds(90));
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> episodes().stream()
        .filter(e -> e.path("id").asString().equals(episode.path("id").asString()))
        .anyMatch(e -> e.path("outcome").asString().equals("RECOVERED")));
    assertThat(status(orders.baseUrl() + "/orders?limit=5")).isEqualTo(200);
    assertThat(requests.get()).as("load reached orders-service").isGreaterThan(100);
  }

  // --- helpers ---------------------------------------------------------------------------------

  /** Runs docs/operations.md's HealEpisodeGaveUp jq filter over orders-service's /heal/episodes. */
  private String runbookJq(String plan) throws IOException, InterruptedException {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("## HealEpisodeGaveUp[\\s\\S]*?jq '([^']+)'")
        .matcher(Infra.read(Infra.root().resolve("docs/operations.md")));
    assertThat(m.find()).as("docs/operations.md's HealEpisodeGaveUp section shows a jq command").isTrue();
    Path journal = dir.resolve("episodes.json");
    Files.writeString(journal, http.send(HttpRequest.newBuilder(URI.create(ordersManagement + "/heal/episodes"))
        .build(), HttpResponse.BodyHandlers.ofString()).body());
    return ExternalTools.run(dir, ExternalTools.debian("jq", "jq").toString(), m.group(1).replace("<plan>", plan),
        journal.toString()).assertSuccess("jq from the runbook").output();
  }

  /** An H2 database server over TCP, answering (the database file created) before it returns. */
  private Server startDatabase(int port) throws Exception {
    Server server = Server.createTcpServer("-tcpPort", Integer.toString(port), "-baseDir", dir.resolve("db").toString(),
        "-ifNotExists").start();
    DriverManager.getConnection(dbUrl(port), "sa", "").close();
    return server;
  }

  private static String dbUrl(int port) {
    return "jdbc:h2:tcp://127.0.0.1:" + port + "/orders";
  }

  private void start(String name, String... command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile()).start();
    running.add(() -> {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    });
  }

  private void sendQuietly(HttpRequest.Builder request) {
    try {
      http.send(request.timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
      requests.incrementAndGet();
    } catch (IOException e) {
      // a refused request is part of the outage being tested
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private int status(String url) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private JsonNode getJson(String url) throws IOException, InterruptedException {
    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).as("GET %s", url).isEqualTo(200);
    return Infra.JSON.readTree(r.body());
  }

  /** The single value of an instant query, if it has one. */
  private Optional<Double> value(String promql) throws IOException, InterruptedException {
    JsonNode result = getJson(prometheus + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8))
        .at("/data/result");
    return result.size() == 1 ? Optional.of(Double.parseDouble(result.get(0).at("/value/1").asString())) : Optional.empty();
  }

  /** Prometheus' active alerts (pending and firing). */
  private List<JsonNode> alerts() throws IOException, InterruptedException {
    List<JsonNode> out = new ArrayList<>();
    getJson(prometheus + "/api/v1/alerts").at("/data/alerts").forEach(out::add);
    return out;
  }

  private void awaitAlert(String name, String state, Duration within) {
    await().atMost(within).pollInterval(Duration.ofMillis(200)).until(() -> alerts().stream().anyMatch(a ->
        a.at("/labels/alertname").asString().equals(name) && a.path("state").asString().equals(state)));
  }

  private void awaitAlertGone(String name, Duration within) {
    await().atMost(within).pollInterval(Duration.ofMillis(500)).until(() -> alerts().stream()
        .noneMatch(a -> a.at("/labels/alertname").asString().equals(name)));
  }

  private List<JsonNode> episodes() throws IOException, InterruptedException {
    List<JsonNode> out = new ArrayList<>();
    getJson(ordersManagement + "/heal/episodes?limit=200").path("episodes").forEach(out::add);
    return out;
  }

  /** A sample's value from a Prometheus text exposition; 0 when the series is absent. */
  private double metric(String url, String series) throws IOException, InterruptedException {
    String body = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    return body.lines().filter(l -> l.startsWith(series + " ")).findFirst()
        .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim())).orElse(0.0);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
