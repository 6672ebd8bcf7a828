package dev.heal.http;

import dev.heal.core.HealException;
import dev.heal.core.health.HealthRegistry;
import dev.heal.core.internal.DaemonThreads;
import dev.heal.core.internal.Require;
import dev.heal.http.internal.Deadlines;
import dev.heal.http.internal.JettyProbeHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * heal's management HTTP server: Jetty 12 serving a {@link ProbeHandler} on its own host and
 * port, built so that slow or hostile clients can only hurt themselves. Probes are answered
 * without blocking from the thread that parsed the request head, so they need no free worker;
 * bodies are read without blocking; endpoints run on a small bounded worker pool (overflow gets
 * 503). Every limit has a safe default: request head at most 8 KiB (431 past it), a head must
 * arrive within 10 s once begun and a body within 10 s, idle connections close after 30 s, at
 * most 1024 connections, TCP_NODELAY on. Errors, Jetty's own included, are small JSON objects
 * that quote at most 256 bytes of the request.
 *
 * <p>Reads of {@code /heal/*} and {@code /health} details are open without a token only when
 * the server binds a loopback address, unless {@link ProbeHandler.Builder#anonymousReads} says
 * otherwise; {@code /health} shows details to requests with read access.
 *
 * <p>Thread-safe. {@link #close()} stops accepting and waits up to the shutdown grace period for
 * requests in flight.
 */
public final class ProbeServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProbeServer.class);

  private final Server server;
  private final ServerConnector connector;
  private final ThreadPoolExecutor workers;
  private final Deadlines deadlines;
  private final ProbeHandler handler;
  private final String host;
  private volatile boolean closed;

  private ProbeServer(Builder b) throws Exception {
    this.host = b.host;
    boolean loopback = isLoopback(b.host);
    this.handler = b.handler.defaultsForServer(true, loopback).build();
    this.workers = new ThreadPoolExecutor(b.workerThreads, b.workerThreads, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(b.workerQueue), DaemonThreads.named("heal-http"), new ThreadPoolExecutor.AbortPolicy());
    QueuedThreadPool io = new QueuedThreadPool(b.ioThreads, Math.min(2, b.ioThreads));
    io.setName("heal-http-io");
    io.setDaemon(true);
    this.server = new Server(io);
    server.setStopTimeout(b.shutdownGrace.toMillis());
    HttpConfiguration http = new HttpConfiguration();
    http.setRequestHeaderSize(b.maxHeaderBytes);
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    this.connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    connector.setHost(b.host);
    connector.setPort(b.port);
    connector.setIdleTimeout(b.idleTimeout.toMillis());
    connector.setAcceptQueueSize(b.backlog);
    connector.setAcceptedTcpNoDelay(true);
    this.deadlines = new Deadlines(b.headerTimeout.toMillis(), b.bodyTimeout.toMillis());
    connector.addEventListener(deadlines);
    server.addConnector(connector);
    server.addBean(new NetworkConnectionLimit(b.maxConnections, connector));
    server.setErrorHandler(new JettyProbeHandler.JsonErrors());
    server.setHandler(new JettyProbeHandler(handler, workers, deadlines));
    try {
      server.start();
    } catch (Exception e) {
      closeQuietly();
      throw e;
    }
    log.info("heal: probe server listening on http://{}:{} ({}; reads {})", b.host, port(), handler.paths(),
        loopback ? "open on loopback" : "need the read token");
  }

  static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** A server for {@code registry}'s probes with default settings (see {@link Builder}). */
  public static Builder builder(HealthRegistry registry) {
    return new Builder(ProbeHandler.builder(registry));
  }

  /** A server for a handler you configured (extra routes, metrics, details, tokens). */
  public static Builder builder(ProbeHandler.Builder handler) {
    return new Builder(handler);
  }

  /** The port actually bound (useful with port 0). */
  public int port() {
    return connector.getLocalPort();
  }

  /** {@code http://host:port}. */
  public String baseUrl() {
    String h = host;
    try {
      if (InetAddress.getByName(host).isAnyLocalAddress()) {
        h = "localhost";
      }
    } catch (UnknownHostException e) {
      // keep the name as given
    }
    if (h.contains(":")) {
      h = "[" + h + "]";
    }
    return "http://" + h + ":" + port();
  }

  public ProbeHandler handler() {
    return handler;
  }

  /** Connections open now. */
  public int openConnections() {
    return deadlines.open();
  }

  /** Connections closed so far because a request head or body took longer than allowed. */
  public long slowConnectionsClosed() {
    return deadlines.closedSlow();
  }

  /** Stops accepting, waits up to the grace period for requests in flight, frees threads. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    closeQuietly();
  }

  private void closeQuietly() {
    try {
      server.stop();
    } catch (Exception e) {
      log.warn("heal: probe server did not stop cleanly: {}", e.toString());
    }
    deadlines.close();
    workers.shutdownNow();
  }

  /** Builds and starts a {@link ProbeServer}. Not thread-safe. */
  public static final class Builder {
    private final ProbeHandler.Builder handler;
    private String host = "0.0.0.0";
    private int port = 8081;
    private int ioThreads = 8;
    private int workerThreads = 2;
    private int workerQueue = 64;
    private int backlog = 128;
    private int maxConnections = 1024;
    private int maxHeaderBytes = 8 * 1024;
    private Duration headerTimeout = Duration.ofSeconds(10);
    private Duration bodyTimeout = Duration.ofSeconds(10);
    private Duration idleTimeout = Duration.ofSeconds(30);
    private Duration shutdownGrace = Duration.ofSeconds(1);

    private Builder(ProbeHandler.Builder handler) {
      this.handler = Objects.requireNonNull(handler, "handler");
    }

    /**
     * Interface to bind. Default {@code 0.0.0.0}, since the kubelet probes the pod IP; reads then
     * need the read token. {@code 127.0.0.1} keeps everything on the machine.
     */
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

    /** Jetty's I/O threads (parse heads, answer probes, read bodies). Default 8, at least 3. */
    public Builder ioThreads(int threads) {
      this.ioThreads = Require.atLeast("ioThreads", threads, 3);
      return this;
    }

    /** Threads that run endpoints other than the probes. Default 2. */
    public Builder workerThreads(int threads) {
      this.workerThreads = Require.atLeast("workerThreads", threads, 1);
      return this;
    }

    /** Endpoint requests queued for a worker; past it they get 503 with Retry-After. Default 64. */
    public Builder workerQueue(int size) {
      this.workerQueue = Require.atLeast("workerQueue", size, 1);
      return this;
    }

    /** TCP accept backlog. Default 128. */
    public Builder backlog(int backlog) {
      this.backlog = Require.atLeast("backlog", backlog, 1);
      return this;
    }

    /**
     * Most connections open at once; past it the server stops accepting until one closes.
     * Default 1024.
     */
    public Builder maxConnections(int max) {
      this.maxConnections = Require.atLeast("maxConnections", max, 16);
      return this;
    }

    /** Largest request head (request line and headers); larger ones get 431. Default 8 KiB. */
    public Builder maxHeaderBytes(int bytes) {
      this.maxHeaderBytes = Require.atLeast("maxHeaderBytes", bytes, 1024);
      return this;
    }

    /** Longest a request head may take once its first byte arrived; then the connection closes. Default 10 s. */
    public Builder headerTimeout(Duration timeout) {
      this.headerTimeout = Require.positive("headerTimeout", timeout);
      return this;
    }

    /** Longest a request body may take to arrive; then the connection closes. Default 10 s. */
    public Builder bodyTimeout(Duration timeout) {
      this.bodyTimeout = Require.positive("bodyTimeout", timeout);
      return this;
    }

    /** Idle connections (no bytes at all) close after this. Default 30 s. */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = Require.positive("idleTimeout", timeout);
      return this;
    }

    /** How long {@link #close()} waits for requests in flight. Default 1 s. */
    public Builder shutdownGrace(Duration grace) {
      this.shutdownGrace = Require.notNegative("shutdownGrace", grace);
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
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new HealException("cannot start probe server on " + host + ":" + port + ": " + e.getMessage(), e);
      }
    }
  }
}
