package dev.heal.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.heal.core.health.CheckKind;
import dev.heal.core.health.CheckState;
import dev.heal.core.health.CheckThreads;
import dev.heal.core.health.HealthRegistry;
import dev.heal.core.health.HealthSnapshot;
import dev.heal.core.health.HealthStatus;
import dev.heal.http.internal.Echo;
import dev.heal.http.internal.Json;
import dev.heal.http.internal.Tokens;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.node.ObjectNode;

/**
 * Serves heal's endpoints, independent of any HTTP server: {@code /livez}, {@code /readyz},
 * {@code /startupz} (200 when UP or DEGRADED, 503 when DOWN), {@code /health} (every check),
 * optionally {@code /metrics}, and routes other parts of heal add ({@code /heal/episodes}, the
 * Alertmanager intake). {@link ProbeServer} serves it on Jetty; any other server can mount it
 * through {@link #prepare} and {@link Exchange#complete} (non-blocking servers) or {@link
 * #dispatch} (blocking ones).
 *
 * <p>Order of checks for every request: path (404), method (405 with {@code Allow}), read access
 * for {@code /heal/*} (401/403), the route's gate from headers alone (e.g. the intake's 401 and
 * 415), the declared size (413); only then is the body read, at most the route's limit (413 past
 * it), and the endpoint called. Probe requests never run a check and never read a body: they read
 * the registry's latest aggregate and answer a constant body. Errors are small JSON objects that
 * quote at most 256 bytes of the request.
 *
 * <p><b>Access.</b> {@code GET /heal/*} (the journal) and {@code /health}'s details are reads
 * that may need a token: with {@link Builder#readToken} set they need {@code Authorization:
 * Bearer <token>}; with {@link Builder#anonymousReads} on they need nothing. A handler built
 * alone has anonymous reads off; {@link ProbeServer} turns them on only when it binds a loopback
 * address. Without access {@code /health} still answers every status, without details.
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
 * <p>Thread-safe once built.
 */
public final class ProbeHandler {
  private static final Logger log = LoggerFactory.getLogger(ProbeHandler.class);
  private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";
  private static final byte[] NO_BODY = new byte[0];

  private final HealthRegistry registry;
  private final boolean showDetails;
  private final boolean anonymousReads;
  private final byte[] readToken;
  private final Map<String, Route> routes;
  private final Map<String, Supplier<?>> sections;
  /** The answered exchange for each probe and status: a probe request allocates nothing here. */
  private final Exchange[][] probeExchanges;
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
    this.anonymousReads = Boolean.TRUE.equals(b.anonymousReads);
    this.readToken = b.readToken == null ? null : Tokens.configured(b.readToken, "the read token of heal's endpoints");
    this.sections = Map.copyOf(b.sections);
    this.healthFormat = b.healthFormat;
    this.probeExchanges = new Exchange[CheckKind.values().length][HealthStatus.values().length];
    for (CheckKind k : CheckKind.values()) {
      for (HealthStatus s : HealthStatus.values()) {
        byte[] body = ("{\"status\":\"" + s.name() + "\"}").getBytes(StandardCharsets.US_ASCII);
        probeExchanges[k.ordinal()][s.ordinal()] =
            new Exchange(HttpResponse.json(s.isPassing() ? 200 : 503, body), null, null);
      }
    }
    Map<String, Route> r = new LinkedHashMap<>();
    r.put("/health", Route.get("/health", this::health));
    if (b.metrics != null) {
      Supplier<String> scrape = b.metrics;
      r.put("/metrics", Route.get("/metrics",
          req -> new HttpResponse(200, PROMETHEUS, scrape.get().getBytes(StandardCharsets.UTF_8), Map.of())));
    }
    for (Route route : b.routes) {
      if (r.putIfAbsent(route.path(), route) != null || probeKind(route.path()) != null) {
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
  public Set<String> paths() {
    TreeSet<String> all = new TreeSet<>(routes.keySet());
    for (CheckKind k : CheckKind.values()) {
      all.add(k.path());
    }
    return all;
  }

  /** Whether {@code path} is one of the probes ({@code /livez /readyz /startupz}). */
  public static boolean isProbe(String path) {
    return probeKind(path) != null;
  }

  private static CheckKind probeKind(String path) {
    for (CheckKind k : CheckKind.values()) {
      if (k.path().equals(path)) {
        return k;
      }
    }
    return null;
  }

  /**
   * One request after its head: either answered already ({@link #answer()}: probes, refusals),
   * or waiting for a body of at most {@link #bodyLimit()} bytes before {@link #complete} runs the
   * endpoint. Probe answers are computed without blocking; {@link #complete} may run user code
   * (metrics scrapes, health sections, the intake's sink) and belongs on a worker thread.
   * Immutable; an answered exchange (a probe's, for one) may be shared by many requests.
   */
  public final class Exchange {
    private final HttpResponse answer;
    private final Route route;
    private final HttpRequest head;

    private Exchange(HttpResponse answer, Route route, HttpRequest head) {
      this.answer = answer;
      this.route = route;
      this.head = head;
    }

    /** The response, when it needs no body and no endpoint call. */
    public Optional<HttpResponse> answer() {
      return Optional.ofNullable(answer);
    }

    /** The most body bytes {@link #complete} accepts. */
    public int bodyLimit() {
      return route == null ? 0 : route.maxBodyBytes();
    }

    /** The response to a body that went over {@link #bodyLimit()} while being read. */
    public HttpResponse tooLarge() {
      return ProbeHandler.tooLarge(route, "more than " + bodyLimit() + " bytes");
    }

    /**
     * Runs the endpoint with the body read (at most {@link #bodyLimit()} bytes).
     *
     * @throws IllegalStateException if the exchange was answered already
     */
    public HttpResponse complete(byte[] body) {
      if (answer != null) {
        throw new IllegalStateException("this request was answered from its head: " + answer.status());
      }
      if (body.length > route.maxBodyBytes()) {
        return tooLarge();
      }
      return call(route, head.withBody(body));
    }
  }

  /**
   * Judges a request from its head: routing, method, read access, the route's gate and the
   * declared size. Never blocks and never runs user code beyond the route's gate.
   *
   * @param contentLength the declared body length, or -1 when not declared (chunked or none)
   */
  public Exchange prepare(String method, String path, String query, HttpRequest.Headers headers,
      long contentLength) {
    CheckKind kind = probeKind(path);
    String m = method.toUpperCase(Locale.ROOT);
    if (kind != null && (m.equals("GET") || m.equals("HEAD"))) {
      return probeExchanges[kind.ordinal()][registry.status(kind).ordinal()];
    }
    if (kind != null) {
      return new Exchange(notAllowed(m, path, Set.of("GET", "HEAD")), null, null);
    }
    Route route = routes.get(path);
    if (route == null) {
      return new Exchange(HttpResponse.error(404, "no such path: " + Echo.of(path) + "; heal serves " + paths()),
          null, null);
    }
    if (!route.methods().contains(m)) {
      return new Exchange(notAllowed(m, path, route.methods()), null, null);
    }
    HttpRequest head = new HttpRequest(m, path, query, headers, NO_BODY);
    if (route.readOnly() && path.startsWith("/heal/")) {
      Optional<HttpResponse> refused = refuseRead(headers);
      if (refused.isPresent()) {
        return new Exchange(refused.get(), null, null);
      }
    }
    Optional<HttpResponse> gated;
    try {
      gated = route.gate().check(head);
    } catch (RuntimeException | LinkageError e) {
      log.warn("heal: the gate of {} failed", route.path(), e);
      gated = Optional.of(HttpResponse.error(500, "internal error in " + route.path() + "; see the service log"));
    }
    if (gated.isPresent()) {
      return new Exchange(gated.get(), null, null);
    }
    if (contentLength > route.maxBodyBytes()) {
      return new Exchange(tooLarge(route, contentLength + " bytes"), null, null);
    }
    return new Exchange(null, route, head);
  }

  private static HttpResponse notAllowed(String m, String path, Set<String> methods) {
    String allow = String.join(", ", new TreeSet<>(methods));
    return HttpResponse.error(405, "method " + Echo.of(m) + " is not allowed on " + path + "; use " + allow)
        .withHeader("Allow", allow);
  }

  /** Whether the request may see reads ({@code /heal/*}, details); empty when it may. */
  private Optional<HttpResponse> refuseRead(HttpRequest.Headers headers) {
    if (anonymousReads) {
      return Optional.empty();
    }
    if (readToken == null) {
      return Optional.of(HttpResponse.error(403, "heal's journal is not open to anonymous reads on this server:"
          + " configure a read token (readToken) and send 'Authorization: Bearer <token>',"
          + " or allow anonymous reads (anonymousReads(true)) on a trusted network"));
    }
    byte[] given = Tokens.bearer(headers.first("Authorization").orElse(null));
    if (given == null) {
      return Optional.of(HttpResponse.error(401, "missing bearer token: send 'Authorization: Bearer <read token>'")
          .withHeader("WWW-Authenticate", "Bearer realm=\"heal\""));
    }
    if (!Tokens.matches(readToken, given)) {
      return Optional.of(HttpResponse.error(401, "invalid bearer token")
          .withHeader("WWW-Authenticate", "Bearer realm=\"heal\", error=\"invalid_token\""));
    }
    return Optional.empty();
  }

  /**
   * Handles one request read by a blocking server: {@link #prepare}, then at most the route's
   * limit of body bytes (plus one, to tell an oversized body), then the endpoint. The body stream
   * is not read at all when the head decides.
   *
   * @param contentLength the declared body length, or -1 when not declared
   */
  public HttpResponse dispatch(String method, String path, String query, HttpRequest.Headers headers,
      InputStream body, long contentLength) throws IOException {
    Exchange x = prepare(method, path, query, headers, contentLength);
    if (x.answer().isPresent()) {
      return x.answer().get();
    }
    byte[] bytes;
    if (contentLength == 0) {
      bytes = NO_BODY;
    } else {
      bytes = body.readNBytes(x.bodyLimit() + 1);
      if (bytes.length > x.bodyLimit()) {
        return x.tooLarge();
      }
    }
    return x.complete(bytes);
  }

  /** Handles a whole request already in memory (tests, other servers). */
  public HttpResponse handle(HttpRequest request) {
    Exchange x = prepare(request.method(), request.path(), request.query(), request.headers(),
        request.body().length);
    return x.answer().orElseGet(() -> x.complete(request.body()));
  }

  private HttpResponse health(HttpRequest request) {
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
        return HttpResponse.error(400, "unknown format '" + Echo.of(format)
            + "' for /health; use format=heal or format=microprofile");
      }
    }
    boolean details = showDetails && refuseRead(request.headers()).isEmpty();
    HttpResponse r = f == HealthFormat.HEAL ? healShape(details) : microProfileShape(details);
    return r.withHeader("Vary", "Accept, Authorization");
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
  static String queryParameter(String query, String name) {
    if (query == null || query.isEmpty()) {
      return null;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      try {
        if (URLDecoder.decode(k, StandardCharsets.UTF_8).equals(name)) {
          return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        }
      } catch (IllegalArgumentException e) {
        // A malformed %-escape in another parameter: not the one asked for.
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

  private HttpResponse microProfileShape(boolean showDetails) {
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
        Json.MAPPER.writeValueAsBytes(new MicroProfileHealth(upOrDown(overall), checks)));
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
        data.put(key, Json.MAPPER.writeValueAsString(value));
      } catch (JacksonException e) {
        data.put(key, String.valueOf(value));
      }
    }
  }

  /** A check in heal's shape without details. */
  record CheckBrief(String name, String status) {}

  /** A check in heal's shape with details; {@code waiting} only while it waits for a thread. */
  record CheckDetail(
      String name, String status, Map<String, Object> data, List<String> kinds, boolean critical,
      String lastResult, String lastError, Double lastDurationMs, String lastRunAt, String lastChangeAt,
      int consecutiveFailures, int consecutiveSuccesses, Set<String> tags,
      @JsonInclude(JsonInclude.Include.NON_NULL) String waiting) {}

  /** heal's {@code /health} body; overrides and check threads only with details. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record HealHealth(String status, Map<String, String> probes, List<Object> checks,
      Map<String, Object> overrides, CheckThreads checkThreads) {}

  private static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  private HttpResponse healShape(boolean showDetails) {
    HealthSnapshot snap = registry.snapshot();
    HealthStatus overall = snap.overall();
    Map<String, String> probes = new LinkedHashMap<>();
    for (CheckKind k : CheckKind.values()) {
      probes.put(lower(k), snap.status(k).name());
    }
    List<Object> checks = new ArrayList<>();
    for (CheckState c : snap.checks()) {
      if (!showDetails) {
        checks.add(new CheckBrief(c.name(), c.status().name()));
        continue;
      }
      checks.add(new CheckDetail(c.name(), c.status().name(),
          c.lastResult().map(r -> (Map<String, Object>) new LinkedHashMap<String, Object>(r.details())).orElse(Map.of()),
          c.config().kinds().stream().map(ProbeHandler::lower).toList(),
          c.config().critical(),
          c.lastResult().map(r -> r.status().name()).orElse(null),
          c.lastError().orElse(null),
          c.lastDuration().map(d -> d.toNanos() / 1e6).orElse(null),
          c.lastRunAt().map(Object::toString).orElse(null),
          c.lastChangeAt().toString(),
          c.consecutiveFailures(), c.consecutiveSuccesses(),
          c.config().tags(),
          c.waiting().orElse(null)));
    }
    Map<String, Object> overrides = null;
    if (showDetails) {
      overrides = new LinkedHashMap<>();
      for (var e : snap.overrides().entrySet()) {
        overrides.put(lower(e.getKey()), e.getValue());
      }
    }
    HealHealth body = new HealHealth(overall.name(), probes, checks, overrides, showDetails ? snap.threads() : null);
    byte[] bytes;
    if (showDetails && !sections.isEmpty()) {
      ObjectNode tree = Json.MAPPER.valueToTree(body);
      for (Map.Entry<String, Supplier<?>> s : sections.entrySet()) {
        tree.set(s.getKey(), Json.MAPPER.valueToTree(s.getValue().get()));
      }
      bytes = Json.MAPPER.writeValueAsBytes(tree);
    } else {
      bytes = Json.MAPPER.writeValueAsBytes(body);
    }
    return HttpResponse.json(overall.isPassing() ? 200 : 503, bytes);
  }

  static HttpResponse tooLarge(Route route, String size) {
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

  /** Builds a {@link ProbeHandler}. Not thread-safe. */
  public static final class Builder {
    private final HealthRegistry registry;
    private Boolean showDetails;
    private Boolean anonymousReads;
    private String readToken;
    private HealthFormat healthFormat = HealthFormat.HEAL;
    private Supplier<String> metrics;
    private final List<Route> routes = new ArrayList<>();
    private final Map<String, Supplier<?>> sections = new LinkedHashMap<>();

    private Builder(HealthRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /**
     * Whether {@code /health} shows check details, errors and extra sections (to requests with
     * read access). Default false for a handler mounted into an application's public port;
     * {@link ProbeServer} (the management port) turns it on unless told otherwise.
     */
    public Builder showDetails(boolean showDetails) {
      this.showDetails = showDetails;
      return this;
    }

    /**
     * The token that grants reads ({@code GET /heal/*}, {@code /health} details), sent as
     * {@code Authorization: Bearer <token>}. Trimmed of surrounding whitespace (as a Secret file
     * written with {@code echo} ends in a newline); at least 16 characters after that, checked
     * when the handler is built. Default none. Separate from the Alertmanager intake's token.
     */
    public Builder readToken(String token) {
      this.readToken = Objects.requireNonNull(token, "token");
      return this;
    }

    /**
     * Whether reads need no token. Default false for a handler built alone; {@link ProbeServer}
     * sets it true when it binds a loopback address and false otherwise, unless set here.
     */
    public Builder anonymousReads(boolean anonymous) {
      this.anonymousReads = anonymous;
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
     * {@code .metrics(prometheusRegistry::scrape)}. Open to anonymous scrapes.
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

    /** Used by {@link ProbeServer}: details on and anonymous reads per bind, unless set. */
    Builder defaultsForServer(boolean details, boolean anonymous) {
      if (showDetails == null) {
        showDetails = details;
      }
      if (anonymousReads == null) {
        anonymousReads = anonymous;
      }
      return this;
    }

    /**
     * Builds the handler.
     *
     * @throws IllegalArgumentException if two routes share a path
     * @throws IllegalStateException if the read token is shorter than 16 characters after trimming
     */
    public ProbeHandler build() {
      return new ProbeHandler(this);
    }
  }
}
