package dev.heal.examples.springorders;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.heal.spring.HealAction;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.stereotype.Component;

/** The connection pool's recovery action, as a bean method ({@code @HealAction}). Thread-safe. */
@Component
public class PoolActions {
  private final DataSource dataSource;

  public PoolActions(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Evicts every pooled connection, so the next borrow opens a fresh one. */
  @HealAction("reconnectPool")
  public void reconnectPool() throws SQLException {
    HikariPoolMXBean pool = dataSource.unwrap(HikariDataSource.class).getHikariPoolMXBean();
    if (pool != null) {
      pool.softEvictConnections();
    }
  }
}
