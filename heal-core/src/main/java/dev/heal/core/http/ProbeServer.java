package dev.heal.core.http;

import dev.heal.core.internal.DaemonThreads;
import com.sun.net.httpserver.HttpServer;
import dev.heal.core.HealException;
import dev.heal.core.health.HealthRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * heal's management HTTP server: a JDK {@link HttpServer} serving a {@link ProbeHandler} on its
 * own host and port, with a bounded executor (a fixed number of threads and a bounded queue; when
 * the queue is full the accepting thread handles the request itself, which slows accepting instead
 * of growing memory). {@code /health} shows details here unless told otherwise: this is the
 * management port.
 *
 * <p>Thread-safe. {@link #close()} stops accepting and waits up to the shutdown grace period for
 * requests in flight.
 */
public final class ProbeServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProbeServer.class);

  /**
   * The JDK server writes a response's headers and body in separate segments; without TCP_NODELAY
   * Nagle's algorithm holds the body until the client's delayed ACK (about 40 ms on Linux). The
   * JDK reads this property once, when its first HTTP server starts; heal turns it on unless the
   * application has set it either way.
   */
  public static void enableTcpNoDelay() {
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  static {
    enableTcpNoDelay();
  }

  private final HttpServer server;
  private final ThreadPoolExecutor executor;
  private final Duration shutdownGrace;
  private final ProbeHandler handler;
  private volatile boolean closed;

  private ProbeServer(Builder b) throws IOException {
    this.handler = b.handler.showDetailsUnlessSet(true).build();
    this.shutdownGrace = b.shutdownGrace;
    this.executor =
        new ThreadPoolExecutor(
            b.threads, b.threads, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(b.queueSize),
            DaemonThreads.named("heal-http"),
            new ThreadPoolExecutor.CallerRunsPolicy());
    this.server = HttpServer.create(new InetSocketAddress(b.host, b.port), b.backlog);
    server.createContext("/", handler);
    server.setExecutor(executor);
    server.start();
    log.info("heal: probe server listening on http://{}:{} ({})", b.host, port(), handler.paths());
  }

  /** A server for {@code registry}'s probes with default settings (see {@link Builder}). */
  public static Builder builder(HealthRegistry registry) {
    return new Builder(ProbeHandler.builder(registry));
  }

  /** A server for a handler you configured (extra routes, metrics, details). */
  public static Builder builder(ProbeHandler.Builder handler) {
    return new Builder(handler);
  }

  /** The port actually bound (useful with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://host:port}. */
  public String baseUrl() {
    InetSocketAddress address = server.getAddress();
    String host = address.getAddress().isAnyLocalAddress() ? "localhost" : address.getHostString();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return "http://" + host + ":" + port();
  }

  public ProbeHandler handler() {
    return handler;
  }

  /** Stops accepting, waits up to the grace period for requests in flight, frees threads. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.stop((int) Math.max(0, Math.min(Integer.MAX_VALUE, shutdownGrace.toSeconds())));
    executor.shutdown();
    try {
      if (!executor.awaitTermination(shutdownGrace.toMillis() + 100, TimeUnit.MILLISECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** Builds and starts a {@link ProbeServer}. Not thread-safe. */
  public static final class Builder {
    private final ProbeHandler.Builder handler;
    private String host = "0.0.0.0";
    private int port = 8081;
    private int threads = 2;
    private int queueSize = 256;
    private int backlog = 128;
    private Duration shutdownGrace = Duration.ofSeconds(1);

    private Builder(ProbeHandler.Builder handler) {
      this.handler = Objects.requireNonNull(handler, "handler");
    }

    /** Interface to bind. Default {@code 0.0.0.0}, since the kubelet probes the pod IP. */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** Port; 0 picks a free one. Default 8081. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0-65535: " + port);
      }
      this.port = port;
      return this;
    }

    /** Request threads. Default 2. */
    public Builder threads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be at least 1: " + threads);
      }
      this.threads = threads;
      return this;
    }

    /** Requests queued for a thread before the accepting thread serves them itself. Default 256. */
    public Builder queueSize(int queueSize) {
      if (queueSize < 1) {
        throw new IllegalArgumentException("queueSize must be at least 1: " + queueSize);
      }
      this.queueSize = queueSize;
      return this;
    }

    /** TCP accept backlog. Default 128. */
    public Builder backlog(int backlog) {
      this.backlog = backlog;
      return this;
    }

    /** How long {@link #close()} waits for requests in flight (whole seconds). Default 1 s. */
    public Builder shutdownGrace(Duration grace) {
      if (grace.isNegative()) {
        throw new IllegalArgumentException("shutdownGrace must not be negative: " + grace);
      }
      this.shutdownGrace = grace;
      return this;
    }

    /**
     * Binds and starts the server.
     *
     * @throws HealException if the address cannot be bound, naming it
     */
    public ProbeServer start() {
      try {
        return new ProbeServer(this);
      } catch (IOException e) {
        throw new HealException("cannot start probe server on " + host + ":" + port + ": " + e.getMessage(), e);
      }
    }
  }
}
