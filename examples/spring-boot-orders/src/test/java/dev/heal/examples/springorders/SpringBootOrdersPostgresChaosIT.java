package dev.heal.examples.springorders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heal.chaos.ChaosController;
import dev.heal.chaos.TcpChaosProxy;
import dev.heal.core.testing.TempPostgres;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@link DatabaseChaosScenario} on the optional database, a real PostgreSQL (Debian's
 * {@code postgresql} package, started by {@link TempPostgres} in a temporary directory on a free
 * port), configured only through the keys a user sets: {@code spring.datasource.url},
 * {@code username}, {@code password}. Also: {@code schema.sql} created the table in PostgreSQL. No
 * PostgreSQL installed: skipped, or failed where {@code HEAL_REQUIRE_TOOLS=true}.
 */
class SpringBootOrdersPostgresChaosIT extends DatabaseChaosScenario {
  private static TempPostgres postgres;
  private static ChaosController chaos;
  private static TcpChaosProxy proxy;

  // Before the context: a missing PostgreSQL is then a skip (or a failure), not a context that fails to load.
  @BeforeAll
  static void startPostgres() throws Exception {
    postgres = TempPostgres.create().start();
    chaos = ChaosController.builder().seed(15).build();
    proxy = chaos.tcpProxy("orders-db", new InetSocketAddress("127.0.0.1", postgres.port()));
  }

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    registry.add("spring.datasource.url", () -> TempPostgres.jdbcUrl(proxy.port()));
    registry.add("spring.datasource.username", () -> "postgres");
    registry.add("spring.datasource.password", () -> "");
    // A new PostgreSQL connection (startup, authentication) takes longer than H2's 250 ms on a loaded machine.
    registry.add("spring.datasource.hikari.connection-timeout", () -> "1000");
  }

  @AfterAll
  static void stop() throws Exception {
    if (chaos != null) {
      chaos.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Override
  Duration experimentDuration() {
    return Duration.ofSeconds(12);
  }

  @Override
  ChaosController chaos() {
    return chaos;
  }

  @Override
  long countInDatabase() throws Exception {
    try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "");
        Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT COUNT(*) FROM orders")) {
      r.next();
      return r.getLong(1);
    }
  }

  @Test
  void schemaSqlCreatedTheOrdersTableInPostgres() throws Exception {
    List<String> columns = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "");
        Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT column_name FROM "
            + "information_schema.columns WHERE table_name = 'orders' ORDER BY ordinal_position")) {
      while (r.next()) {
        columns.add(r.getString(1));
      }
      try (ResultSet product = s.executeQuery("SELECT version()")) {
        product.next();
        assertThat(product.getString(1)).startsWith("PostgreSQL");
      }
    }
    assertThat(columns).containsExactly("id", "customer_id", "amount", "payment");
  }
}
