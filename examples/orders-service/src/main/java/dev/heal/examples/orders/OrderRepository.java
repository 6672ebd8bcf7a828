package dev.heal.examples.orders;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.core.JacksonException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** Orders in a relational database (H2 or PostgreSQL) through a pooled {@link DataSource}. Thread-safe. */
final class OrderRepository {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final SwitchableDataSource db;

  OrderRepository(SwitchableDataSource db) {
    this.db = db;
  }

  void createSchema() throws SQLException {
    try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS orders ("
          + "id VARCHAR(40) PRIMARY KEY, customer_id VARCHAR(64) NOT NULL, total NUMERIC(14,2) NOT NULL,"
          + "status VARCHAR(20) NOT NULL, payment_id VARCHAR(64), created_at TIMESTAMP NOT NULL, items TEXT NOT NULL)");
      s.execute("CREATE INDEX IF NOT EXISTS orders_status ON orders(status)");
      s.execute("CREATE INDEX IF NOT EXISTS orders_created ON orders(created_at)");
    }
  }

  /** Inserts {@code o}; an order already stored (same id) is left as it is. */
  void insert(Order o) throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement p = c.prepareStatement(
            "INSERT INTO orders (id, customer_id, total, status, payment_id, created_at, items) VALUES (?,?,?,?,?,?,?)")) {
      p.setString(1, o.id());
      p.setString(2, o.customerId());
      p.setBigDecimal(3, o.total());
      p.setString(4, o.status());
      p.setString(5, o.paymentId().orElse(null));
      p.setTimestamp(6, Timestamp.from(o.createdAt()));
      p.setString(7, JSON.writeValueAsString(o.items()));
      p.executeUpdate();
    } catch (SQLException e) {
      if (isDuplicate(e)) {
        return;
      }
      throw e;
    } catch (JacksonException e) {
      throw new IllegalStateException("order " + o.id() + " has items that cannot be written as JSON", e);
    }
  }

  private static boolean isDuplicate(SQLException e) {
    String state = e.getSQLState();
    return "23505".equals(state) || "23001".equals(state);
  }

  Optional<Order> find(String id) throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement p = c.prepareStatement("SELECT * FROM orders WHERE id = ?")) {
      p.setString(1, id);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? Optional.of(read(r)) : Optional.empty();
      }
    }
  }

  List<Order> recent(int limit) throws SQLException {
    return query("SELECT * FROM orders ORDER BY created_at DESC, id LIMIT ?", limit);
  }

  List<Order> pending(int limit) throws SQLException {
    return query("SELECT * FROM orders WHERE status = 'PAYMENT_PENDING' ORDER BY created_at LIMIT ?", limit);
  }

  long count() throws SQLException {
    try (Connection c = db.getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT COUNT(*) FROM orders")) {
      r.next();
      return r.getLong(1);
    }
  }

  void markPaid(String id, String paymentId) throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement p = c.prepareStatement("UPDATE orders SET status = 'PAID', payment_id = ? WHERE id = ?")) {
      p.setString(1, paymentId);
      p.setString(2, id);
      p.executeUpdate();
    }
  }

  /** A cheap round trip, for the health check. */
  void ping() throws SQLException {
    try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
      s.setQueryTimeout(1);
      s.execute("SELECT 1");
    }
  }

  private List<Order> query(String sql, int limit) throws SQLException {
    try (Connection c = db.getConnection(); PreparedStatement p = c.prepareStatement(sql)) {
      p.setInt(1, limit);
      List<Order> out = new ArrayList<>();
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.add(read(r));
        }
      }
      return out;
    }
  }

  private static Order read(ResultSet r) throws SQLException {
    try {
      List<Order.Item> items = JSON.readValue(r.getString("items"), new TypeReference<List<Order.Item>>() {});
      return new Order(r.getString("id"), r.getString("customer_id"), items, r.getBigDecimal("total"),
          r.getString("status"), Optional.ofNullable(r.getString("payment_id")), r.getTimestamp("created_at").toInstant());
    } catch (JacksonException e) {
      throw new SQLException("order " + r.getString("id") + " has unreadable items", e);
    }
  }
}
