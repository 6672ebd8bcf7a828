package dev.heal.examples.orders;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The most recently written or read orders (at most {@code capacity}), served by
 * {@code GET /orders/{id}} while the database is unavailable: stale-but-useful answers instead of
 * errors. Thread-safe.
 */
final class RecentOrders {
  private final Map<String, Order> orders;

  RecentOrders(int capacity) {
    this.orders = new LinkedHashMap<>(capacity, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Order> eldest) {
        return size() > capacity;
      }
    };
  }

  synchronized void put(Order o) {
    orders.put(o.id(), o);
  }

  synchronized Optional<Order> get(String id) {
    return Optional.ofNullable(orders.get(id));
  }
}
