package dev.heal.core.alerts;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heal.core.healer.Healer;
import dev.heal.core.healer.Signal;
import dev.heal.core.healer.SignalSink;
import dev.heal.core.http.HttpRequest;
import dev.heal.core.http.HttpResponse;
import dev.heal.core.http.Route;
import dev.heal.core.time.HealClock;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Receives Alertmanager's webhook (payload version "4") and turns each alert into a
 * {@link Signal} with source {@link Signal#ALERT}, name = the alert's {@code alertname}, the
 * alert's labels plus {@code fingerprint} and {@code startsAt}, firing or resolved. Plans match
 * them with {@code Trigger.alert("alertname=...", "service=...")}; the healer ignores (and
 * journals) alerts no plan matches and never opens a second episode for a replayed alert.
 *
 * <p>Security and input rules: a bearer token is required (compared in constant time) — without
 * one the receiver cannot be built; bodies over the limit get 413; malformed JSON, a wrong
 * version or a wrongly typed field get 400 with a message naming the field. Every alert of a
 * payload is validated before any signal is sent, so a rejected request executes nothing.
 *
 * <p>Thread-safe.
 */
public final class AlertmanagerReceiver {
  public static final String DEFAULT_PATH = "/heal/alerts";

  private final SignalSink sink;
  private final byte[] token;
  private final int maxBodyBytes;
  private final String path;
  private final HealClock clock;
  private final ObjectMapper json;
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();

  private AlertmanagerReceiver(Builder b) {
    this.sink = b.sink;
    this.token = b.token.getBytes(StandardCharsets.UTF_8);
    this.maxBodyBytes = b.maxBodyBytes;
    this.path = b.path;
    this.clock = b.clock;
    this.json = new ObjectMapper()
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  /** A receiver sending signals to {@code sink} (usually the {@link Healer}). */
  public static Builder builder(SignalSink sink) {
    return new Builder(sink);
  }

  /** The POST route to add to a probe server. */
  public Route route() {
    return Route.post(path, maxBodyBytes, this::handle);
  }

  /** Requests accepted so far. */
  public long accepted() {
    return accepted.get();
  }

  /** Requests rejected so far (auth, size, parse). */
  public long rejected() {
    return rejected.get();
  }

  /** Handles one request: what the route calls. Never throws. */
  public HttpResponse handle(HttpRequest request) {
    String auth = request.header("authorization").orElse("");
    if (!auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      rejected.incrementAndGet();
      return HttpResponse.error(401, "missing bearer token: send 'Authorization: Bearer <token>'")
          .withHeader("WWW-Authenticate", "Bearer realm=\"heal\"");
    }
    byte[] given = auth.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(given, token)) {
      rejected.incrementAndGet();
      return HttpResponse.error(401, "invalid bearer token").withHeader("WWW-Authenticate", "Bearer realm=\"heal\", error=\"invalid_token\"");
    }
    String type = request.header("content-type").orElse("application/json");
    if (!type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      rejected.incrementAndGet();
      return HttpResponse.error(415, "Content-Type must be application/json, was '" + type + "'");
    }
    if (request.body().length > maxBodyBytes) {
      rejected.incrementAndGet();
      return HttpResponse.error(413, "body over the limit of " + maxBodyBytes + " bytes");
    }
    List<Signal> signals;
    try {
      signals = parse(request.body());
    } catch (BadPayload e) {
      rejected.incrementAndGet();
      return HttpResponse.error(400, e.getMessage());
    }
    accepted.incrementAndGet();
    int firing = 0;
    for (Signal s : signals) {
      firing += s.firing() ? 1 : 0;
      sink.accept(s);
    }
    return HttpResponse.json(202, "{\"status\":\"accepted\",\"alerts\":" + signals.size() + ",\"firing\":" + firing
        + ",\"resolved\":" + (signals.size() - firing) + "}");
  }

  /** Parses and validates a whole payload; throws before anything is sent. */
  List<Signal> parse(byte[] body) throws BadPayload {
    JsonNode root;
    try {
      root = json.readTree(body);
    } catch (JsonProcessingException e) {
      throw new BadPayload("malformed JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException | RuntimeException e) {
      throw new BadPayload("unreadable body: " + e.getClass().getSimpleName());
    }
    if (root == null || root.isMissingNode() || !root.isObject()) {
      throw new BadPayload("body must be a JSON object (Alertmanager webhook payload)");
    }
    JsonNode version = root.get("version");
    if (version == null || !version.isTextual()) {
      throw new BadPayload("field 'version' is missing or not a string; Alertmanager sends \"4\"");
    }
    if (!"4".equals(version.asText())) {
      throw new BadPayload("unsupported payload version '" + version.asText() + "'; heal accepts version \"4\"");
    }
    status(root, "status");
    text(root, "receiver", false);
    stringMap(root, "groupLabels", false);
    stringMap(root, "commonLabels", false);
    stringMap(root, "commonAnnotations", false);
    text(root, "externalURL", false);
    JsonNode alerts = root.get("alerts");
    if (alerts == null || !alerts.isArray()) {
      throw new BadPayload("field 'alerts' is missing or not an array");
    }
    if (alerts.size() > 1000) {
      throw new BadPayload("too many alerts in one payload: " + alerts.size() + " (at most 1000)");
    }
    List<Signal> out = new ArrayList<>();
    for (int i = 0; i < alerts.size(); i++) {
      JsonNode a = alerts.get(i);
      String where = "alerts[" + i + "]";
      if (!a.isObject()) {
        throw new BadPayload(where + " must be an object");
      }
      boolean firing = "firing".equals(status(a, where + ".status"));
      Map<String, String> labels = stringMap(a, "labels", true, where);
      Map<String, String> annotations = stringMap(a, "annotations", false, where);
      String startsAt = time(a, "startsAt", where, true);
      time(a, "endsAt", where, false);
      String fingerprint = text(a, "fingerprint", false, where);
      String alertname = labels.get("alertname");
      if (alertname == null || alertname.isBlank()) {
        throw new BadPayload(where + ".labels.alertname is missing");
      }
      String message = annotations.getOrDefault("summary", annotations.getOrDefault("description", alertname));
      out.add(Signal.alert(alertname, firing, labels, java.util.Optional.ofNullable(fingerprint),
          OffsetDateTime.parse(startsAt).toInstant(), "alert " + alertname + ": " + message, clock.now(),
          clock.nanoTime()));
    }
    return out;
  }

  private static String status(JsonNode node, String field) throws BadPayload {
    String name = field.contains(".") ? field.substring(field.lastIndexOf('.') + 1) : field;
    JsonNode v = node.get(name);
    if (v == null || !v.isTextual() || !("firing".equals(v.asText()) || "resolved".equals(v.asText()))) {
      throw new BadPayload("field '" + field + "' must be \"firing\" or \"resolved\"");
    }
    return v.asText();
  }

  private static String text(JsonNode node, String field, boolean required) throws BadPayload {
    return text(node, field, required, null);
  }

  private static String text(JsonNode node, String field, boolean required, String where) throws BadPayload {
    JsonNode v = node.get(field);
    String name = where == null ? field : where + "." + field;
    if (v == null || v.isNull()) {
      if (required) {
        throw new BadPayload("field '" + name + "' is missing");
      }
      return null;
    }
    if (!v.isTextual()) {
      throw new BadPayload("field '" + name + "' must be a string");
    }
    return v.asText();
  }

  private static String time(JsonNode node, String field, String where, boolean required) throws BadPayload {
    String v = text(node, field, required, where);
    if (v == null) {
      return "";
    }
    try {
      OffsetDateTime.parse(v);
    } catch (DateTimeParseException e) {
      throw new BadPayload("field '" + where + "." + field + "' is not an RFC 3339 time: '" + v + "'");
    }
    return v;
  }

  private static Map<String, String> stringMap(JsonNode node, String field, boolean required) throws BadPayload {
    return stringMap(node, field, required, null);
  }

  private static Map<String, String> stringMap(JsonNode node, String field, boolean required, String where)
      throws BadPayload {
    String name = where == null ? field : where + "." + field;
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw new BadPayload("field '" + name + "' is missing");
      }
      return Map.of();
    }
    if (!v.isObject()) {
      throw new BadPayload("field '" + name + "' must be an object of strings");
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : v.properties()) {
      if (!e.getValue().isTextual()) {
        throw new BadPayload("field '" + name + "." + e.getKey() + "' must be a string");
      }
      m.put(e.getKey(), e.getValue().asText());
    }
    return m;
  }

  /** A payload that is not a valid Alertmanager webhook. */
  static final class BadPayload extends Exception {
    private static final long serialVersionUID = 1L;

    BadPayload(String message) {
      super(message, null, false, false);
    }
  }

  /** Builds an {@link AlertmanagerReceiver}. Not thread-safe. */
  public static final class Builder {
    private final SignalSink sink;
    private String token;
    private int maxBodyBytes = 256 * 1024;
    private String path = DEFAULT_PATH;
    private HealClock clock = HealClock.system();

    private Builder(SignalSink sink) {
      this.sink = Objects.requireNonNull(sink, "sink");
    }

    /** The bearer token Alertmanager sends ({@code http_config.authorization.credentials}). Required. */
    public Builder bearerToken(String token) {
      this.token = Objects.requireNonNull(token, "token");
      return this;
    }

    /** Largest accepted body. Default 256 KiB. */
    public Builder maxBodyBytes(int max) {
      if (max < 256) {
        throw new IllegalArgumentException("maxBodyBytes must be at least 256: " + max);
      }
      this.maxBodyBytes = max;
      return this;
    }

    /** Path to serve. Default {@value #DEFAULT_PATH}. */
    public Builder path(String path) {
      this.path = Objects.requireNonNull(path, "path");
      return this;
    }

    public Builder clock(HealClock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the receiver.
     *
     * @throws IllegalStateException if no bearer token (of at least 16 characters) was set
     */
    public AlertmanagerReceiver build() {
      if (token == null || token.isBlank()) {
        throw new IllegalStateException(
            "the Alertmanager receiver needs a bearer token: call bearerToken(...) or do not enable the receiver");
      }
      if (token.length() < 16) {
        throw new IllegalStateException("bearer token is too short (" + token.length()
            + " characters); use at least 16 random characters");
      }
      return new AlertmanagerReceiver(this);
    }
  }
}
