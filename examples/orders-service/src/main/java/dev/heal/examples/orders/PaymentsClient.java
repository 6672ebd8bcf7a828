package dev.heal.examples.orders;

import dev.heal.resilience.UseRetryBudget;
import io.github.resilience4j.circuitbreaker.annotation.CircuitBreaker;
import io.github.resilience4j.retry.annotation.Retry;
import java.math.BigDecimal;
import java.util.Optional;

/**
 * The orders service's view of payments-service. heal-resilience wraps it (see
 * {@code resilience.yaml}): a retry limited by a retry budget, a circuit breaker, and a fallback
 * that accepts the order as payment-pending; the HTTP request timeout is the time limit.
 * Implementations are thread-safe.
 */
public interface PaymentsClient {

  /**
   * Captures a payment for {@code orderId} (idempotent: paying the same order twice returns the
   * same payment).
   *
   * @return the payment id, or empty when the payment could not be taken now (settled later)
   * @throws PaymentException if payments-service failed, timed out or is unreachable
   */
  @Retry(name = "payments")
  @UseRetryBudget("payments")
  @CircuitBreaker(name = "payments", fallbackMethod = "paymentPending")
  Optional<String> pay(String orderId, BigDecimal amount) throws PaymentException;

  /** Whether payments-service answers at all (for the health check). */
  boolean ping();

  /** Replaces the underlying HTTP client and its connections (a heal recovery action). */
  void reset();

  /** Payments failed. */
  final class PaymentException extends Exception {
    private static final long serialVersionUID = 1L;

    public PaymentException(String message) {
      super(message, null, false, false);
    }
  }
}
