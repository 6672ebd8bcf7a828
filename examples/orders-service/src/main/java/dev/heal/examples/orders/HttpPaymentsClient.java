package dev.heal.examples.orders;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** {@link PaymentsClient} over HTTP with the JDK client; connect 500 ms, request 1 s. Thread-safe. */
public final class HttpPaymentsClient implements PaymentsClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final URI base;
  private final Duration timeout;
  private final AtomicInteger resets = new AtomicInteger();
  private volatile HttpClient http;

  HttpPaymentsClient(URI base, Duration timeout) {
    this.base = base;
    this.timeout = timeout;
    this.http = newClient();
  }

  private HttpClient newClient() {
    return HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
  }

  /** The fallback: the order stays PAYMENT_PENDING and the settler pays it later. */
  public Optional<String> paymentPending(String orderId, BigDecimal amount, Throwable cause) {
    return Optional.empty();
  }

  @Override
  public Optional<String> pay(String orderId, BigDecimal amount) throws PaymentException {
    try {
      byte[] body = JSON.writeValueAsBytes(Map.of("orderId", orderId, "amount", amount));
      HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(base.resolve("/payments")).timeout(timeout)
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200) {
        throw new PaymentException("payments answered " + r.statusCode());
      }
      JsonNode node = JSON.readTree(r.body());
      return Optional.of(node.path("paymentId").asString());
    } catch (IOException e) {
      throw new PaymentException("payments unreachable: " + e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PaymentException("interrupted");
    }
  }

  @Override
  public boolean ping() {
    try {
      return http.send(HttpRequest.newBuilder(base.resolve("/payments/ping")).timeout(timeout).GET().build(),
          HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void reset() {
    http = newClient();
    resets.incrementAndGet();
  }

  int resets() {
    return resets.get();
  }
}
