package dev.heal.chaos;

import static dev.heal.chaos.ChaosAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real-time experiment: HTTP load through the TCP chaos proxy against a real JDK HTTP server.
 * Run twice with the same seed, the schedule is identical and availability agrees within noise.
 */
class ExperimentIT {
  static {
    // The JDK server writes headers and body separately; without this Nagle adds ~40 ms per request.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private HttpServer server;
  private java.util.concurrent.ExecutorService pool;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/orders", ex -> {
      byte[] body = "[]".getBytes();
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream o = ex.getResponseBody()) {
        o.write(body);
      }
    });
    pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    server.setExecutor(pool);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
    pool.shutdownNow();
  }

  private ExperimentResult run(long seed) {
    try (ChaosController chaos = ChaosController.builder().seed(seed).build()) {
      TcpChaosProxy proxy = chaos.tcpProxy("orders", server.getAddress());
      URI uri = URI.create("http://" + proxy.host() + ":" + proxy.port() + "/orders");
      Fault outage = Fault.reset("orders").named("orders-reset")
          .startingAt(Duration.ofMillis(800)).lasting(Duration.ofMillis(800));
      Experiment e = Experiment.builder("orders-through-a-flaky-network")
          .steadyState(Probe.http(uri, 200, Duration.ofSeconds(2)))
          .faults(outage)
          .load(Load.http(40, uri, Duration.ofSeconds(1)))
          .duration(Duration.ofMillis(3200))
          .probeEvery(Duration.ofMillis(100))
          .rollback("drop pooled connections", proxy::dropConnections)
          .build();
      return chaos.run(e);
    }
  }

  @Test
  void sameSeedSameScheduleAndAvailabilityWithinNoise() {
    ExperimentResult a = run(99);
    ExperimentResult b = run(99);
    assertThat(a.schedule()).isEqualTo(b.schedule());
    assertThat(a.requests()).hasSizeGreaterThan(30);
    assertThat(Math.abs(a.availability() - b.availability())).isLessThan(0.2);
    for (ExperimentResult r : new ExperimentResult[] {a, b}) {
      assertThat(r).allFaultsFired().recoveredWithin(Duration.ofMillis(1500));
      assertThat(r).availabilityDuring("orders-reset").isAtMost(0.5);
      assertThat(r).availability().isAtLeast(0.4);
    }
  }
}
