package dev.heal.examples.orders;

import java.math.BigDecimal;

/** The orders service's view of payments-service. Implementations are thread-safe. */
public interface PaymentsClient {

  /**
   * Captures a payment for {@code orderId} (idempotent: paying the same order twice returns the
   * same payment).
   *
   * @return the payment id
   * @throws PaymentException if payments-service failed, timed out or is unreachable
   */
  String pay(String orderId, BigDecimal amount) throws PaymentException;

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
