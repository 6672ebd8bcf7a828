package dev.heal.examples.orders;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.heal.core.healer.Lifecycle;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The orders database pool, which heal can repair two ways: {@link #reconnect()} evicts every
 * pooled connection so the next borrow opens a fresh one (cheap, the first step), and
 * {@link #stop()}/{@link #start()} replace the whole pool (the escalation). Thread-safe.
 */
final class SwitchableDataSource implements Lifecycle, AutoCloseable {
  private final HikariConfig config;
  private volatile HikariDataSource pool;

  SwitchableDataSource(String url, String user, String password) {
    config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername(user);
    config.setPassword(password);
    config.setPoolName("orders-db");
    config.setMaximumPoolSize(16);
    config.setMinimumIdle(2);
    config.setConnectionTimeout(500);
    config.setValidationTimeout(500);
    config.setInitializationFailTimeout(-1);
    config.setKeepaliveTime(30_000);
    pool = new HikariDataSource(config);
  }

  Connection getConnection() throws SQLException {
    return pool.getConnection();
  }

  /** Evicts all pooled connections; in-use ones are closed when returned. */
  void reconnect() {
    var bean = pool.getHikariPoolMXBean();
    if (bean != null) {
      bean.softEvictConnections();
    }
  }

  @Override
  public synchronized void stop() {
    pool.close();
  }

  @Override
  public synchronized void start() {
    if (pool.isClosed()) {
      pool = new HikariDataSource(config);
    }
  }

  @Override
  public void close() {
    pool.close();
  }
}
