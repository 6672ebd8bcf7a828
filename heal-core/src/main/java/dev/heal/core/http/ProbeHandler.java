package dev.heal.core.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.heal.core.health.CheckKind;
import dev.heal.core.health.CheckState;
import dev.heal.core.health.CheckThreads;
import dev.heal.core.health.HealthRegistry;
import dev.heal.core.health.HealthSnapshot;
import dev.heal.core.health.HealthStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves heal's endpoints: {@code /livez}, {@code /readyz}, {@code /startupz} (200 when UP or
 * DEGRADED, 503 when DOWN), {@code /health} (every check), optionally {@code /metrics}, and routes
 * other heal modules add. Usable on its own as a JDK {@link HttpHandler} that any framework can
 * mount, or through {@link ProbeServer}.
 *
 * <p>{@code /health} has two shapes ({@link HealthFormat}). heal's own shape is the MicroProfile
 * Health shape extended: statuses UP, DEGRADED, DOWN and UNKNOWN, and heal's fields ({@code
 * probes}, {@code kinds}, {@code lastError}, ...) next to {@code data}. The strict MicroProfile
 * Health 4.0 shape has only {@code status} and {@code checks[{name, status, data}]}, statuses UP
 * and DOWN only (DEGRADED is UP, UNKNOWN is DOWN, as the probes answer), and heal's fields inside
 * {@code data} as {@code heal_*} scalars, with the probes, overrides and extra sections in a last
 * check named {@code heal}. A request gets the strict shape when it asks {@code ?format=microprofile}
 * or accepts {@code application/health+json}, heal's shape when it asks {@code ?format=heal}, and
 * otherwise the handler's default ({@link Builder#healthFormat}, heal's shape unless set).
 *
 * <p>Probe requests never run a check: they read the registry's latest aggregate and write a
 * constant body. Unknown paths get 404, wrong methods 405 with {@code Allow}, bodies over the
 * route's limit 413; all errors are small JSON objects.
 *
 * <p>Thread-safe once built.
 */
public final class ProbeHandler implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(ProbeHandler.class);
  private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";
  private static final byte[] NO_BODY = new byte[0];

  private final HealthRegistry registry;
  private final boolean showDetails;
  private final Map<String, Route> routes;
  private final Map<String, Supplier<?>> sections;
  private final ObjectMapper json;
  private final byte[][] probeBodies;
  private final HealthFormat healthFormat;

  /**
   * The shapes {@code /health} answers in; see {@link ProbeHandler}. Chosen per request with
   * {@code ?format=heal} or {@code ?format=microprofile}.
   */
  public enum HealthFormat {
    /** heal's shape: MicroProfile Health extended with DEGRADED, UNKNOWN and heal's fields. */
    HEAL,
    /** Strict MicroProfile Health 4.0: UP/DOWN only, heal's fields inside {@code data}. */
    MICROPROFILE
  }

  private ProbeHandler(Builder b) {
    this.registry = b.registry;
    this.showDetails = Boolean.TRUE.equals(b.showDetails);
    this.sections = Map.copyOf(b.sections);
    this.healthFormat = b.healthFormat;
    this.json =
        new ObjectMapper()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    this.probeBodies = new byte[HealthStatus.values().length][];
    for (HealthStatus s : HealthStatus.values()) {
      probeBodies[s.ordinal()] =
          ("{\"status\":\"" + s.name() + "\"}").getBytes(StandardCharsets.US_ASCII);
    }
    Map<String, Route> r = new LinkedHashMap<>();
    for (CheckKind kind : CheckKind.values()) {
      r.put(kind.path(), Route.get(kind.path(), req -> probe(kind)));
    }
    r.put("/health", Route.get("/health", this::health));
    if (b.metrics != null) {
      Supplier<String> scrape = b.metrics;
      r.put(
          "/metrics",
          Route.get(
              "/metrics",
              req ->
                  new HttpResponse(
                      200, PROMETHEUS, scrape.get().getBytes(StandardCharsets.UTF_8), Map.of())));
    }
    for (Route route : b.routes) {
      if (r.putIfAbsent(route.path(), route) != null) {
        throw new IllegalArgumentException("two routes for path " + route.path());
      }
    }
    this.routes = Map.copyOf(r);
  }

  /** A builder serving {@code registry}'s state. */
  public static Builder builder(HealthRegistry registry) {
    return new Builder(registry);
  }

  /** The paths this handler serves. */
  public java.util.Set<String> paths() {
    return new TreeSet<>(routes.keySet());
  }

  private HttpResponse probe(CheckKind kind) {
    HealthStatus s = registry.status(kind);
    return new HttpResponse(s.isPassing() ? 200 : 503, HttpResponse.JSON, probeBodies[s.ordinal()], Map.of());
  }

  private HttpResponse health(HttpRequest request) throws IOException {
    String format = queryParameter(request.query(), "format");
    HealthFormat f;
    if (format == null) {
      f = request.header("Accept").filter(ProbeHandler::acceptsHealthJson).isPresent()
          ? HealthFormat.MICROPROFILE : healthFormat;
    } else {
      f = switch (format.toLowerCase(Locale.ROOT)) {
        case "heal" -> HealthFormat.HEAL;
        case "microprofile" -> HealthFormat.MICROPROFILE;
        default -> null;
      };
      if (f == null) {
        return HttpResponse.error(400, "unknown format '" + format
            + "' for /health; use format=heal or format=microprofile");
      }
    }
    HttpResponse r = f == HealthFormat.HEAL ? healShape() : microProfileShape();
    return r.withHeader("Vary", "Accept");
  }

  private static boolean acceptsHealthJson(String accept) {
    for (String part : accept.split(",")) {
      int semi = part.indexOf(';');
      String type = (semi < 0 ? part : part.substring(0, semi)).trim();
      if (type.equalsIgnoreCase("application/health+json")) {
        return true;
      }
    }
    return false;
  }

  /** The value of {@code name} in a raw query string (null or empty for none), decoded; null when absent. */
  private static String queryParameter(String query, String name) {
    if (query == null || query.isEmpty()) {
      return null;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      if (URLDecoder.decode(k, StandardCharsets.UTF_8).equals(name)) {
        return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  /** One check in the strict MicroProfile shape; {@code data} omitted when empty. */
  record MicroProfileCheck(
      String name, String status, @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Object> data) {}

  /** The strict MicroProfile Health body. */
  record MicroProfileHealth(String status, List<MicroProfileCheck> checks) {}

  private static String upOrDown(HealthStatus s) {
    return s.isPassing() ? "UP" : "DOWN";
  }

  private HttpResponse microProfileShape() throws IOException {
    HealthSnapshot snap = registry.snapshot();
    HealthStatus overall = snap.overall();
    List<MicroProfileCheck> checks = new ArrayList<>();
    for (CheckState c : snap.checks()) {
      Map<String, Object> data = new LinkedHashMap<>();
      if (showDetails) {
        c.lastResult().ifPresent(r -> r.details().forEach((k, v) -> putScalar(data, k, v)));
        data.put("heal_status", c.status().name());
        data.put("heal_kinds", String.join(",",
            c.config().kinds().stream().map(k -> k.name().toLowerCase(Locale.ROOT)).toList()));
        data.put("heal_critical", c.config().critical());
        c.lastResult().ifPresent(r -> data.put("heal_last_result", r.status().name()));
        c.lastError().ifPresent(e -> data.put("heal_last_error", e));
        c.lastDuration().ifPresent(d -> data.put("heal_last_duration_ms", d.toNanos() / 1e6));
        c.lastRunAt().ifPresent(t -> data.put("heal_last_run_at", t.toString()));
        data.put("heal_last_change_at", c.lastChangeAt().toString());
        data.put("heal_consecutive_failures", c.consecutiveFailures());
        data.put("heal_consecutive_successes", c.consecutiveSuccesses());
        if (!c.config().tags().isEmpty()) {
          data.put("heal_tags", String.join(",", c.config().tags()));
        }
        c.waiting().ifPresent(w -> data.put("heal_waiting", w));
      }
      checks.add(new MicroProfileCheck(c.name(), upOrDown(c.status()), data));
    }
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("heal_status", overall.name());
    for (CheckKind k : CheckKind.values()) {
      summary.put("heal_" + k.name().toLowerCase(Locale.ROOT), snap.status(k).name());
    }
    if (showDetails) {
      snap.overrides().forEach((k, v) ->
          putScalar(summary, "heal_override_" + k.name().toLowerCase(Locale.ROOT), v));
      CheckThreads t = snap.threads();
      summary.put("heal_check_threads", t.threads());
      summary.put("heal_check_threads_max_abandoned", t.maxAbandoned());
      summary.put("heal_check_threads_running", t.running());
      summary.put("heal_check_threads_waiting", t.waiting());
      summary.put("heal_check_threads_hung", t.hung());
      summary.put("heal_check_threads_abandoned", t.abandoned());
      summary.put("heal_check_threads_replaced", t.replaced());
      for (Map.Entry<String, Supplier<?>> s : sections.entrySet()) {
        putScalar(summary, "heal_" + s.getKey(), s.getValue().get());
      }
    }
    checks.add(new MicroProfileCheck("heal", upOrDown(overall), summary));
    return HttpResponse.json(overall.isPassing() ? 200 : 503,
        json.writeValueAsBytes(new MicroProfileHealth(upOrDown(overall), checks)));
  }

  /** MicroProfile data values are strings, numbers or booleans: anything else goes as JSON text. */
  private void putScalar(Map<String, Object> data, String key, Object value) {
    if (value == null) {
      return;
    }
    if (value instanceof String || value instanceof Number || value instanceof Boolean) {
      data.put(key, value);
    } else {
      try {
        data.put(key, json.writeValueAsString(value));
      } catch (IOException e) {
        data.put(key, String.valueOf(value));
      }
    }
  }

  private HttpResponse healShape() throws IOException {
    HealthSnapshot snap = registry.snapshot();
    Map<String, Object> body = new LinkedHashMap<>();
    HealthStatus overall = snap.overall();
    body.put("status", overall.name());
    Map<String, String> probes = new LinkedHashMap<>();
    for (CheckKind k : CheckKind.values()) {
      probes.put(k.name().toLowerCase(Locale.ROOT), snap.status(k).name());
    }
    body.put("probes", probes);
    List<Map<String, Object>> checks = new ArrayList<>();
    for (CheckState c : snap.checks()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", c.name());
      m.put("status", c.status().name());
      if (showDetails) {
        m.put("data", c.lastResult().map(r -> (Object) r.details()).orElse(Map.of()));
        m.put("kinds", c.config().kinds().stream().map(k -> k.name().toLowerCase(Locale.ROOT)).toList());
        m.put("critical", c.config().critical());
        m.put("lastResult", c.lastResult().map(r -> r.status().name()).orElse(null));
        m.put("lastError", c.lastError().orElse(null));
        m.put("lastDurationMs", c.lastDuration().map(d -> d.toNanos() / 1e6).orElse(null));
        m.put("lastRunAt", c.lastRunAt().map(Object::toString).orElse(null));
        m.put("lastChangeAt", c.lastChangeAt().toString());
        m.put("consecutiveFailures", c.consecutiveFailures());
        m.put("consecutiveSuccesses", c.consecutiveSuccesses());
        m.put("tags", c.config().tags());
        c.waiting().ifPresent(w -> m.put("waiting", w));
      }
      checks.add(m);
    }
    body.put("checks", checks);
    if (showDetails) {
      Map<String, Object> overrides = new LinkedHashMap<>();
      snap.overrides().forEach((k, v) -> overrides.put(k.name().toLowerCase(Locale.ROOT), v));
      body.put("overrides", overrides);
      body.put("checkThreads", snap.threads());
      for (Map.Entry<String, Supplier<?>> s : sections.entrySet()) {
        body.put(s.getKey(), s.getValue().get());
      }
    }
    return HttpResponse.json(overall.isPassing() ? 200 : 503, json.writeValueAsBytes(body));
  }

  /**
   * Handles one request without an {@link HttpExchange}: routing, method and size checks, then the
   * endpoint. What the JDK server path and tests both call.
   *
   * @param contentLength the declared body length, or -1 when not declared
   */
  public HttpResponse dispatch(String method, String path, String query,
      Map<String, List<String>> headers, InputStream body, long contentLength) throws IOException {
    Route route = routes.get(path);
    if (route == null) {
      return HttpResponse.error(404, "no such path: " + path + "; heal serves " + paths());
    }
    String m = method.toUpperCase(Locale.ROOT);
    if (!route.methods().contains(m)) {
      String allow = String.join(", ", new TreeSet<>(route.methods()));
      return HttpResponse.error(405, "method " + m + " is not allowed on " + path + "; use " + allow)
          .withHeader("Allow", allow);
    }
    if (contentLength > route.maxBodyBytes()) {
      return tooLarge(route, contentLength + " bytes");
    }
    byte[] bytes;
    if (contentLength == 0) {
      bytes = NO_BODY;
    } else {
      // Probe requests have no body: one read tells, without allocating a buffer.
      int first = body.read();
      if (first < 0) {
        bytes = NO_BODY;
      } else {
        byte[] rest = body.readNBytes(route.maxBodyBytes());
        if (rest.length + 1 > route.maxBodyBytes()) {
          return tooLarge(route, "more than " + route.maxBodyBytes() + " bytes");
        }
        bytes = new byte[rest.length + 1];
        bytes[0] = (byte) first;
        System.arraycopy(rest, 0, bytes, 1, rest.length);
      }
    }
    return call(route, new HttpRequest(m, path, query, headers, bytes));
  }

  private static HttpResponse tooLarge(Route route, String size) {
    return HttpResponse.error(413, "request body of " + size + " is over the limit of "
        + route.maxBodyBytes() + " bytes for " + route.path());
  }

  private static HttpResponse call(Route route, HttpRequest request) {
    try {
      HttpResponse r = route.endpoint().handle(request);
      return Objects.requireNonNull(r, "endpoint returned null");
    } catch (Exception | LinkageError e) {
      log.warn("heal: endpoint {} failed", route.path(), e);
      return HttpResponse.error(500, "internal error in " + route.path() + "; see the service log");
    }
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      HttpResponse response;
      String cl = exchange.getRequestHeaders().getFirst("Content-Length");
      long contentLength = -1;
      boolean badLength = false;
      if (cl != null) {
        try {
          contentLength = Long.parseLong(cl.trim());
        } catch (NumberFormatException e) {
          badLength = true;
        }
      }
      if (badLength) {
        response = HttpResponse.error(400, "Content-Length is not a number: " + cl);
      } else {
        // The JDK's Headers look names up case-insensitively; a read-only view, not a copy.
        Map<String, List<String>> headers = Collections.unmodifiableMap(exchange.getRequestHeaders());
        String query = exchange.getRequestURI().getRawQuery();
        response = dispatch(method, exchange.getRequestURI().getRawPath(), query == null ? "" : query,
            headers, exchange.getRequestBody(), contentLength);
      }
      send(exchange, method, response);
    }
  }

  private static void send(HttpExchange exchange, String method, HttpResponse r) throws IOException {
    var h = exchange.getResponseHeaders();
    h.set("Content-Type", r.contentType());
    h.set("Cache-Control", "no-store");
    r.headers().forEach(h::set);
    if ("HEAD".equalsIgnoreCase(method)) {
      exchange.sendResponseHeaders(r.status(), -1);
      return;
    }
    exchange.sendResponseHeaders(r.status(), r.body().length == 0 ? -1 : r.body().length);
    if (r.body().length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(r.body());
      }
    }
  }

  /** Builds a {@link ProbeHandler}. Not thread-safe. */
  public static final class Builder {
    private final HealthRegistry registry;
    private Boolean showDetails;
    private HealthFormat healthFormat = HealthFormat.HEAL;
    private Supplier<String> metrics;
    private final List<Route> routes = new ArrayList<>();
    private final Map<String, Supplier<?>> sections = new LinkedHashMap<>();

    private Builder(HealthRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /**
     * Whether {@code /health} shows check details, errors and extra sections. Default false for a
     * handler mounted into an application's public port; {@link ProbeServer} (the management port)
     * turns it on unless told otherwise.
     */
    public Builder showDetails(boolean showDetails) {
      this.showDetails = showDetails;
      return this;
    }

    /**
     * The shape {@code /health} answers in when the request does not choose one (with {@code
     * ?format=} or by accepting {@code application/health+json}). Default {@link
     * HealthFormat#HEAL}; {@link HealthFormat#MICROPROFILE} for a strict MicroProfile Health
     * consumer that asks for neither.
     */
    public Builder healthFormat(HealthFormat format) {
      this.healthFormat = Objects.requireNonNull(format, "format");
      return this;
    }

    /**
     * Serves {@code /metrics} in the Prometheus text format, e.g.
     * {@code .metrics(prometheusRegistry::scrape)}.
     */
    public Builder metrics(Supplier<String> scrape) {
      this.metrics = Objects.requireNonNull(scrape, "scrape");
      return this;
    }

    /** Adds an endpoint (the journal, the Alertmanager receiver, your own). */
    public Builder route(Route route) {
      routes.add(Objects.requireNonNull(route, "route"));
      return this;
    }

    /** Adds a top-level section to {@code /health} (shown with details only). */
    public Builder healthSection(String name, Supplier<?> value) {
      sections.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Used by {@link ProbeServer}: details on, unless {@link #showDetails} said otherwise. */
    Builder showDetailsUnlessSet(boolean value) {
      if (showDetails == null) {
        showDetails = value;
      }
      return this;
    }

    public ProbeHandler build() {
      return new ProbeHandler(this);
    }
  }
}
