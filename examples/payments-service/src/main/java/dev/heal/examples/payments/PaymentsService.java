package dev.heal.examples.payments;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpHandler;
import dev.heal.core.health.HealthCheckConfig;
import dev.heal.core.health.HealthMetrics;
import dev.heal.core.health.HealthRegistry;
import dev.heal.core.health.HealthResult;
import dev.heal.http.ProbeHandler;
import dev.heal.http.ProbeServer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * payments-service: {@code POST /payments {"orderId":"...","amount":12.50}} captures a payment
 * (idempotent per order), {@code GET /payments/{orderId}} reads it, {@code GET /payments/ping}
 * answers 200 when the service is up. Its latency and failures are
 * controlled by {@link #faults(PaymentFaults)} in-process, or by {@code POST /admin/faults
 * {"latencyMs":200,"errorRate":0.5,"down":false}} over HTTP. Thread-safe.
 *
 * <p>Its management port serves heal's probes and {@code /metrics}: {@code http.server.requests}
 * (timer with percentile histogram; tags method, uri, status, outcome as Spring/Micrometer name
 * them), {@code payments.faults.latency} (seconds), {@code payments.faults.error.ratio} (0 to 1),
 * {@code payments.faults.down} (1 while every request is answered 503), {@code payments.captured}
 * (payments captured since start) and heal's health meters.
 */
public final class PaymentsService implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BODY = 16 * 1024;

  private final HttpServer server;
  private final ExecutorService executor;
  private final HealthRegistry health;
  private final ProbeServer probes;
  private final Map<String, String> payments = new ConcurrentHashMap<>();
  private final AtomicReference<PaymentFaults> faults = new AtomicReference<>(PaymentFaults.NONE);
  private final SplittableRandom random;
  private final AtomicLong captured = new AtomicLong();
  private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  private PaymentsService(String host, int port, int managementPort, long seed) throws IOException {
    this.random = new SplittableRandom(seed);
    this.executor = Executors.newFixedThreadPool(16, r -> {
      Thread t = new Thread(r, "payments-http");
      t.setDaemon(true);
      return t;
    });
    // The JDK server writes headers and body in separate segments; without TCP_NODELAY Nagle's
    // algorithm holds the body until the client's delayed ACK (~40 ms). Read once, at the first server.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    this.server = HttpServer.create(new InetSocketAddress(host, port), 256);
    server.createContext("/payments", timed(this::payments));
    server.createContext("/admin/faults", timed(this::adminFaults));
    server.setExecutor(executor);
    server.start();
    this.health = HealthRegistry.builder().build();
    health.register(HealthCheckConfig.builder("self").liveness().interval(Duration.ofSeconds(5)).build(), HealthResult::up);
    health.start();
    bindMetrics(metrics);
    this.probes = managementPort < 0 ? null
        : ProbeServer.builder(ProbeHandler.builder(health).metrics(metrics::scrape)).host(host).port(managementPort).start();
  }

  private void bindMetrics(MeterRegistry meters) {
    new HealthMetrics(health).bindTo(meters);
    Gauge.builder("payments.faults.latency", faults, f -> f.get().latency().toNanos() / 1e9).baseUnit("seconds")
        .description("Latency the demo adds to every payments request").register(meters);
    Gauge.builder("payments.faults.error.ratio", faults, f -> f.get().errorRate())
        .description("Share of payments requests the demo answers 500").register(meters);
    Gauge.builder("payments.faults.down", faults, f -> f.get().down() ? 1 : 0)
        .description("1 while the demo answers every payments request 503").register(meters);
    Gauge.builder("payments.captured", captured, AtomicLong::get)
        .description("Payments captured since start (each order once)").register(meters);
  }

  /** Records every exchange in http.server.requests, the timer heal's rules and dashboard read. */
  private HttpHandler timed(HttpHandler handler) {
    return ex -> {
      Timer.Sample sample = Timer.start(metrics);
      try {
        handler.handle(ex);
      } finally {
        int status = ex.getResponseCode();
        sample.stop(Timer.builder("http.server.requests").description("HTTP server requests")
            .tags("method", ex.getRequestMethod(), "uri", uri(ex.getRequestURI().getPath()),
                "status", Integer.toString(status),
                "outcome", status < 0 || status >= 500 ? "SERVER_ERROR" : status >= 400 ? "CLIENT_ERROR" : "SUCCESS")
            .publishPercentileHistogram().register(metrics));
      }
    };
  }

  /** Low-cardinality uri tag: templates, never an order id. */
  private static String uri(String path) {
    return switch (path) {
      case "/payments", "/payments/ping", "/admin/faults" -> path;
      default -> path.startsWith("/payments/") ? "/payments/{orderId}" : "UNKNOWN";
    };
  }

  /** The service's meters (what its {@code /metrics} serves). */
  public PrometheusMeterRegistry metrics() {
    return metrics;
  }

  public String managementUrl() {
    return probes == null ? "" : probes.baseUrl();
  }

  /** Starts the service on {@code host:port} (0 = any port); management port -1 = none. */
  public static PaymentsService start(String host, int port, int managementPort, long seed) throws IOException {
    return new PaymentsService(host, port, managementPort, seed);
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(System.getenv().getOrDefault("PAYMENTS_PORT", "8090"));
    int mgmt = Integer.parseInt(System.getenv().getOrDefault("PAYMENTS_MANAGEMENT_PORT", "8091"));
    PaymentsService s = start("0.0.0.0", port, mgmt, System.nanoTime());
    Runtime.getRuntime().addShutdownHook(new Thread(s::close));
    System.out.println("payments-service on " + s.baseUrl());
    new java.util.concurrent.CountDownLatch(1).await();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public void faults(PaymentFaults f) {
    faults.set(f);
  }

  public PaymentFaults faults() {
    return faults.get();
  }

  /** Payments captured so far (each order once). */
  public long captured() {
    return captured.get();
  }

  public boolean hasPayment(String orderId) {
    return payments.containsKey(orderId);
  }

  private void payments(HttpExchange ex) throws IOException {
    try (ex) {
      PaymentFaults f = faults.get();
      if (!f.latency().isZero()) {
        try {
          TimeUnit.NANOSECONDS.sleep(f.latency().toNanos()); // the fault itself: real added latency
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (f.down()) {
        send(ex, 503, Map.of("error", "payments unavailable"));
        return;
      }
      if (f.errorRate() > 0 && nextDouble() < f.errorRate()) {
        send(ex, 500, Map.of("error", "injected failure"));
        return;
      }
      String path = ex.getRequestURI().getPath();
      if ("GET".equals(ex.getRequestMethod()) && "/payments/ping".equals(path)) {
        send(ex, 200, Map.of("status", "UP"));
      } else if ("POST".equals(ex.getRequestMethod()) && "/payments".equals(path)) {
        JsonNode body = readJson(ex);
        if (body == null) {
          return;
        }
        JsonNode orderId = body.get("orderId");
        JsonNode amount = body.get("amount");
        if (orderId == null || !orderId.isString() || amount == null || !amount.isNumber()
            || amount.decimalValue().compareTo(BigDecimal.ZERO) <= 0) {
          send(ex, 400, Map.of("error", "orderId (string) and amount (positive number) are required"));
          return;
        }
        String id = payments.computeIfAbsent(orderId.asString(), k -> {
          captured.incrementAndGet();
          return "pay-" + UUID.randomUUID();
        });
        send(ex, 200, Map.of("paymentId", id, "orderId", orderId.asString(), "status", "CAPTURED"));
      } else if ("GET".equals(ex.getRequestMethod()) && path.startsWith("/payments/")) {
        String orderId = path.substring("/payments/".length());
        String id = payments.get(orderId);
        if (id == null) {
          send(ex, 404, Map.of("error", "no payment for order " + orderId));
        } else {
          send(ex, 200, Map.of("paymentId", id, "orderId", orderId, "status", "CAPTURED"));
        }
      } else {
        send(ex, 404, Map.of("error", "no such endpoint: " + ex.getRequestMethod() + " " + path));
      }
    }
  }

  private synchronized double nextDouble() {
    return random.nextDouble();
  }

  private void adminFaults(HttpExchange ex) throws IOException {
    try (ex) {
      if (!"POST".equals(ex.getRequestMethod())) {
        send(ex, 405, Map.of("error", "use POST"));
        return;
      }
      JsonNode body = readJson(ex);
      if (body == null) {
        return;
      }
      try {
        PaymentFaults f = new PaymentFaults(Duration.ofMillis(body.path("latencyMs").asLong(0)),
            body.path("errorRate").asDouble(0), body.path("down").asBoolean(false));
        faults.set(f);
        send(ex, 200, Map.of("latencyMs", f.latency().toMillis(), "errorRate", f.errorRate(), "down", f.down()));
      } catch (IllegalArgumentException e) {
        send(ex, 400, Map.of("error", e.getMessage()));
      }
    }
  }

  private static JsonNode readJson(HttpExchange ex) throws IOException {
    try (InputStream in = ex.getRequestBody()) {
      byte[] bytes = in.readNBytes(MAX_BODY + 1);
      if (bytes.length > MAX_BODY) {
        send(ex, 413, Map.of("error", "body over " + MAX_BODY + " bytes"));
        return null;
      }
      try {
        JsonNode node = JSON.readTree(bytes);
        if (node == null || !node.isObject()) {
          send(ex, 400, Map.of("error", "body must be a JSON object"));
          return null;
        }
        return node;
      } catch (IOException e) {
        send(ex, 400, Map.of("error", "malformed JSON"));
        return null;
      }
    }
  }

  private static void send(HttpExchange ex, int status, Map<String, ?> body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    if (probes != null) {
      probes.close();
    }
    health.close();
  }

}
