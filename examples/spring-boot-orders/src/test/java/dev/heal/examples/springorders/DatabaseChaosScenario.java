package dev.heal.examples.springorders;

import static dev.heal.chaos.ChaosAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.heal.chaos.ChaosController;
import dev.heal.chaos.Experiment;
import dev.heal.chaos.ExperimentResult;
import dev.heal.chaos.Fault;
import dev.heal.chaos.Load;
import dev.heal.chaos.Probe;
import dev.heal.chaos.TcpChaosProxy;
import dev.heal.core.healer.Episode;
import dev.heal.core.healer.Healer;
import dev.heal.core.healer.Outcome;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The Spring Boot example under chaos, for each database it runs on (H2 in
 * {@link SpringBootOrdersChaosIT}, PostgreSQL in {@link SpringBootOrdersPostgresChaosIT}): the
 * database sits behind the testkit's {@link TcpChaosProxy}, which first resets every connection and
 * then refuses new ones, while orders are placed (up to 10 per second). Orders keep being accepted
 * (stored, or queued in the outbox and stored later); heal's {@code database-recovery} plan
 * reconnects the pool; readiness stays 200 (the database is shared, its check is non-critical);
 * every accepted order ends up in the database, counted there directly (not through the proxy).
 * Each subclass's context is closed after it, so the two applications never run at once.
 */
@SpringBootTest(classes = OrdersApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"management.server.port=", "payments.url=http://127.0.0.1:9", "payments.timeout=100ms",
        // payments-service is absent here: let the breaker open at once so orders answer fast
        "resilience4j.circuitbreaker.instances.payments.minimum-number-of-calls=2",
        "spring.datasource.hikari.connection-timeout=250"})
@DirtiesContext
abstract class DatabaseChaosScenario {
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @LocalServerPort
  int port;
  @Autowired
  Healer healer;

  /** The controller whose proxy {@code orders-db} stands between the application and the database. */
  abstract ChaosController chaos();

  /**
   * How long the experiment runs: the faults end 4 s in; the rest is time to heal. 6 s was too short on
   * a loaded 2-core machine (load average 10: the episode's second reconnect attempt was still being
   * verified when the experiment ended); a database whose new connections are slower to open needs more.
   */
  Duration experimentDuration() {
    return Duration.ofSeconds(10);
  }

  /** Orders in the database, counted on a connection of its own that bypasses the proxy. */
  abstract long countInDatabase() throws Exception;

  private int placeOrder() throws Exception {
    HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/orders"))
        .timeout(Duration.ofSeconds(3)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"customerId\":\"c-1\",\"amount\":12.50}")).build();
    return HTTP.send(r, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private long stored() throws Exception {
    HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/orders/count")).build();
    String body = HTTP.send(r, HttpResponse.BodyHandlers.ofString()).body();
    return Long.parseLong(body.replaceAll("\\D", ""));
  }

  @Test
  void ordersKeepBeingAcceptedWhileTheDatabaseIsResetAndRefusedAndHealReconnectsThePool() throws Exception {
    URI readiness = URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness");
    await().atMost(Duration.ofSeconds(10)).until(() -> HTTP.send(HttpRequest.newBuilder(readiness).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    long before = stored();
    AtomicInteger accepted = new AtomicInteger();
    // Reset every connection, then refuse new ones while the pool is still replacing the broken ones.
    Fault reset = Fault.reset("orders-db").named("db-reset").startingAt(Duration.ofSeconds(1))
        .lasting(Duration.ofSeconds(2));
    Fault refused = Fault.refuse("orders-db").named("db-refused").startingAt(Duration.ofSeconds(2))
        .lasting(Duration.ofSeconds(2));
    Experiment experiment = Experiment.builder("spring-boot-orders-database-outage")
        .steadyState(Probe.http(readiness, 200, Duration.ofSeconds(2)))
        .faults(reset, refused)
        .load(Load.of(10, () -> {
          int status = placeOrder();
          if (status != 201 && status != 202) {
            throw new IllegalStateException("order refused: " + status);
          }
          accepted.incrementAndGet();
          return status;
        }))
        .duration(experimentDuration())
        .probeEvery(Duration.ofMillis(100))
        .observe(healer)
        .build();
    ExperimentResult result = chaos().run(experiment);

    assertThat(result).allFaultsFired();
    assertThat(result).availability().isAtLeast(0.99);
    assertThat(result).availabilityDuring("db-reset").isAtLeast(0.9);
    assertThat(result).availabilityDuring("db-refused").isAtLeast(0.9);
    assertThat(result).healedBy("reconnectPool");
    assertThat(healer.journal().recent(50)).filteredOn(e -> e.plan().equals("database-recovery"))
        .isNotEmpty().allSatisfy(e -> assertThat(e.outcome()).as(e.toString()).isPresent());
    assertThat(healer.journal().recent(50)).filteredOn(e -> e.plan().equals("database-recovery"))
        .extracting(Episode::outcome).anySatisfy(o -> assertThat(o).contains(Outcome.RECOVERED));
    // The load is closed-loop (one request at a time), so how many fit in the experiment depends on the machine.
    assertThat(accepted.get()).as("orders accepted during the experiment: every successful request")
        .isEqualTo(result.requests().stream().filter(r -> r.ok()).count()).isGreaterThanOrEqualTo(10);
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
        assertThat(stored() - before).as("every accepted order is stored").isEqualTo(accepted.get()));
    assertThat(countInDatabase()).as("what the application counts is in the database itself").isEqualTo(stored());
  }
}
