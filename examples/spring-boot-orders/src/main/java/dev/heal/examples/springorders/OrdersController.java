package dev.heal.examples.springorders;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /orders} {@code {"customerId":"c-1","amount":12.50}}: 201 with the order when stored,
 * 202 when queued in the outbox (database down), 400 for a bad request, 503 when the database is
 * down and the outbox is full. {@code GET /orders/{id}}: 200 or 404. {@code GET /orders/count}.
 */
@RestController
public class OrdersController {
  private final OrderStore store;
  private final PaymentsClient payments;

  public OrdersController(OrderStore store, PaymentsClient payments) {
    this.store = store;
    this.payments = payments;
  }

  /**
   * A new order.
   *
   * @param customerId who orders
   * @param amount what it costs, positive
   */
  public record NewOrder(String customerId, BigDecimal amount) {}

  @PostMapping("/orders")
  public ResponseEntity<Object> place(@RequestBody NewOrder request) throws IOException, InterruptedException {
    if (request.customerId() == null || request.customerId().isBlank() || request.amount() == null
        || request.amount().signum() <= 0) {
      return ResponseEntity.badRequest().body(Map.of("error", "customerId and a positive amount are required"));
    }
    String id = UUID.randomUUID().toString();
    String payment = payments.pay(id, request.amount());
    Order order = new Order(id, request.customerId(), request.amount(), payment);
    try {
      String stored = store.store(order);
      return ResponseEntity.status("QUEUED".equals(stored) ? HttpStatus.ACCEPTED : HttpStatus.CREATED)
          .body(Map.of("order", order, "status", stored));
    } catch (IllegalStateException full) {
      return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(Map.of("error", full.getMessage()));
    }
  }

  @GetMapping("/orders/{id}")
  public ResponseEntity<Order> get(@PathVariable String id) {
    return store.find(id).map(ResponseEntity::ok).orElseGet(() -> ResponseEntity.notFound().build());
  }

  @GetMapping("/orders/count")
  public Map<String, Long> count() {
    return Map.of("stored", store.count());
  }
}
