package dev.heal.http;

import dev.heal.core.healer.Healer;
import dev.heal.core.healer.Signal;
import dev.heal.core.healer.SignalSink;
import dev.heal.core.time.HealClock;
import dev.heal.http.internal.AlertmanagerPayload;
import dev.heal.http.internal.AlertmanagerSchema;
import dev.heal.http.internal.Echo;
import dev.heal.http.internal.Json;
import dev.heal.http.internal.Tokens;
import dev.heal.http.internal.Utf8;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Receives Alertmanager's webhook (payload version "4") and turns each alert into a
 * {@link Signal} with source {@link Signal#ALERT}, name = the alert's {@code alertname}, the
 * alert's labels, firing or resolved. Plans match them with {@code Trigger.alert("alertname=...",
 * "service=...")}; the healer ignores (and journals) alerts no plan matches and never opens a
 * second episode for a replayed alert.
 *
 * <p>Intake order, so a request that fails a check executes nothing and costs little:
 * <ol>
 *   <li>authentication from the headers, before any body byte is read: {@code Authorization:
 *       Bearer <token>}, compared in constant time as UTF-8 bytes (401);
 *   <li>Content-Type exactly {@code application/json}, optionally {@code charset=utf-8} (415);
 *   <li>size: at most {@link Builder#maxBodyBytes} (413);
 *   <li>strict UTF-8: malformed, overlong, surrogate and out-of-range sequences are rejected
 *       naming the byte offset (400);
 *   <li>the schema of Alertmanager's v4 payload: a wrongly typed, null or missing field is
 *       rejected naming it (400). Every alert is validated before any signal is sent.
 * </ol>
 *
 * <p>The token is trimmed exactly as Alertmanager trims its {@code credentials_file} (Unicode
 * whitespace at both ends), so a Secret written with {@code echo} works, and must keep at least
 * 16 characters after that, or the receiver cannot be built. Alert annotations (which may hold
 * anything a rule author wrote) stay out of signals, episodes and logs unless allow-listed with
 * {@link Builder#exposeAnnotations}.
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
  private final List<String> exposedAnnotations;
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();

  private AlertmanagerReceiver(Builder b, byte[] token) {
    this.sink = b.sink;
    this.token = token;
    this.maxBodyBytes = b.maxBodyBytes;
    this.path = b.path;
    this.clock = b.clock;
    this.exposedAnnotations = List.copyOf(b.exposedAnnotations);
  }

  /** A receiver sending signals to {@code sink} (usually the {@link Healer}). */
  public static Builder builder(SignalSink sink) {
    return new Builder(sink);
  }

  /** The POST route to add to a probe handler: its gate authenticates before the body is read. */
  public Route route() {
    return Route.post(path, maxBodyBytes, this::gate, this::intake);
  }

  /** Requests accepted so far. */
  public long accepted() {
    return accepted.get();
  }

  /** Requests rejected so far (auth, type, size, encoding, schema). */
  public long rejected() {
    return rejected.get();
  }

  /** Handles one whole request: the gate, then the body. Never throws. */
  public HttpResponse handle(HttpRequest request) {
    return gate(request).orElseGet(() -> intake(request));
  }

  /** The checks made from the head alone: authentication, then Content-Type. */
  Optional<HttpResponse> gate(HttpRequest head) {
    byte[] given = Tokens.bearer(head.header("Authorization").orElse(null));
    if (given == null) {
      rejected.incrementAndGet();
      return Optional.of(HttpResponse.error(401, "missing bearer token: send 'Authorization: Bearer <token>'")
          .withHeader("WWW-Authenticate", "Bearer realm=\"heal\""));
    }
    if (!Tokens.matches(token, given)) {
      rejected.incrementAndGet();
      return Optional.of(HttpResponse.error(401, "invalid bearer token")
          .withHeader("WWW-Authenticate", "Bearer realm=\"heal\", error=\"invalid_token\""));
    }
    Optional<String> type = head.header("Content-Type");
    if (type.isEmpty() || !isJsonUtf8(type.get())) {
      rejected.incrementAndGet();
      return Optional.of(HttpResponse.error(415, "Content-Type must be application/json (optionally with"
          + " charset=utf-8), was " + type.map(t -> "'" + Echo.of(t) + "'").orElse("missing")));
    }
    return Optional.empty();
  }

  /** {@code application/json} with at most one parameter, {@code charset=utf-8}. */
  static boolean isJsonUtf8(String contentType) {
    String[] parts = contentType.split(";", -1);
    if (!parts[0].strip().equalsIgnoreCase("application/json")) {
      return false;
    }
    if (parts.length == 1) {
      return true;
    }
    if (parts.length > 2) {
      return false;
    }
    String p = parts[1].strip();
    int eq = p.indexOf('=');
    if (eq < 0 || !p.substring(0, eq).strip().equalsIgnoreCase("charset")) {
      return false;
    }
    String v = p.substring(eq + 1).strip();
    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
      v = v.substring(1, v.length() - 1);
    }
    return v.equalsIgnoreCase("utf-8");
  }

  /** The body checks: size, strict UTF-8, schema; then the signals. */
  private HttpResponse intake(HttpRequest request) {
    byte[] body = request.body();
    if (body.length > maxBodyBytes) {
      rejected.incrementAndGet();
      return HttpResponse.error(413, "body over the limit of " + maxBodyBytes + " bytes");
    }
    List<Signal> signals;
    try {
      signals = signals(AlertmanagerSchema.parse(Utf8.decode(body)));
    } catch (Utf8.Malformed e) {
      rejected.incrementAndGet();
      return HttpResponse.error(400, e.getMessage());
    } catch (AlertmanagerSchema.Invalid e) {
      rejected.incrementAndGet();
      return HttpResponse.error(400, e.getMessage());
    }
    accepted.incrementAndGet();
    int firing = 0;
    for (Signal s : signals) {
      firing += s.firing() ? 1 : 0;
      sink.accept(s);
    }
    return HttpResponse.json(202,
        Json.MAPPER.writeValueAsBytes(new Accepted("accepted", signals.size(), firing, signals.size() - firing)));
  }

  /** The answer to an accepted payload. */
  record Accepted(String status, int alerts, int firing, int resolved) {}

  /** The signals of a validated payload, in order. */
  List<Signal> signals(AlertmanagerPayload payload) {
    List<Signal> out = new ArrayList<>(payload.alerts().size());
    for (AlertmanagerPayload.Alert a : payload.alerts()) {
      String alertname = a.labels().get("alertname");
      StringBuilder message = new StringBuilder("alert ").append(alertname);
      for (String name : exposedAnnotations) {
        String v = a.annotations().get(name);
        if (v != null) {
          message.append("; ").append(name).append(": ").append(Echo.of(v));
        }
      }
      out.add(Signal.alert(alertname, "firing".equals(a.status()), a.labels(),
          Optional.ofNullable(a.fingerprint()), OffsetDateTime.parse(a.startsAt()).toInstant(),
          message.toString(), clock.now(), clock.nanoTime()));
    }
    return out;
  }

  /** Builds an {@link AlertmanagerReceiver}. Not thread-safe. */
  public static final class Builder {
    private final SignalSink sink;
    private String token;
    private Path tokenFile;
    private int maxBodyBytes = 256 * 1024;
    private String path = DEFAULT_PATH;
    private HealClock clock = HealClock.system();
    private final Set<String> exposedAnnotations = new LinkedHashSet<>();

    private Builder(SignalSink sink) {
      this.sink = Objects.requireNonNull(sink, "sink");
    }

    /**
     * The bearer token Alertmanager sends ({@code http_config.authorization.credentials}).
     * Required, unless {@link #bearerTokenFile} is given. Trimmed of surrounding whitespace.
     */
    public Builder bearerToken(String token) {
      this.token = Objects.requireNonNull(token, "token");
      return this;
    }

    /**
     * Reads the bearer token from a file (e.g. a mounted Secret, the same file Alertmanager's
     * {@code credentials_file} names), trimmed as Alertmanager trims it. Read when built.
     */
    public Builder bearerTokenFile(Path file) {
      this.tokenFile = Objects.requireNonNull(file, "file");
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
     * Annotations copied into the signal's message (and so into episodes, events and logs), e.g.
     * {@code "summary"}. Default none: annotations may hold anything a rule author wrote.
     */
    public Builder exposeAnnotations(String... names) {
      for (String n : names) {
        exposedAnnotations.add(Objects.requireNonNull(n, "annotation name"));
      }
      return this;
    }

    /**
     * Builds the receiver.
     *
     * @throws IllegalStateException if no bearer token was given, both a token and a file were,
     *     the file cannot be read, or the token is shorter than 16 characters after trimming
     */
    public AlertmanagerReceiver build() {
      if (token != null && tokenFile != null) {
        throw new IllegalStateException("the Alertmanager receiver takes bearerToken(...) or bearerTokenFile(...), not both");
      }
      String t = token;
      if (tokenFile != null) {
        try {
          t = Files.readString(tokenFile, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
          throw new IllegalStateException("cannot read the Alertmanager receiver's token file " + tokenFile + ": " + e, e);
        }
      }
      if (t == null) {
        throw new IllegalStateException("the Alertmanager receiver needs a bearer token: call bearerToken(...) or"
            + " bearerTokenFile(...), or do not enable the receiver");
      }
      return new AlertmanagerReceiver(this, Tokens.configured(t, "the Alertmanager receiver"));
    }
  }
}
