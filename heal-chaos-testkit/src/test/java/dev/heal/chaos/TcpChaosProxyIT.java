package dev.heal.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.heal.core.time.HealClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The TCP chaos proxy against a real local echo server and a real HTTP server, in real time. */
class TcpChaosProxyIT {
  private static final HealClock REAL = HealClock.system();
  private EchoServer echo;
  private ChaosController chaos;
  private TcpChaosProxy proxy;

  @BeforeEach
  void start() throws IOException {
    echo = new EchoServer();
    chaos = ChaosController.builder().seed(7).build();
    proxy = chaos.tcpProxy("echo", echo.address());
  }

  @AfterEach
  void stop() throws IOException {
    chaos.close();
    echo.close();
    assertThat(proxy.isClosed()).isTrue();
  }

  private Socket connect() throws IOException {
    Socket s = new Socket();
    s.connect(proxy.address(), 2_000);
    s.setSoTimeout(5_000);
    s.setTcpNoDelay(true);
    return s;
  }

  private static byte[] readExactly(InputStream in, int n) throws IOException {
    byte[] out = in.readNBytes(n);
    assertThat(out).hasSize(n);
    return out;
  }

  private Duration roundTrip(Socket s, byte[] payload) throws IOException {
    long t0 = REAL.nanoTime();
    s.getOutputStream().write(payload);
    s.getOutputStream().flush();
    assertThat(readExactly(s.getInputStream(), payload.length)).isEqualTo(payload);
    return REAL.since(t0);
  }

  /** Writes {@code payload} to {@code s} in 64 KiB pieces from a new thread (the echo reads back meanwhile). */
  private static Thread sending(Socket s, byte[] payload, boolean thenShutdownOutput) {
    Thread writer = new Thread(() -> {
      try {
        OutputStream out = s.getOutputStream();
        for (int off = 0; off < payload.length; off += 64 * 1024) {
          out.write(payload, off, Math.min(64 * 1024, payload.length - off));
        }
        out.flush();
        if (thenShutdownOutput) {
          s.shutdownOutput();
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    writer.start();
    return writer;
  }

  @Test
  void forwardsBytesIntactWithoutFaults() throws IOException {
    byte[] payload = new byte[1 << 20];
    new Random(1).nextBytes(payload);
    try (Socket s = connect()) {
      Thread writer = sending(s, payload, true);
      byte[] back = s.getInputStream().readAllBytes();
      assertThat(back).hasSize(payload.length);
      assertThat(Arrays.equals(back, payload)).isTrue();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> proxy.openConnections() == 0);
    assertThat(proxy.bytesUpstream()).isEqualTo(payload.length);
    assertThat(proxy.bytesDownstream()).isEqualTo(payload.length);
  }

  @Test
  void addsLatencyPerDirectionWithinTolerance() throws IOException {
    byte[] ping = "ping".getBytes(StandardCharsets.US_ASCII);
    try (Socket s = connect()) {
      Duration base = roundTrip(s, ping);
      try (FaultHandle h = chaos.arm(Fault.networkLatency("echo", Duration.ofMillis(150), Duration.ZERO, Direction.DOWNSTREAM))) {
        Duration slow = roundTrip(s, ping);
        assertThat(slow).isBetween(Duration.ofMillis(150), Duration.ofMillis(150).plus(base).plusMillis(250));
        assertThat(h.hits()).isEqualTo(1);
      }
      try (FaultHandle up = chaos.arm(Fault.networkLatency("echo", Duration.ofMillis(100), Duration.ZERO, Direction.UPSTREAM));
          FaultHandle down = chaos.arm(Fault.networkLatency("echo", Duration.ofMillis(100), Duration.ZERO, Direction.DOWNSTREAM).named("down"))) {
        Duration both = roundTrip(s, ping);
        assertThat(both).isBetween(Duration.ofMillis(200), Duration.ofMillis(200).plus(base).plusMillis(250));
      }
      assertThat(roundTrip(s, ping)).isLessThan(Duration.ofMillis(150));
    }
  }

  /** netem's meaning: every byte is delayed by the latency, the throughput is not capped by it. */
  @Test
  void a256KibTransferThroughA50msLatencyFaultTakesTheLatencyOnceNotPerChunk() throws Exception {
    byte[] payload = new byte[256 * 1024];
    new Random(3).nextBytes(payload);
    try (Socket s = connect()) {
      roundTrip(s, "warm".getBytes(StandardCharsets.US_ASCII));
      try (FaultHandle h = chaos.arm(Fault.networkLatency("echo", Duration.ofMillis(50), Duration.ZERO,
          Direction.DOWNSTREAM))) {
        long t0 = REAL.nanoTime();
        Thread writer = sending(s, payload, false);
        byte[] back = readExactly(s.getInputStream(), payload.length);
        Duration took = REAL.since(t0);
        writer.join();
        assertThat(Arrays.equals(back, payload)).isTrue();
        assertThat(h.hits()).as("chunks delayed").isGreaterThan(1);
        assertThat(took).isBetween(Duration.ofMillis(50), Duration.ofMillis(150));
      }
    }
  }

  /**
   * Bounded real-clock stress: a latency fault armed and disarmed over and over while 4 MiB flow,
   * so chunks switch between the reader's direct path and the delayed writer; not one byte may be
   * lost or overtake another.
   */
  @Test
  void bytesKeepTheirOrderWhileALatencyFaultComesAndGoes() throws Exception {
    byte[] payload = new byte[4 << 20];
    new Random(5).nextBytes(payload);
    try (Socket s = connect()) {
      Thread writer = sending(s, payload, false);
      AtomicBoolean done = new AtomicBoolean();
      AtomicInteger toggles = new AtomicInteger();
      Thread chaosThread = new Thread(() -> {
        while (!done.get()) {
          try (FaultHandle h = chaos.arm(Fault.networkLatency("echo", Duration.ofMillis(2), Duration.ofMillis(1),
              Direction.BOTH))) {
            if (h.isActive()) {
              toggles.incrementAndGet();
            }
            LockSupport.parkNanos(1_000_000);
          }
          LockSupport.parkNanos(1_000_000);
        }
      });
      chaosThread.start();
      byte[] back = readExactly(s.getInputStream(), payload.length);
      done.set(true);
      writer.join();
      chaosThread.join();
      assertThat(toggles.get()).as("the fault came and went during the transfer").isGreaterThan(3);
      assertThat(Arrays.equals(back, payload)).as("every byte, in order").isTrue();
    }
  }

  @Test
  void jitterVariesTheDelayAroundTheLatency() throws IOException {
    byte[] ping = "p".getBytes(StandardCharsets.US_ASCII);
    chaos.arm(Fault.networkLatency("echo", Duration.ofMillis(60), Duration.ofMillis(40), Direction.DOWNSTREAM));
    try (Socket s = connect()) {
      long min = Long.MAX_VALUE;
      long max = 0;
      for (int i = 0; i < 8; i++) {
        long ms = roundTrip(s, ping).toMillis();
        min = Math.min(min, ms);
        max = Math.max(max, ms);
      }
      assertThat(min).isGreaterThanOrEqualTo(20);
      assertThat(max).isLessThan(100 + 250);
      assertThat(max - min).as("jitter spreads the delays").isGreaterThan(5);
    }
  }

  @Test
  void limitsBandwidth() throws IOException {
    byte[] payload = new byte[20_000];
    chaos.arm(Fault.bandwidth("echo", 50_000, Direction.DOWNSTREAM));
    try (Socket s = connect()) {
      Duration d = roundTrip(s, payload);
      // 20 kB at 50 kB/s: at least 0.4 s minus one 1/20 s piece of slack
      assertThat(d).isBetween(Duration.ofMillis(350), Duration.ofMillis(2_000));
    }
  }

  @Test
  void resetIsSeenByTheClient() throws IOException {
    try (Socket s = connect()) {
      roundTrip(s, new byte[] {1});
      chaos.arm(Fault.reset("echo"));
      s.getOutputStream().write(2);
      assertThatThrownBy(() -> {
        int r = s.getInputStream().read();
        if (r < 0) {
          throw new IllegalStateException("EOF instead of a reset");
        }
      }).isInstanceOf(SocketException.class).hasMessageContaining("reset");
    }
    assertThat(chaos.hits("echo:reset")).isPositive();
  }

  @Test
  void blackholeSwallowsDataAndTheClientTimesOut() throws IOException {
    chaos.arm(Fault.blackhole("echo", Direction.UPSTREAM));
    try (Socket s = connect()) {
      s.setSoTimeout(300);
      s.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
      assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
    }
    assertThat(chaos.hits("echo:blackhole")).isPositive();
    assertThat(proxy.bytesUpstream()).isZero();
  }

  @Test
  void slicesDataIntoDelayedPieces() throws IOException {
    chaos.arm(Fault.slice("echo", 10, Duration.ofMillis(20), Direction.DOWNSTREAM));
    byte[] payload = new byte[100];
    new Random(2).nextBytes(payload);
    try (Socket s = connect()) {
      Duration d = roundTrip(s, payload);
      assertThat(d).as("10 pieces with 9 gaps of 20 ms").isGreaterThanOrEqualTo(Duration.ofMillis(180));
    }
  }

  @Test
  void refusesNewConnectionsButKeepsOpenOnes() throws IOException {
    try (Socket open = connect()) {
      roundTrip(open, new byte[] {1});
      try (FaultHandle h = chaos.arm(Fault.refuse("echo"))) {
        assertThatThrownBy(() -> {
          try (Socket refused = connect()) {
            refused.getOutputStream().write(1);
            if (refused.getInputStream().read() < 0) {
              throw new ConnectException("closed before any byte");
            }
          }
        }).isInstanceOfAny(SocketException.class, ConnectException.class);
        roundTrip(open, new byte[] {2});
        assertThat(h.hits()).isEqualTo(1);
      }
      try (Socket again = connect()) {
        roundTrip(again, new byte[] {3});
      }
    }
  }

  @Test
  void closesAfterNBytes() throws IOException {
    chaos.arm(Fault.closeAfter("echo", 10, Direction.DOWNSTREAM));
    try (Socket s = connect()) {
      s.getOutputStream().write(new byte[25]);
      s.getOutputStream().flush();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      InputStream in = s.getInputStream();
      try {
        int b;
        while ((b = in.read()) >= 0) {
          got.write(b);
        }
      } catch (SocketException e) {
        // a close with unread data may surface as a reset: the count is what matters
      }
      assertThat(got.size()).isEqualTo(10);
    }
  }

  @Test
  void dropConnectionsResetsPooledConnections() throws IOException {
    try (Socket s = connect()) {
      roundTrip(s, new byte[] {1});
      assertThat(proxy.openConnections()).isEqualTo(1);
      proxy.dropConnections();
      assertThatThrownBy(() -> {
        s.getOutputStream().write(1);
        if (s.getInputStream().read() < 0) {
          throw new SocketException("connection closed");
        }
      }).isInstanceOf(SocketException.class);
      assertThat(proxy.openConnections()).isZero();
    }
  }

  @Test
  void worksForHttpThroughTheJdkClient() throws Exception {
    HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    byte[] body = new byte[50_000];
    new Random(3).nextBytes(body);
    http.createContext("/data", ex -> {
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream o = ex.getResponseBody()) {
        o.write(body);
      }
    });
    http.start();
    try {
      TcpChaosProxy web = chaos.tcpProxy("web", http.getAddress());
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      URI uri = URI.create("http://" + web.host() + ":" + web.port() + "/data");
      HttpResponse<byte[]> ok = client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).isEqualTo(body);

      try (FaultHandle h = chaos.arm(Fault.networkLatency("web", Duration.ofMillis(200), Duration.ZERO, Direction.DOWNSTREAM))) {
        long t0 = REAL.nanoTime();
        HttpResponse<byte[]> slow = client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(slow.body()).isEqualTo(body);
        assertThat(REAL.since(t0)).isBetween(Duration.ofMillis(200), Duration.ofMillis(1_500));
      }

      chaos.arm(Fault.reset("web"));
      web.dropConnections();
      assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofByteArray())).isInstanceOf(IOException.class);
    } finally {
      http.stop(0);
    }
  }
}
