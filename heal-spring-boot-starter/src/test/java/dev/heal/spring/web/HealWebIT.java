package dev.heal.spring.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.heal.core.health.CheckKind;
import dev.heal.core.health.HealthRegistry;
import dev.heal.core.health.HealthStatus;
import dev.heal.core.healer.Healer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

/**
 * The starter in a real Spring Boot 4 web application over real HTTP: Actuator's probes answer from
 * heal's cached results, DEGRADED is 200, a drain is a 503 and back, {@code /actuator/heal} reads
 * and writes (and refuses without credentials: Spring Security is on the class path), and a call
 * carrying resilience4j's {@code @Retry} with resilience4j-spring-boot3 present is decorated once.
 */
@SpringBootTest(classes = TestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "management.endpoints.web.exposure.include=health,heal",
    "management.endpoint.health.probes.enabled=true",
    "management.endpoint.health.show-details=always",
    "heal.actuator.background=slow,db",
    "heal.checks.db.interval=100ms", "heal.checks.db.failure-threshold=1000",
    "heal.checks.[db.secondary].timeout=300ms",
    "heal.checks.slow.interval=100ms", "heal.checks.slow.timeout=300ms", "heal.checks.slow.failure-threshold=1000",
    "heal.checks.cache.interval=100ms", "heal.checks.cache.failure-threshold=1",
    "heal.cooldown=0s",
    "resilience4j.retry.instances.payments.max-attempts=3",
    "resilience4j.retry.instances.payments.wait-duration=1ms",
    // resilience4j-spring-boot3 2.4.0 refuses Spring Boot 4 in a verifier of its own; its aspects work without it.
    TestApp.R4J_VERIFIER_EXCLUDE})
class HealWebIT {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @LocalServerPort
  int port;
  @Autowired
  TestApp.Switches switches;
  @Autowired
  HealthRegistry registry;
  @Autowired
  Healer healer;
  @Autowired
  ApplicationAvailability availability;
  @Autowired
  ApplicationContext context;
  @Autowired
  TestApp.PaymentsClient payments;

  static TestApp.Switches opened;

  @AfterAll
  static void releaseHungIndicator() {
    if (opened != null) {
      opened.release.countDown();
    }
  }

  private HttpResponse<String> get(String path, String user) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .timeout(Duration.ofSeconds(10));
    auth(b, user);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String json, String user) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json));
    auth(b, user);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void auth(HttpRequest.Builder b, String user) {
    if (user != null) {
      b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
          (user + ":" + user + "-secret").getBytes(StandardCharsets.UTF_8)));
    }
  }

  private void awaitReady() {
    await().atMost(Duration.ofSeconds(10)).until(() -> get("/actuator/health/readiness", null).statusCode() == 200);
  }

  @Test
  void readinessStaysOkAndFastWhileAnActuatorIndicatorHangs() throws Exception {
    opened = switches;
    awaitReady();
    await().atMost(Duration.ofSeconds(5)).until(() -> registry.state("slow").orElseThrow().runs() > 0);
    switches.hang.set(true);
    await().atMost(Duration.ofSeconds(5)).until(() -> registry.state("slow").orElseThrow().waiting().isPresent()
        || registry.state("slow").orElseThrow().lastError().isPresent());
    for (int i = 0; i < 5; i++) {
      long start = System.nanoTime();
      HttpResponse<String> readiness = get("/actuator/health/readiness", null);
      HttpResponse<String> health = get("/actuator/health", null);
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertThat(readiness.statusCode()).isEqualTo(200);
      assertThat(health.body()).contains("\"slow\"");
      assertThat(tookMs).as("answered from heal's cache, not by the hung indicator").isLessThan(2_000);
    }
  }

  @Test
  void aCompositeAnswersFromHealsCacheWithItsShapeWhileOneLeafHangs() throws Exception {
    opened = switches;
    awaitReady();
    await().atMost(Duration.ofSeconds(5)).until(() -> registry.state("db.secondary").orElseThrow().runs() > 0);
    assertThat(registry.state("db.secondary").orElseThrow().config().timeout()).isEqualTo(Duration.ofMillis(300));
    switches.hangSecondary.set(true);
    await().atMost(Duration.ofSeconds(5)).until(() -> registry.state("db.secondary").orElseThrow().waiting().isPresent()
        || registry.state("db.secondary").orElseThrow().lastError().isPresent());
    tools.jackson.databind.json.JsonMapper json = tools.jackson.databind.json.JsonMapper.builder().build();
    for (int i = 0; i < 5; i++) {
      long start = System.nanoTime();
      HttpResponse<String> health = get("/actuator/health", null);
      HttpResponse<String> leaf = get("/actuator/health/db/primary", null);
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertThat(tookMs).as("answered from heal's cache, not by the hung leaf").isLessThan(2_000);
      tools.jackson.databind.JsonNode db = json.readTree(health.body()).path("components").path("db");
      assertThat(db.path("components").propertyNames()).as(health.body()).containsExactly("primary", "secondary");
      assertThat(db.path("components").path("primary").path("details").path("pool").asString()).isEqualTo("primary");
      assertThat(leaf.statusCode()).as(leaf.body()).isEqualTo(200);
      assertThat(json.readTree(leaf.body()).path("status").asString()).isEqualTo("UP");
    }
  }

  @Test
  void degradedIsHttp200() throws Exception {
    awaitReady();
    switches.degraded.set(true);
    try {
      await().atMost(Duration.ofSeconds(5)).until(() -> registry.status(CheckKind.READINESS) == HealthStatus.DEGRADED);
      HttpResponse<String> r = get("/actuator/health/readiness", null);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("\"status\":\"DEGRADED\"");
    } finally {
      switches.degraded.set(false);
    }
  }

  @Test
  void aDrainTurnsReadinessTo503AndBack() throws Exception {
    awaitReady();
    healer.raise("maintenance", "planned maintenance");
    await().atMost(Duration.ofSeconds(10)).until(() -> get("/actuator/health/readiness", null).statusCode() == 503);
    assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.REFUSING_TRAFFIC);
    healer.resolve("maintenance", "done");
    await().atMost(Duration.ofSeconds(10)).until(() -> get("/actuator/health/readiness", null).statusCode() == 200);
    assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
  }

  @Test
  void theHealEndpointReadsAndWritesWithCredentials() throws Exception {
    HttpResponse<String> read = get("/actuator/heal", "ops");
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.body()).contains("\"drain-on-maintenance\"").contains("\"budgetCapacity\":10");
    HttpResponse<String> off = post("/actuator/heal/disable-plan", "{\"plan\":\"drain-on-maintenance\"}", "ops");
    assertThat(off.statusCode()).as(off.body()).isEqualTo(200);
    assertThat(healer.control().plans().get(0).enabled()).isFalse();
    HttpResponse<String> resize = post("/actuator/heal/resize-budget", "{\"actions\":3,\"window\":\"1m\"}", "ops");
    assertThat(resize.statusCode()).as(resize.body()).isEqualTo(200);
    assertThat(healer.control().budgetCapacity()).isEqualTo(3);
    HttpResponse<String> bad = post("/actuator/heal/disable-plan", "{\"plan\":\"nope\"}", "ops");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("no recovery plan is named 'nope'");
    assertThat(post("/actuator/heal/enable-plan", "{\"plan\":\"drain-on-maintenance\"}", "ops").statusCode())
        .isEqualTo(200);
    assertThat(post("/actuator/heal/resize-budget", "{\"actions\":10,\"window\":\"10m\"}", "ops").statusCode())
        .isEqualTo(200);
    assertThat(healer.control().plans().get(0).enabled()).isTrue();
  }

  @Test
  void theHealEndpointIsRefusedWithoutCredentials() throws Exception {
    assertThat(get("/actuator/heal", null).statusCode()).isEqualTo(401);
    assertThat(post("/actuator/heal/dry-run", "{\"dryRun\":true}", null).statusCode()).isEqualTo(401);
    assertThat(post("/actuator/heal/dry-run", "{\"dryRun\":true}", "dev").statusCode()).isEqualTo(403);
    assertThat(healer.isDryRun()).isFalse();
  }

  @Test
  void aCallIsDecoratedExactlyOnceWithResilience4jSpringBoot3OnTheClassPath() {
    assertThat(context.getBeanNamesForType(io.github.resilience4j.spring6.retry.configure.RetryAspect.class))
        .as("resilience4j-spring-boot3's aspects are active").isNotEmpty();
    int before = payments.calls();
    assertThat(payments.charge("o-7")).as("heal's @Fallback applied").isEqualTo("queued o-7");
    assertThat(payments.calls() - before).as("@Retry(maxAttempts 3) applied once, not 3 x 3").isEqualTo(3);
  }
}
