package dev.heal.examples.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.heal.core.healer.Episode;
import dev.heal.core.healer.Outcome;
import dev.heal.core.health.HealthStatus;
import dev.heal.core.testing.TempPostgres;
import dev.heal.core.time.HealClock;
import dev.heal.examples.payments.PaymentsService;
import tools.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A real PostgreSQL (Debian's package) is stopped and restarted while orders keep coming in:
 * orders keep being accepted (queued while the database is down), heal's database plan reconnects
 * the pool, pending payments settle afterwards, and no accepted order is lost.
 */
class PostgresRestartIT {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void ordersSurviveADatabaseRestart() throws Exception {
    TempPostgres pg = TempPostgres.create().start();
    String url = pg.jdbcUrl();
    PaymentsService payments = PaymentsService.start("127.0.0.1", 0, -1, 7);
    OrdersService orders = OrdersService.start(OrdersConfig.defaults().withHost("127.0.0.1").withPorts(0, 0).withDatabase(url, "postgres", "")
        .withPayments(URI.create(payments.baseUrl())), HealClock.system());
    Map<String, Integer> accepted = new ConcurrentHashMap<>();
    AtomicInteger rejected = new AtomicInteger();
    AtomicInteger sent = new AtomicInteger();
    // A bounded load loop: one order every 20 ms, at most 3000.
    ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
    Runnable sendOne = () -> {
      int i = sent.incrementAndGet();
      if (i > 3000) {
        return;
      }
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(orders.baseUrl() + "/orders"))
            .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"customerId\":\"c-" + i
                + "\",\"items\":[{\"sku\":\"apple\",\"quantity\":1,\"price\":2.5}]}")).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 201 || r.statusCode() == 202) {
          accepted.put(json.readTree(r.body()).get("id").asString(), r.statusCode());
        } else {
          rejected.incrementAndGet();
        }
      } catch (Exception e) {
        rejected.incrementAndGet();
      }
    };
    try {
      load.scheduleWithFixedDelay(sendOne, 0, 20, TimeUnit.MILLISECONDS);
      await().atMost(Duration.ofSeconds(20)).until(() -> accepted.size() >= 20);
      pg.stop();
      await().atMost(Duration.ofSeconds(20)).until(() -> orders.health().state("database").orElseThrow().status() == HealthStatus.DOWN);
      await().atMost(Duration.ofSeconds(20)).until(() -> orders.queuedOrders() >= 10);
      assertThat(orders.isReady()).as("a shared database outage keeps the instance ready (DEGRADED)").isTrue();
      pg.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> orders.health().state("database").orElseThrow().status() == HealthStatus.UP);
      await().atMost(Duration.ofSeconds(30)).until(() -> orders.healer().journal().recent(20).stream()
          .anyMatch(e -> e.plan().equals("database-recovery") && e.outcome().filter(o -> o == Outcome.RECOVERED).isPresent()));
      load.shutdown();
      assertThat(load.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      await().atMost(Duration.ofSeconds(30)).until(() -> orders.queuedOrders() == 0 && orders.pendingPayments() == 0);

      Episode episode = orders.healer().journal().recent(20).stream().filter(e -> e.plan().equals("database-recovery"))
          .findFirst().orElseThrow();
      assertThat(episode.actions()).contains("reconnectPool");
      Map<String, String> stored = statuses(url);
      assertThat(stored.keySet()).as("no accepted order is lost").containsAll(accepted.keySet());
      assertThat(stored.values()).as("every payment settled").containsOnly("PAID");
      assertThat(accepted.values()).as("some orders were queued while the database was down").contains(202);
      assertThat(rejected.get()).as("orders kept being accepted").isLessThanOrEqualTo(accepted.size() / 100);
    } finally {
      load.shutdownNow();
      orders.close();
      payments.close();
      pg.close();
    }
  }

  private static Map<String, String> statuses(String url) throws Exception {
    Map<String, String> out = new HashMap<>();
    try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT id, status FROM orders")) {
      while (r.next()) {
        out.put(r.getString(1), r.getString(2));
      }
    }
    return out;
  }
}
