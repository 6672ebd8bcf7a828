package dev.heal.examples.payments;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Issue 16, item 4: payments-service's /metrics used to be an empty registry. */
class PaymentsMetricsIT {
  private final HttpClient http = HttpClient.newHttpClient();
  private final PaymentsService payments = start();

  private static PaymentsService start() {
    try {
      return PaymentsService.start("127.0.0.1", 0, 0, 7);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @AfterEach
  void tearDown() {
    payments.close();
  }

  private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return http.send(b.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private String scrape() throws Exception {
    HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(payments.managementUrl() + "/metrics")));
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  @Test
  void metricsExportHttpServerRequestsAndTheFaultState() throws Exception {
    assertThat(send(HttpRequest.newBuilder(URI.create(payments.baseUrl() + "/payments")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"orderId\":\"o-1\",\"amount\":3.5}"))).statusCode()).isEqualTo(200);
    assertThat(send(HttpRequest.newBuilder(URI.create(payments.baseUrl() + "/payments/o-1"))).statusCode()).isEqualTo(200);
    payments.faults(new PaymentFaults(Duration.ofMillis(250), 0, true));
    assertThat(send(HttpRequest.newBuilder(URI.create(payments.baseUrl() + "/payments/ping"))).statusCode()).isEqualTo(503);

    String body = scrape();
    assertThat(body)
        .contains("http_server_requests_seconds_count{method=\"POST\",outcome=\"SUCCESS\",status=\"200\",uri=\"/payments\"} 1")
        .contains("http_server_requests_seconds_count{method=\"GET\",outcome=\"SUCCESS\",status=\"200\",uri=\"/payments/{orderId}\"} 1")
        .contains("http_server_requests_seconds_count{method=\"GET\",outcome=\"SERVER_ERROR\",status=\"503\",uri=\"/payments/ping\"} 1")
        .contains("http_server_requests_seconds_bucket{")
        .contains("payments_faults_down 1.0")
        .contains("payments_faults_latency_seconds 0.25")
        .contains("payments_faults_error_ratio 0.0")
        .contains("payments_captured 1.0")
        .contains("heal_health_status{");
    assertThat(body).doesNotContain("o-1");
  }
}
