package dev.heal.examples.springorders;

import dev.heal.resilience.Fallback;
import io.github.resilience4j.circuitbreaker.annotation.CircuitBreaker;
import io.github.resilience4j.retry.annotation.Retry;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * payments-service's client, a plain {@code @Service} class: resilience4j's {@code @Retry} and
 * {@code @CircuitBreaker} (policies from the standard {@code resilience4j.*} keys in
 * {@code application.yml}) and heal's {@code @Fallback}, which accepts the order as
 * PAYMENT_PENDING when payments cannot be taken now. Thread-safe.
 */
@Service
public class PaymentsClient {
  private final URI url;
  private final Duration timeout;
  private volatile HttpClient http;

  public PaymentsClient(@Value("${payments.url}") URI url, @Value("${payments.timeout}") Duration timeout) {
    this.url = url;
    this.timeout = timeout;
    this.http = newClient();
  }

  private HttpClient newClient() {
    return HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  /** Takes the payment: PAID, or PAYMENT_PENDING from the fallback. */
  @Fallback("pending")
  @Retry(name = "payments")
  @CircuitBreaker(name = "payments")
  public String pay(String orderId, BigDecimal amount) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(url.resolve("/payments")).timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"orderId\":\"" + orderId + "\",\"amount\":" + amount.toPlainString() + "}"))
        .build();
    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      throw new IOException("payments-service answered " + r.statusCode());
    }
    return "PAID";
  }

  public String pending(String orderId, BigDecimal amount, Throwable cause) {
    return "PAYMENT_PENDING";
  }

  /** Whether payments-service answers (for the health check). */
  public boolean ping() {
    try {
      HttpRequest request = HttpRequest.newBuilder(url.resolve("/payments/ping")).timeout(timeout).build();
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Replaces the HTTP client and its connections (a recovery action). */
  public void reset() {
    http = newClient();
  }
}
