package dev.heal.core.healer;

import dev.heal.core.health.HealthStatus;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * When a {@link RecoveryPlan} starts: a health check that is DOWN (after its thresholds, or for N
 * consecutive results), a named signal the application raises, an Alertmanager alert matched by
 * labels, or any module's signal (a circuit breaker opening). Optionally it must hold for a
 * minimum duration ({@link #forAtLeast(Duration)}) before the plan starts.
 *
 * <p>Immutable and thread-safe: every method returns a new trigger.
 *
 * <pre>{@code
 * Trigger.check("db").isDown().forConsecutive(3)
 * Trigger.signal("cache-corrupt")
 * Trigger.alert("alertname=HighErrorRate", "service=orders")
 * Trigger.signal("circuitbreaker", "payments").forAtLeast(Duration.ofSeconds(30))
 * }</pre>
 */
public final class Trigger {
  private final String source;
  private final String name;
  private final Map<String, String> labels;
  private final int consecutive;
  private final boolean notUp;
  private final Duration forAtLeast;

  private Trigger(String source, String name, Map<String, String> labels, int consecutive, boolean notUp,
      Duration forAtLeast) {
    this.source = source;
    this.name = name;
    this.labels = Map.copyOf(labels);
    this.consecutive = consecutive;
    this.notUp = notUp;
    this.forAtLeast = forAtLeast;
  }

  /** The health check {@code name}: fires when its effective status is DOWN. */
  public static Trigger check(String name) {
    return new Trigger(Signal.HEALTH, requireName(name), Map.of(), 0, false, Duration.ZERO);
  }

  /** A named signal the application raises with {@code Healer.raise(name, ...)}. */
  public static Trigger signal(String name) {
    return new Trigger(Signal.CUSTOM, requireName(name), Map.of(), 0, false, Duration.ZERO);
  }

  /** Any module's signal, by source and name (e.g. {@code "circuitbreaker", "payments"}). */
  public static Trigger signal(String source, String name) {
    return new Trigger(requireName(source), requireName(name), Map.of(), 0, false, Duration.ZERO);
  }

  /**
   * An Alertmanager alert whose labels match all {@code matchers}, each {@code label=value}
   * (exact match). {@code alertname=...} is usually one of them.
   *
   * @throws IllegalArgumentException if a matcher is not of the form {@code label=value}
   */
  public static Trigger alert(String... matchers) {
    if (matchers.length == 0) {
      throw new IllegalArgumentException("alert trigger needs at least one label=value matcher");
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (String matcher : matchers) {
      int eq = matcher == null ? -1 : matcher.indexOf('=');
      if (eq <= 0 || eq == matcher.length() - 1) {
        throw new IllegalArgumentException("alert matcher must be label=value: '" + matcher + "'");
      }
      m.put(matcher.substring(0, eq).trim(), matcher.substring(eq + 1).trim());
    }
    return new Trigger(Signal.ALERT, null, m, 0, false, Duration.ZERO);
  }

  /** Health triggers: fire when the check is DOWN (the default). */
  public Trigger isDown() {
    requireHealth("isDown");
    return new Trigger(source, name, labels, consecutive, false, forAtLeast);
  }

  /** Health triggers: fire when the check is DEGRADED or DOWN. */
  public Trigger isNotUp() {
    requireHealth("isNotUp");
    return new Trigger(source, name, labels, consecutive, true, forAtLeast);
  }

  /**
   * Health triggers: fire after {@code n} consecutive DOWN results, counted on raw results, so
   * independently of the check's own failure threshold.
   */
  public Trigger forConsecutive(int n) {
    requireHealth("forConsecutive");
    if (n < 1) {
      throw new IllegalArgumentException("forConsecutive must be at least 1: " + n);
    }
    return new Trigger(source, name, labels, n, notUp, forAtLeast);
  }

  /** Fire only once the condition has held continuously for {@code d}. */
  public Trigger forAtLeast(Duration d) {
    Objects.requireNonNull(d, "d");
    if (d.isNegative()) {
      throw new IllegalArgumentException("forAtLeast must not be negative: " + d);
    }
    return new Trigger(source, name, labels, consecutive, notUp, d);
  }

  /** Also require signal label {@code key} to equal {@code value}. */
  public Trigger withLabel(String key, String value) {
    Map<String, String> m = new LinkedHashMap<>(labels);
    m.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
    return new Trigger(source, name, m, consecutive, notUp, forAtLeast);
  }

  public String source() {
    return source;
  }

  /** The subject name, or empty for alert triggers matched by labels only. */
  public java.util.Optional<String> name() {
    return java.util.Optional.ofNullable(name);
  }

  public Duration minimumDuration() {
    return forAtLeast;
  }

  /** Whether {@code s} is about what this trigger watches (firing or not). */
  public boolean matches(Signal s) {
    if (!source.equals(s.source())) {
      return false;
    }
    if (name != null && !name.equals(s.name())) {
      return false;
    }
    for (Map.Entry<String, String> e : labels.entrySet()) {
      if (!e.getValue().equals(s.labels().get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code s} (which {@link #matches}) says the condition holds now. A health trigger
   * decides on the signal's {@link Signal.Facts.Health} facts; a health signal without them never
   * fires it.
   */
  public boolean isFiring(Signal s) {
    if (!Signal.HEALTH.equals(source)) {
      return s.firing();
    }
    if (!(s.facts() instanceof Signal.Facts.Health h)) {
      return false;
    }
    boolean degraded = notUp && h.status() == HealthStatus.DEGRADED;
    if (consecutive > 0) {
      return h.consecutiveFailures() >= consecutive || degraded;
    }
    return h.status() == HealthStatus.DOWN || degraded;
  }

  /** The health check this trigger watches, if it is a health trigger. */
  public java.util.Optional<String> checkName() {
    return Signal.HEALTH.equals(source) ? java.util.Optional.of(name) : java.util.Optional.empty();
  }

  private void requireHealth(String method) {
    if (!Signal.HEALTH.equals(source)) {
      throw new IllegalStateException(method + "() applies to health check triggers only, not to " + this);
    }
  }

  private static String requireName(String n) {
    Objects.requireNonNull(n, "name");
    if (n.isBlank()) {
      throw new IllegalArgumentException("trigger name must not be blank");
    }
    return n;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(source);
    if (name != null) {
      b.append('(').append(name).append(')');
    }
    if (!labels.isEmpty()) {
      b.append(labels);
    }
    if (Signal.HEALTH.equals(source)) {
      b.append(notUp ? " is not UP" : " is DOWN");
      if (consecutive > 0) {
        b.append(" for ").append(consecutive).append(" consecutive results");
      }
    }
    if (!forAtLeast.isZero()) {
      b.append(" for at least ").append(forAtLeast);
    }
    return b.toString();
  }
}
