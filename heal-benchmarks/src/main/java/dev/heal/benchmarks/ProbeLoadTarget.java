package dev.heal.benchmarks;

import com.sun.net.httpserver.HttpServer;
import dev.heal.core.health.CheckKind;
import dev.heal.core.health.HealthCheckConfig;
import dev.heal.core.health.HealthRegistry;
import dev.heal.core.health.HealthResult;
import dev.heal.core.internal.DaemonThreads;
import dev.heal.http.HttpRequest;
import dev.heal.http.HttpResponse;
import dev.heal.http.ProbeHandler;
import dev.heal.http.ProbeServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A probe server for {@code wrk}: 100 readiness checks, one of which can hang forever (its run
 * times out every interval), served by one of three servers so they can be compared in one run:
 * {@code heal} (heal-http's Jetty {@link ProbeServer}), {@code jdk} (the same {@link ProbeHandler}
 * on the JDK {@code HttpServer} with 2 threads, as heal served probes before heal-http) and {@code
 * bare} (a bare Jetty handler answering a constant). With {@code trickle=N} it also holds N
 * connections open that send a request head one byte a second (reconnecting when closed).
 *
 * <p>Usage: {@code java -cp heal-benchmarks/target/benchmarks.jar dev.heal.benchmarks.ProbeLoadTarget
 * <heal|jdk|bare> [port] [hang] [trickle]}; prints the URL and serves until killed.
 */
public final class ProbeLoadTarget {
  private static final byte[] UP = "{\"status\":\"UP\"}".getBytes(StandardCharsets.US_ASCII);

  private ProbeLoadTarget() {}

  public static void main(String[] args) throws Exception {
    String variant = args.length > 0 ? args[0] : "heal";
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 18081;
    boolean hang = args.length > 2 && Boolean.parseBoolean(args[2]);
    int trickle = args.length > 3 ? Integer.parseInt(args[3]) : 0;
    CountDownLatch forever = new CountDownLatch(1);
    HealthRegistry registry = registry(hang, forever);
    switch (variant) {
      case "heal" -> ProbeServer.builder(registry).host("127.0.0.1").port(port).start();
      case "jdk" -> jdk(ProbeHandler.builder(registry).build(), port);
      case "bare" -> bare(port);
      default -> throw new IllegalArgumentException("variant must be heal, jdk or bare: " + variant);
    }
    for (int i = 0; i < trickle; i++) {
      Thread t = new Thread(() -> trickle(port), "trickler-" + i);
      t.setDaemon(true);
      t.start();
    }
    System.out.println("ready http://127.0.0.1:" + port + "/readyz variant=" + variant + " hang=" + hang
        + " trickle=" + trickle);
    forever.await();
  }

  static HealthRegistry registry(boolean hang, CountDownLatch forever) {
    HealthRegistry registry = HealthRegistry.builder().poolSize(4).build();
    for (int i = 0; i < 99; i++) {
      registry.register(HealthCheckConfig.builder("check-" + i).kinds(CheckKind.READINESS, CheckKind.LIVENESS)
          .interval(Duration.ofSeconds(1)).critical(i % 2 == 0).build(), HealthResult::up);
    }
    registry.register(HealthCheckConfig.builder("slow").critical(false).interval(Duration.ofSeconds(1))
        .timeout(Duration.ofMillis(500)).build(), () -> {
          if (hang) {
            forever.await();
          }
          return HealthResult.up();
        });
    registry.start();
    return registry;
  }

  /** The handler on the JDK server, configured as heal's server was before heal-http. */
  static void jdk(ProbeHandler handler, int port) throws Exception {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 128);
    server.setExecutor(new ThreadPoolExecutor(2, 2, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(256),
        DaemonThreads.named("jdk-http"), new ThreadPoolExecutor.CallerRunsPolicy()));
    server.createContext("/", ex -> {
      try (ex) {
        HttpRequest.Headers headers = name -> Optional.ofNullable(ex.getRequestHeaders().getFirst(name));
        String cl = ex.getRequestHeaders().getFirst("Content-Length");
        HttpResponse r = handler.dispatch(ex.getRequestMethod(), ex.getRequestURI().getRawPath(),
            ex.getRequestURI().getRawQuery(), headers, ex.getRequestBody(), cl == null ? -1 : Long.parseLong(cl));
        ex.getResponseHeaders().set("Content-Type", r.contentType());
        ex.sendResponseHeaders(r.status(), r.body().length);
        try (OutputStream out = ex.getResponseBody()) {
          out.write(r.body());
        }
      }
    });
    server.start();
  }

  /** A bare Jetty server answering a constant: the floor for heal's server. */
  static void bare(int port) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server, 1, 1);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);
    server.setHandler(new Handler.Abstract.NonBlocking() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        response.setStatus(200);
        response.getHeaders().put("Content-Type", "application/json; charset=utf-8");
        response.getHeaders().put("Content-Length", Integer.toString(UP.length));
        response.write(true, ByteBuffer.wrap(UP), callback);
        return true;
      }
    });
    server.start();
  }

  /** One hostile connection: a request head, one byte a second, forever (reconnects when closed). */
  static void trickle(int port) {
    byte[] head = "GET /readyz HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII);
    List<Socket> keep = new ArrayList<>(1);
    while (true) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        keep.clear();
        keep.add(s);
        OutputStream out = s.getOutputStream();
        for (int i = 0; ; i = (i + 1) % (head.length - 4)) {
          out.write(head[i]);
          out.flush();
          TimeUnit.SECONDS.sleep(1);
        }
      } catch (Exception e) {
        try {
          TimeUnit.MILLISECONDS.sleep(100);
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }
}
