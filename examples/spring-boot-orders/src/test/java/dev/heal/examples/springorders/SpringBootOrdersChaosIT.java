package dev.heal.examples.springorders;

import dev.heal.chaos.ChaosController;
import dev.heal.chaos.TcpChaosProxy;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterAll;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link DatabaseChaosScenario} on the default database, H2 (a real H2 TCP server, in memory). */
class SpringBootOrdersChaosIT extends DatabaseChaosScenario {
  private static Server h2;
  private static ChaosController chaos;
  private static TcpChaosProxy proxy;

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) throws Exception {
    h2 = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
    chaos = ChaosController.builder().seed(15).build();
    proxy = chaos.tcpProxy("orders-db", new InetSocketAddress("127.0.0.1", h2.getPort()));
    registry.add("spring.datasource.url",
        () -> "jdbc:h2:tcp://127.0.0.1:" + proxy.port() + "/mem:chaos-orders;DB_CLOSE_DELAY=-1");
  }

  @AfterAll
  static void stop() {
    chaos.close();
    h2.stop();
  }

  @Override
  ChaosController chaos() {
    return chaos;
  }

  @Override
  long countInDatabase() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:h2:tcp://127.0.0.1:" + h2.getPort() + "/mem:chaos-orders", "", "");
        Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT COUNT(*) FROM orders")) {
      r.next();
      return r.getLong(1);
    }
  }
}
