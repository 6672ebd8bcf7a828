package dev.heal.examples.springorders;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@link OrdersApplication#main}'s application in this JVM, on free ports ({@link DocumentedCommandIT}
 * runs the documented {@code exec:java@spring-boot-orders} itself, as a child JVM): orders are accepted (payments-service absent: PAYMENT_PENDING), Actuator's probes
 * answer, {@code /actuator/heal} reads and refuses writes (no Spring Security in the example).
 */
class OrdersApplicationIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void theApplicationAcceptsOrdersAndServesHealsEndpointsOnTheManagementPort() throws Exception {
    try (ConfigurableApplicationContext app = SpringApplication.run(OrdersApplication.class, "--server.port=0",
        "--management.server.port=0", "--payments.url=http://127.0.0.1:9", "--payments.timeout=100ms")) {
      int port = ((WebServerApplicationContext) app).getWebServer().getPort();
      int management = Integer.parseInt(app.getEnvironment().getProperty("local.management.port"));
      HttpResponse<String> order = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/orders"))
          .header("Content-Type", "application/json").timeout(Duration.ofSeconds(5))
          .POST(HttpRequest.BodyPublishers.ofString("{\"customerId\":\"c-1\",\"amount\":3.20}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(order.statusCode()).as(order.body()).isEqualTo(201);
      assertThat(order.body()).contains("PAYMENT_PENDING").contains("STORED");
      HttpResponse<String> bad = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/orders"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"customerId\":\"c-1\",\"amount\":-1}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(bad.statusCode()).isEqualTo(400);
      String base = "http://127.0.0.1:" + management + "/actuator";
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
          HTTP.send(HttpRequest.newBuilder(URI.create(base + "/health/readiness")).build(),
              HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
      HttpResponse<String> heal = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/heal")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(heal.statusCode()).isEqualTo(200);
      assertThat(heal.body()).contains("database-recovery").contains("outbox-recovery");
      HttpResponse<String> write = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/heal/refill-budget"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(write.statusCode()).as("writes refused on an unsecured endpoint").isEqualTo(403);
    }
  }
}
