package dev.heal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import dev.heal.core.health.CheckKind;
import dev.heal.core.health.HealthCheckConfig;
import dev.heal.core.health.HealthMetrics;
import dev.heal.core.health.HealthRegistry;
import dev.heal.core.health.HealthResult;
import dev.heal.core.time.ManualClock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProbeServerIT {
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final ManualClock clock = new ManualClock();
  private final AtomicReference<HealthResult> db = new AtomicReference<>(HealthResult.up(Map.of("pool", "hikari", "active", 3)));
  private final CountDownLatch release = new CountDownLatch(1);
  private HealthRegistry registry;
  private ProbeServer server;

  @BeforeEach
  void setUp() {
    registry = HealthRegistry.builder().clock(clock).build();
    registry.register(HealthCheckConfig.builder("db").external(true).failureThreshold(1).interval(Duration.ofSeconds(1)).build(), db::get);
    registry.register(HealthCheckConfig.builder("event-loop").liveness().build(), HealthResult::up);
    registry.start();
    runChecks();
    server = ProbeServer.builder(registry).host("127.0.0.1").port(0).start();
  }

  @AfterEach
  void tearDown() {
    release.countDown();
    server.close();
    registry.close();
  }

  private void runChecks() {
    long before = registry.snapshot().checks().stream().mapToLong(c -> c.runs()).sum();
    int n = registry.checkNames().size();
    clock.advance(Duration.ofSeconds(1));
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
        .until(() -> registry.snapshot().checks().stream().mapToLong(c -> c.runs()).sum() >= before + n
            || registry.snapshot().checks().stream().allMatch(c -> c.runs() > 0));
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).timeout(Duration.ofSeconds(2)).GET().build());
  }

  private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return http.send(request, BodyHandlers.ofString());
  }

  @Test
  void probesAnswer200WhenUpAnd503WhenDown() throws Exception {
    for (String path : List.of("/livez", "/readyz", "/startupz")) {
      HttpResponse<String> r = get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      assertThat(json.readTree(r.body()).get("status").asString()).isEqualTo("UP");
      assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    }
    db.set(HealthResult.down("connection refused"));
    runChecks();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> registry.status(CheckKind.READINESS).name().equals("DOWN"));
    HttpResponse<String> ready = get("/readyz");
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(json.readTree(ready.body()).get("status").asString()).isEqualTo("DOWN");
    assertThat(get("/livez").statusCode()).as("a database outage must not fail liveness").isEqualTo(200);
  }

  @Test
  void healthHasTheMicroProfileShapeWithHealsFields() throws Exception {
    HttpResponse<String> r = get("/health");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = json.readTree(r.body());
    assertThat(body.get("status").asString()).isEqualTo("UP");
    assertThat(body.get("probes").get("readiness").asString()).isEqualTo("UP");
    JsonNode checks = body.get("checks");
    assertThat(checks).hasSize(2);
    JsonNode dbCheck = checks.get(0);
    assertThat(dbCheck.get("name").asString()).isEqualTo("db");
    assertThat(dbCheck.get("status").asString()).isEqualTo("UP");
    assertThat(dbCheck.get("data").get("pool").asString()).isEqualTo("hikari");
    assertThat(dbCheck.get("data").get("active").asInt()).isEqualTo(3);
    assertThat(dbCheck.get("kinds").get(0).asString()).isEqualTo("readiness");
    assertThat(dbCheck.has("lastDurationMs")).isTrue();
    assertThat(dbCheck.has("lastChangeAt")).isTrue();

    db.set(HealthResult.down("connection refused"));
    runChecks();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> get("/health").statusCode() == 503);
    JsonNode down = json.readTree(get("/health").body());
    assertThat(down.get("status").asString()).isEqualTo("DOWN");
    assertThat(down.get("checks").get(0).get("lastError").asString()).isEqualTo("connection refused");
  }

  @Test
  void detailsAreHiddenWhenTurnedOff() throws Exception {
    try (ProbeServer quiet = ProbeServer.builder(ProbeHandler.builder(registry).showDetails(false)).host("127.0.0.1").port(0).start()) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(quiet.baseUrl() + "/health")).build(), BodyHandlers.ofString());
      JsonNode check = json.readTree(r.body()).get("checks").get(0);
      assertThat(check.get("name").asString()).isEqualTo("db");
      assertThat(check.has("data")).isFalse();
      assertThat(check.has("lastError")).isFalse();
      assertThat(r.body()).doesNotContain("hikari");
    }
  }

  @Test
  void badRequestsGetClearAnswersAndChangeNothing() throws Exception {
    HttpResponse<String> notFound = get("/nope");
    assertThat(notFound.statusCode()).isEqualTo(404);
    assertThat(json.readTree(notFound.body()).get("error").asString()).contains("no such path: /nope").contains("/readyz");

    HttpResponse<String> post = send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/readyz")).POST(BodyPublishers.ofString("{}")).build());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
    assertThat(json.readTree(post.body()).get("error").asString()).contains("method POST is not allowed on /readyz");

    HttpResponse<String> head = send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/readyz")).method("HEAD", BodyPublishers.noBody()).build());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();

    HttpResponse<String> big = send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/health"))
        .method("GET", BodyPublishers.ofString("x".repeat(64 * 1024))).build());
    assertThat(big.statusCode()).isEqualTo(413);
    assertThat(json.readTree(big.body()).get("error").asString()).contains("over the limit of 1024 bytes");

    assertThat(get("/readyz").statusCode()).isEqualTo(200);
    assertThat(get("/metrics").statusCode()).as("no metrics registry was handed over").isEqualTo(404);
  }

  @Test
  void servesPrometheusMetricsWhenGivenARegistry() throws Exception {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new HealthMetrics(registry).bindTo(prometheus);
    runChecks();
    try (ProbeServer withMetrics = ProbeServer.builder(ProbeHandler.builder(registry).metrics(prometheus::scrape)).host("127.0.0.1").port(0).start()) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(withMetrics.baseUrl() + "/metrics")).build(), BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
      assertThat(r.body()).contains("heal_health_status{probe=\"readiness\"} 1.0");
      assertThat(r.body()).contains("heal_health_check_status{check=\"db\"}");
    }
  }

  @Test
  void probeAnswersDoNotWaitOnAHangingCheck() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    registry.register(HealthCheckConfig.builder("slow").critical(false).timeout(Duration.ofHours(1)).build(), () -> {
      started.countDown();
      release.await();
      return HealthResult.up();
    });
    registry.requestRun("slow");
    clock.runDueTasks();
    assertThat(started.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

    List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      inFlight.add(http.sendAsync(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/readyz")).timeout(Duration.ofSeconds(5)).build(), BodyHandlers.ofString()));
      if (inFlight.size() == 16) {
        for (CompletableFuture<HttpResponse<String>> f : inFlight) {
          assertThat(f.get().statusCode()).isEqualTo(200);
        }
        inFlight.clear();
      }
    }
    for (CompletableFuture<HttpResponse<String>> f : inFlight) {
      assertThat(f.get().statusCode()).isEqualTo(200);
    }
    assertThat(release.getCount()).as("the check was still hanging while all probes were answered").isEqualTo(1);
  }

  @Test
  void closeStopsTheServer() throws Exception {
    String url = server.baseUrl();
    server.close();
    assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(URI.create(url + "/livez")).timeout(Duration.ofSeconds(2)).build(), BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);
  }
}
