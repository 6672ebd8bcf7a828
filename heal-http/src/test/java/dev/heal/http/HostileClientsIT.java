package dev.heal.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.heal.core.healer.Healer;
import dev.heal.core.health.HealthCheckConfig;
import dev.heal.core.health.HealthRegistry;
import dev.heal.core.health.HealthResult;
import dev.heal.core.health.HealthStatus;
import dev.heal.core.health.CheckKind;
import dev.heal.core.time.InlineExecutorService;
import dev.heal.core.time.ManualClock;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile and broken clients over real sockets, against heal's probe server, while a client polls
 * {@code /readyz} as the kubelet does (once a second, 1 s timeout) and a load client hammers it:
 * 200 connections trickle a request head one byte a second, 50 send a Content-Length larger than
 * their body, 50 send a chunked body that never ends; all of them reconnect whenever the server
 * closes them, for the whole test. The same harness against the JDK {@code HttpServer} heal used
 * before (2 threads) shows the probes going down, so a server that can be starved is caught.
 */
class HostileClientsIT {
  static final String TOKEN = "hostile-test-token-0123456789";

  private final List<AutoCloseable> cleanup = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    Collections.reverse(cleanup);
    for (AutoCloseable c : cleanup) {
      c.close();
    }
  }

  private HealthRegistry upRegistry() {
    ManualClock clock = new ManualClock();
    HealthRegistry registry = HealthRegistry.builder().clock(clock).executor(new InlineExecutorService()).build();
    registry.register(HealthCheckConfig.builder("db").interval(Duration.ofSeconds(1)).build(), HealthResult::up);
    registry.start();
    clock.advance(Duration.ofSeconds(1));
    assertThat(registry.status(CheckKind.READINESS)).isEqualTo(HealthStatus.UP);
    cleanup.add(registry);
    return registry;
  }

  /** One kind of hostile connection: what it sends on connecting, then one byte a second. */
  enum Hostile {
    TRICKLE_HEAD("GET /readyz HTTP/1.1\r\nHost: x\r\nX-Slow: ", "a"),
    LYING_LENGTH_PROBE("GET /readyz HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{", "a"),
    LYING_LENGTH_INTAKE("POST /heal/alerts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
        + "\r\nContent-Type: application/json\r\nContent-Length: 200000\r\n\r\n{", " "),
    UNTERMINATED_CHUNKED("POST /heal/alerts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
        + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{\r\n", "1\r\n \r\n");

    final byte[] opening;
    final byte[] drip;

    Hostile(String opening, String drip) {
      this.opening = opening.getBytes(StandardCharsets.US_ASCII);
      this.drip = drip.getBytes(StandardCharsets.US_ASCII);
    }
  }

  /** A set of hostile connections driven by one scheduler thread; each reconnects when closed. */
  static final class Attackers implements AutoCloseable {
    private final int port;
    private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();
    private final List<Hostile> kinds = new ArrayList<>();
    private final Socket[] sockets;
    private final int[] dripped;
    final AtomicLong reconnects = new AtomicLong();

    Attackers(int port, int trickle, int lyingLength, int chunked) {
      this.port = port;
      for (int i = 0; i < trickle; i++) {
        kinds.add(Hostile.TRICKLE_HEAD);
      }
      for (int i = 0; i < lyingLength; i++) {
        kinds.add(i % 2 == 0 ? Hostile.LYING_LENGTH_PROBE : Hostile.LYING_LENGTH_INTAKE);
      }
      for (int i = 0; i < chunked; i++) {
        kinds.add(Hostile.UNTERMINATED_CHUNKED);
      }
      sockets = new Socket[kinds.size()];
      dripped = new int[kinds.size()];
      ticks.scheduleAtFixedRate(this::tick, 0, 1, TimeUnit.SECONDS);
    }

    /** Every connection sends one more byte; closed ones are opened again. */
    private void tick() {
      for (int i = 0; i < sockets.length; i++) {
        Hostile k = kinds.get(i);
        try {
          if (sockets[i] == null || sockets[i].isClosed()) {
            Socket s = new Socket();
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.getOutputStream().write(k.opening);
            sockets[i] = s;
            dripped[i] = 0;
            continue;
          }
          sockets[i].getOutputStream().write(k.drip);
          dripped[i]++;
          InputStream in = sockets[i].getInputStream();
          if (in.available() > 0) {
            // Answered (e.g. the probe with a lying length): read it and go again, as attackers do.
            in.readNBytes(in.available());
            reopen(i);
          }
        } catch (IOException e) {
          reopen(i);
        }
      }
    }

    private void reopen(int i) {
      try {
        if (sockets[i] != null) {
          sockets[i].close();
        }
      } catch (IOException ignored) {
        // closing a dead socket
      }
      sockets[i] = null;
      reconnects.incrementAndGet();
    }

    int open() {
      int n = 0;
      for (Socket s : sockets) {
        n += s != null && !s.isClosed() ? 1 : 0;
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      ticks.shutdownNow();
      for (Socket s : sockets) {
        if (s != null) {
          s.close();
        }
      }
    }
  }

  /** What the kubelet saw: one entry per poll, latency in ms or -1 for a failed poll. */
  record Polls(List<Long> latencies) {
    long failed() {
      return latencies.stream().filter(l -> l < 0).count();
    }

    long percentile(double p) {
      List<Long> ok = latencies.stream().filter(l -> l >= 0).sorted().toList();
      return ok.isEmpty() ? -1 : ok.get((int) Math.min(ok.size() - 1, Math.ceil(p * ok.size()) - 1));
    }
  }

  /** Polls /readyz {@code count} times, once a second, each on a new connection with a 1 s timeout. */
  static Polls kubelet(int port, int count) throws InterruptedException {
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch done = new CountDownLatch(count);
    ScheduledExecutorService poller = Executors.newScheduledThreadPool(2);
    try {
      poller.scheduleAtFixedRate(() -> {
        if (done.getCount() == 0) {
          return;
        }
        latencies.add(poll(port));
        done.countDown();
      }, 0, 1, TimeUnit.SECONDS);
      assertThat(done.await(count + 30L, TimeUnit.SECONDS)).as("the poller ran").isTrue();
    } finally {
      poller.shutdownNow();
    }
    return new Polls(List.copyOf(latencies));
  }

  /** One probe: latency in ms if it got 200 within 1 s, else -1. */
  static long poll(int port) {
    long start = System.nanoTime();
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      s.setSoTimeout(1000);
      s.getOutputStream().write("GET /readyz HTTP/1.1\r\nHost: kubelet\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      byte[] status = s.getInputStream().readNBytes(12);
      long ms = (System.nanoTime() - start) / 1_000_000;
      return new String(status, StandardCharsets.US_ASCII).equals("HTTP/1.1 200") && ms <= 1000 ? ms : -1;
    } catch (IOException e) {
      return -1;
    }
  }

  /** Requests /readyz back to back on keep-alive connections until stopped. */
  static final class Load implements AutoCloseable {
    final AtomicLong ok = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    Load(int port) {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      java.net.http.HttpRequest get = java.net.http.HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/readyz")).timeout(Duration.ofSeconds(2)).build();
      thread = new Thread(() -> {
        while (running.get()) {
          try {
            int status = client.send(get, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
            (status == 200 ? ok : failed).incrementAndGet();
          } catch (IOException e) {
            failed.incrementAndGet();
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "load");
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join(5000);
    }
  }

  @Test
  void probesAnswerEveryKubeletPollWhile300HostileConnectionsAndALoadClientRun() throws Exception {
    HealthRegistry registry = upRegistry();
    Healer healer = Healer.builder().build();
    cleanup.add(healer);
    ProbeServer server = ProbeServer.builder(ProbeHandler.builder(registry)
            .route(AlertmanagerReceiver.builder(healer).bearerToken(TOKEN).build().route()))
        .host("127.0.0.1").port(0).headerTimeout(Duration.ofSeconds(5)).bodyTimeout(Duration.ofSeconds(5)).start();
    cleanup.add(server);
    Attackers attackers = new Attackers(server.port(), 200, 50, 50);
    cleanup.add(attackers);
    Load load = new Load(server.port());
    cleanup.add(load);

    Polls polls = kubelet(server.port(), 32);

    System.out.printf("heal-http under 300 hostile connections: %d kubelet polls, %d failed, /readyz p50 %d ms,"
            + " p99 %d ms, max %d ms; load client %d ok / %d failed; hostile reconnects %d, slow connections"
            + " closed by the server %d, open now %d%n",
        polls.latencies().size(), polls.failed(), polls.percentile(0.5), polls.percentile(0.99),
        polls.percentile(1.0), load.ok.get(), load.failed.get(), attackers.reconnects.get(),
        server.slowConnectionsClosed(), server.openConnections());
    assertThat(polls.latencies()).hasSize(32);
    assertThat(polls.failed()).as("failed kubelet polls: %s", polls.latencies()).isZero();
    assertThat(load.ok.get()).as("the load client was served").isPositive();
    assertThat(load.failed.get()).as("load requests that failed").isZero();
    assertThat(server.slowConnectionsClosed()).as("trickling heads were cut off at the head deadline").isPositive();
    assertThat(healer.journal().recent(10)).as("no hostile body reached the healer").isEmpty();
  }

  /** The same handler on the JDK HttpServer with 2 threads, as heal served probes before. */
  private int jdkServer(ProbeHandler handler) throws IOException {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
    ThreadPoolExecutor pool = new ThreadPoolExecutor(2, 2, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(256),
        new ThreadPoolExecutor.CallerRunsPolicy());
    server.setExecutor(pool);
    server.createContext("/", ex -> {
      try (ex) {
        HttpRequest.Headers headers = name -> Optional.ofNullable(ex.getRequestHeaders().getFirst(name));
        dev.heal.http.HttpResponse r = handler.dispatch(ex.getRequestMethod(), ex.getRequestURI().getRawPath(),
            "", headers, ex.getRequestBody(), -1);
        ex.sendResponseHeaders(r.status(), r.body().length);
        try (OutputStream out = ex.getResponseBody()) {
          out.write(r.body());
        }
      }
    });
    server.start();
    cleanup.add(() -> {
      server.stop(0);
      pool.shutdownNow();
    });
    return server.getAddress().getPort();
  }

  @Test
  void theHarnessCatchesAServerTwoTricklingConnectionsCanStarve() throws Exception {
    int port = jdkServer(ProbeHandler.builder(upRegistry()).build());
    assertThat(poll(port)).as("the JDK server answers when nobody attacks it").isNotNegative();
    Attackers attackers = new Attackers(port, 2, 0, 0);
    cleanup.add(attackers);

    Polls polls = kubelet(port, 5);

    assertThat(polls.failed()).as("polls against the starved JDK server: %s", polls.latencies())
        .isGreaterThanOrEqualTo(4);
  }
}
