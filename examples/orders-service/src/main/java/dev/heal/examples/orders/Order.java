package dev.heal.examples.orders;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An order. Immutable.
 *
 * @param id server-assigned id
 * @param customerId who ordered
 * @param items what was ordered
 * @param total sum of quantity × price, two decimals
 * @param status PAID, PAYMENT_PENDING (accepted; payment settles later) or QUEUED (accepted while
 *     the database was unavailable; stored as soon as it is back)
 * @param paymentId the payment's id once PAID
 * @param createdAt when the order was accepted
 */
public record Order(String id, String customerId, List<Item> items, BigDecimal total, String status,
    Optional<String> paymentId, Instant createdAt) {

  public static final String PAID = "PAID";
  public static final String PAYMENT_PENDING = "PAYMENT_PENDING";
  public static final String QUEUED = "QUEUED";

  public Order {
    items = List.copyOf(items);
  }

  public Order withStatus(String newStatus, Optional<String> newPaymentId) {
    return new Order(id, customerId, items, total, newStatus, newPaymentId, createdAt);
  }

  /** One line of an order. */
  public record Item(String sku, int quantity, BigDecimal price) {}
}
