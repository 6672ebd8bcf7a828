package dev.heal.examples.quickstart;

import dev.heal.core.healer.Lifecycle;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands in for a connection pool whose connections can go stale (a database failover, a NAT
 * timeout): once {@link #breakConnections()} is called every query fails until the pool is
 * reconnected. Thread-safe.
 */
final class FakeDatabasePool implements Lifecycle {
  private final AtomicBoolean stale = new AtomicBoolean();
  private final AtomicInteger reconnects = new AtomicInteger();

  /** A query: fails while the connections are stale. */
  String query(String sql) {
    if (stale.get()) {
      throw new IllegalStateException("connection reset by peer (stale pooled connection)");
    }
    return "ok: " + sql;
  }

  void breakConnections() {
    stale.set(true);
  }

  /** Throws away every pooled connection and opens fresh ones. */
  void reconnect() {
    stale.set(false);
    reconnects.incrementAndGet();
  }

  int reconnects() {
    return reconnects.get();
  }

  @Override
  public void stop() {
    // Closing the pooled connections is all a real pool would do here.
  }

  @Override
  public void start() {
    reconnect();
  }
}
