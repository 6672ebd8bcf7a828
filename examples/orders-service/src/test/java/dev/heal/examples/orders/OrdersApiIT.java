package dev.heal.examples.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import dev.heal.core.time.HealClock;
import dev.heal.examples.payments.PaymentFaults;
import dev.heal.examples.payments.PaymentsService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OrdersApiIT {
  private static final String ORDER = """
      {"customerId":"c-42","items":[{"sku":"apple","quantity":3,"price":1.25},{"sku":"pear","quantity":1,"price":2}]}""";
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private PaymentsService payments;
  private OrdersService orders;

  @BeforeEach
  void setUp() throws Exception {
    payments = PaymentsService.start("127.0.0.1", 0, -1, 1);
    orders = OrdersService.start(OrdersConfig.defaults().withHost("127.0.0.1").withPorts(0, 0)
        .withDatabase("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "")
        .withPayments(URI.create(payments.baseUrl())), HealClock.system());
  }

  @AfterEach
  void tearDown() {
    orders.close();
    payments.close();
  }

  private HttpResponse<String> post(String body, String contentType) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(orders.baseUrl() + "/orders")).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(orders.baseUrl() + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void createsGetsAndListsOrders() throws Exception {
    HttpResponse<String> created = post(ORDER, "application/json");
    assertThat(created.statusCode()).isEqualTo(201);
    JsonNode order = json.readTree(created.body());
    assertThat(order.get("status").asString()).isEqualTo("PAID");
    assertThat(order.get("total").decimalValue()).isEqualByComparingTo("5.75");
    String id = order.get("id").asString();

    JsonNode fetched = json.readTree(get("/orders/" + id).body());
    assertThat(fetched.get("customerId").asString()).isEqualTo("c-42");
    assertThat(fetched.get("recommendations").get(0).asString()).isEqualTo("apple-accessory");
    assertThat(json.readTree(get("/orders?limit=5").body()).get("orders").get(0).get("id").asString()).isEqualTo(id);
    assertThat(payments.hasPayment(id)).isTrue();
  }

  @Test
  void paymentsOutageAcceptsOrdersAsPendingAndSettlesThemLater() throws Exception {
    payments.faults(new PaymentFaults(Duration.ZERO, 0, true));
    JsonNode order = json.readTree(post(ORDER, "application/json").body());
    assertThat(order.get("status").asString()).isEqualTo("PAYMENT_PENDING");
    payments.faults(PaymentFaults.NONE);
    await().atMost(Duration.ofSeconds(10)).until(() -> orders.pendingPayments() == 0);
    assertThat(json.readTree(get("/orders/" + order.get("id").asString()).body()).get("status").asString()).isEqualTo("PAID");
  }

  @Test
  void badInputGetsAClearErrorAndStoresNothing() throws Exception {
    Map<String, Integer> cases = new LinkedHashMap<>();
    cases.put("{not json", 400);
    cases.put("[]", 400);
    cases.put("{\"items\":[{\"sku\":\"a\",\"quantity\":1,\"price\":1}]}", 400);
    cases.put("{\"customerId\":\"c\",\"items\":[]}", 400);
    cases.put("{\"customerId\":\"c\",\"items\":[{\"sku\":\"a\",\"quantity\":0,\"price\":1}]}", 400);
    cases.put("{\"customerId\":\"c\",\"items\":[{\"sku\":\"a\",\"quantity\":1,\"price\":1.001}]}", 400);
    cases.put("{\"customerId\":\"c\",\"items\":[{\"sku\":\"a\",\"quantity\":1,\"price\":-3}]}", 400);
    cases.put("{\"customerId\":\"c\",\"admin\":true,\"items\":[{\"sku\":\"a\",\"quantity\":1,\"price\":1}]}", 400);
    cases.put(ORDER + "{}", 400);
    cases.put("{\"customerId\":\"" + "x".repeat(70 * 1024) + "\"}", 413);
    for (Map.Entry<String, Integer> c : cases.entrySet()) {
      HttpResponse<String> r = post(c.getKey(), "application/json");
      assertThat(r.statusCode()).as(c.getKey().substring(0, Math.min(60, c.getKey().length()))).isEqualTo(c.getValue());
      assertThat(json.readTree(r.body()).get("error").asString()).isNotBlank();
    }
    assertThat(json.readTree(post("{\"customerId\":\"c\",\"admin\":true}", "application/json").body()).get("error").asString())
        .contains("unknown field admin");
    assertThat(post(ORDER, "text/plain").statusCode()).isEqualTo(415);
    assertThat(get("/orders/" + UUID.randomUUID()).statusCode()).isEqualTo(404);
    assertThat(get("/orders/not%20an%20id").statusCode()).isEqualTo(400);
    assertThat(get("/orders?limit=1000").statusCode()).isEqualTo(400);
    assertThat(http.send(HttpRequest.newBuilder(URI.create(orders.baseUrl() + "/orders/x")).DELETE().build(),
        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
    assertThat(orders.storedOrders()).as("nothing stored").isZero();
    assertThat(payments.captured()).isZero();
  }

  @Test
  void managementPortServesHealHealthMetricsAndJournal() throws Exception {
    await().atMost(Duration.ofSeconds(5)).until(orders::isReady);
    HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(orders.managementUrl() + "/health")).build(),
        HttpResponse.BodyHandlers.ofString());
    JsonNode h = json.readTree(health.body());
    assertThat(h.get("degradation").get("level").asString()).isEqualTo("NORMAL");
    assertThat(h.get("checks").findValuesAsString("name")).contains("database", "payments", "outbox", "process");
    post(ORDER, "application/json");
    String metrics = http.send(HttpRequest.newBuilder(URI.create(orders.managementUrl() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertThat(metrics).contains("http_server_requests_seconds_count{method=\"POST\",outcome=\"SUCCESS\",status=\"201\",uri=\"/orders\"}")
        .contains("heal_recovery_budget_remaining").contains("heal_degradation_level");
    assertThat(http.send(HttpRequest.newBuilder(URI.create(orders.managementUrl() + "/heal/episodes")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
  }
}
