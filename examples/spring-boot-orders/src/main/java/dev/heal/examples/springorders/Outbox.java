package dev.heal.examples.springorders;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Orders accepted while the database was down, stored every 250 ms once it is back. Its bean is
 * {@code ordersOutbox}, so that the health check bean can be called {@code outbox}. Thread-safe.
 */
@Component("ordersOutbox")
public class Outbox {
  /** Orders held at most; beyond it the service answers 503. */
  public static final int CAPACITY = 10_000;
  private final BlockingQueue<Order> waiting = new ArrayBlockingQueue<>(CAPACITY);
  private final ObjectProvider<OrderStore> store;

  public Outbox(ObjectProvider<OrderStore> store) {
    this.store = store;
  }

  boolean offer(Order order) {
    return waiting.offer(order);
  }

  public int size() {
    return waiting.size();
  }

  @Scheduled(fixedDelay = 250)
  void flush() {
    OrderStore s = store.getObject();
    Order next;
    while ((next = waiting.peek()) != null) {
      try {
        s.insert(next);
      } catch (RuntimeException stillDown) {
        return;
      }
      waiting.remove(next);
    }
  }
}
