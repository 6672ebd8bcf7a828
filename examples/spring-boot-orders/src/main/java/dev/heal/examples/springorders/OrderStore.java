package dev.heal.examples.springorders;

import dev.heal.resilience.Fallback;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * Orders in the database. {@link #store} carries heal's {@code @Fallback}: when the database
 * refuses the insert, the order goes to the {@link Outbox} and is stored when the database is back
 * (the answer is QUEUED), so orders keep being accepted through a database outage.
 */
@Service
public class OrderStore {
  private final JdbcTemplate jdbc;
  private final Outbox outbox;

  public OrderStore(JdbcTemplate jdbc, Outbox outbox) {
    this.jdbc = jdbc;
    this.outbox = outbox;
  }

  /** Stores {@code order}; answers STORED, or QUEUED (by the fallback) while the database is down. */
  @Fallback("queue")
  public String store(Order order) {
    insert(order);
    return "STORED";
  }

  /** The fallback: the order waits in the outbox. */
  public String queue(Order order, Throwable cause) {
    if (!outbox.offer(order)) {
      throw new IllegalStateException("database down and outbox full", cause);
    }
    return "QUEUED";
  }

  /**
   * Inserts {@code order}; an order already stored (an insert whose answer was lost, retried by the
   * outbox) is left as it is. Plain SQL, so that it runs on H2 and on PostgreSQL alike.
   */
  void insert(Order order) {
    try {
      jdbc.update("INSERT INTO orders (id, customer_id, amount, payment) VALUES (?, ?, ?, ?)",
          order.id(), order.customerId(), order.amount(), order.payment());
    } catch (DuplicateKeyException alreadyStored) {
      // the same id means the same order: stored once is what was asked
    }
  }

  public Optional<Order> find(String id) {
    return jdbc.query("SELECT id, customer_id, amount, payment FROM orders WHERE id = ?",
        (rs, n) -> new Order(rs.getString(1), rs.getString(2), rs.getBigDecimal(3), rs.getString(4)), id)
        .stream().findFirst();
  }

  public long count() {
    Long n = jdbc.queryForObject("SELECT COUNT(*) FROM orders", Long.class);
    return n == null ? 0 : n;
  }

  public void ping() {
    jdbc.queryForObject("SELECT 1", Integer.class);
  }
}
