package dev.heal.core.healer;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Something the healer may act on: a health check turned DOWN, a circuit opened, an alert fired,
 * or a named signal the application raised. A signal with {@code firing=false} says the problem
 * went away (the check recovered, the circuit closed, the alert resolved). Immutable and
 * thread-safe.
 *
 * @param source where it came from: {@link #HEALTH}, {@link #CUSTOM}, {@link #ALERT}, or a module's
 *     own (heal-resilience uses {@code circuitbreaker}, {@code retry}, {@code bulkhead}, ...)
 * @param name the subject: the check, circuit, alert or signal name
 * @param firing true while the problem is present, false when it is resolved
 * @param labels extra low-cardinality facts used for matching (state, severity, alert labels)
 * @param message a human-readable description
 * @param at wall time it was observed
 * @param nanoTime monotonic time it was observed, from the healer's clock
 */
public record Signal(
    String source,
    String name,
    boolean firing,
    Map<String, String> labels,
    String message,
    Instant at,
    long nanoTime) {

  public static final String HEALTH = "health";
  public static final String CUSTOM = "custom";
  public static final String ALERT = "alert";

  public Signal {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(at, "at");
    labels = Map.copyOf(labels);
  }

  /** {@code source/name}, for display. */
  public String key() {
    return source + "/" + name;
  }
}
