package dev.heal.examples.orders;

import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Orders accepted while the database was unavailable, waiting to be stored, oldest first. Bounded:
 * when full, new orders are refused (503) rather than accepted and lost. Held in memory: a process
 * crash while the database is down loses what waits here (a durable queue would close that gap).
 * Thread-safe.
 */
final class Outbox {
  private final int capacity;
  private final ConcurrentLinkedQueue<Order> queue = new ConcurrentLinkedQueue<>();
  private final Map<String, Order> byId = new ConcurrentHashMap<>();
  private final AtomicInteger size = new AtomicInteger();

  Outbox(int capacity) {
    this.capacity = capacity;
  }

  /** Queues {@code o}; false if the outbox is full. */
  boolean offer(Order o) {
    if (size.incrementAndGet() > capacity) {
      size.decrementAndGet();
      return false;
    }
    byId.put(o.id(), o);
    queue.add(o);
    return true;
  }

  Optional<Order> find(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  int size() {
    return size.get();
  }

  /** Stores waiting orders in order, stopping at the first failure; returns how many were stored. */
  synchronized int flush(OrderRepository repository) {
    int stored = 0;
    for (Order o = queue.peek(); o != null; o = queue.peek()) {
      try {
        repository.insert(o.withStatus(Order.PAYMENT_PENDING, Optional.empty()));
      } catch (SQLException | RuntimeException e) {
        return stored;
      }
      queue.poll();
      byId.remove(o.id());
      size.decrementAndGet();
      stored++;
    }
    return stored;
  }
}
