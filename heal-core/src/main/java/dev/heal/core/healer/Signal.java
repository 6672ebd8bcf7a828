package dev.heal.core.healer;

import dev.heal.core.health.HealthStatus;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Something the healer may act on: a health check turned DOWN, a circuit opened, an alert fired,
 * or a named signal the application raised. A signal with {@code firing=false} says the problem
 * went away (the check recovered, the circuit closed, the alert resolved). Immutable and
 * thread-safe.
 *
 * <p>What a trigger decides on is typed, in {@link #facts()}: a health check's statuses and
 * consecutive failures ({@link Facts.Health}), an alert's fingerprint and start
 * ({@link Facts.Alert}); labels are only matched, never parsed back.
 *
 * @param source where it came from: {@link #HEALTH}, {@link #CUSTOM}, {@link #ALERT}, or a module's
 *     own (heal-resilience uses {@code circuitbreaker}, {@code retry}, {@code bulkhead}, ...)
 * @param name the subject: the check, circuit, alert or signal name
 * @param firing true while the problem is present, false when it is resolved
 * @param labels extra low-cardinality facts used for matching (state, severity, alert labels)
 * @param message a human-readable description
 * @param at wall time it was observed
 * @param nanoTime monotonic time it was observed, from the healer's clock
 * @param facts the typed facts of its source
 */
public record Signal(
    String source,
    String name,
    boolean firing,
    Map<String, String> labels,
    String message,
    Instant at,
    long nanoTime,
    Facts facts) {

  public static final String HEALTH = "health";
  public static final String CUSTOM = "custom";
  public static final String ALERT = "alert";

  public Signal {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(facts, "facts");
    labels = Map.copyOf(labels);
  }

  /** A signal of a module's own source, with no typed facts (circuit breakers, bulkheads, ...). */
  public Signal(String source, String name, boolean firing, Map<String, String> labels, String message, Instant at,
      long nanoTime) {
    this(source, name, firing, labels, message, at, nanoTime, Facts.None.INSTANCE);
  }

  /**
   * The signal of one health check result.
   *
   * @param status the check's effective status (after its thresholds)
   * @param lastResult the raw status of its latest run
   * @param consecutiveFailures DOWN results in a row
   */
  public static Signal health(String check, HealthStatus status, HealthStatus lastResult, int consecutiveFailures,
      String message, Instant at, long nanoTime) {
    Facts.Health facts = new Facts.Health(status, lastResult, consecutiveFailures);
    return new Signal(HEALTH, check, facts.isProblem(), Map.of(), message, at, nanoTime, facts);
  }

  /** An Alertmanager alert, firing or resolved; {@code labels} are the alert's labels. */
  public static Signal alert(String alertname, boolean firing, Map<String, String> labels, Optional<String> fingerprint,
      Instant startsAt, String message, Instant at, long nanoTime) {
    return new Signal(ALERT, alertname, firing, labels, message, at, nanoTime, new Facts.Alert(fingerprint, startsAt));
  }

  /** {@code source/name}, for display. */
  public String key() {
    return source + "/" + name;
  }

  /**
   * The key that ties a signal to its later resolution: {@link #key()}, plus the fingerprint of an
   * alert (two alerts of one name with different labels are two problems).
   */
  public String resolutionKey() {
    if (facts instanceof Facts.Alert a && a.fingerprint().isPresent()) {
      return key() + "#" + a.fingerprint().get();
    }
    return key();
  }

  /** The typed facts a signal's source attaches. */
  public sealed interface Facts {
    /** No typed facts: application and module signals, matched by source, name and labels. */
    enum None implements Facts { INSTANCE }

    /**
     * A health check's result.
     *
     * @param status effective status, after the check's failure and success thresholds
     * @param lastResult raw status of the latest run
     * @param consecutiveFailures raw DOWN results in a row
     */
    record Health(HealthStatus status, HealthStatus lastResult, int consecutiveFailures) implements Facts {
      public Health {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(lastResult, "lastResult");
        if (consecutiveFailures < 0) {
          throw new IllegalArgumentException("consecutiveFailures must not be negative: " + consecutiveFailures);
        }
      }

      /** Whether either status is anything but UP: the check is worth a trigger's look. */
      public boolean isProblem() {
        return (status != HealthStatus.UP && status != HealthStatus.UNKNOWN) || lastResult != HealthStatus.UP;
      }
    }

    /**
     * An Alertmanager alert instance: one fingerprint (its label set) and one start.
     *
     * @param fingerprint Alertmanager's fingerprint of the label set, if sent
     * @param startsAt when the alert started firing
     */
    record Alert(Optional<String> fingerprint, Instant startsAt) implements Facts {
      public Alert {
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(startsAt, "startsAt");
      }
    }
  }
}
