package dev.heal.core.health;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one run of a health check found: a status, details for people (shown in {@code /health})
 * and, for a failure, an error text. Immutable and thread-safe; {@code details} is copied.
 *
 * @param status UP, DEGRADED or DOWN (never UNKNOWN)
 * @param details small, JSON-friendly values (strings, numbers, booleans); insertion order kept
 * @param error why the check failed, if it did
 */
public record HealthResult(HealthStatus status, Map<String, Object> details, Optional<String> error) {

  private static final HealthResult UP = new HealthResult(HealthStatus.UP, Map.of(), Optional.empty());

  public HealthResult {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(details, "details");
    Objects.requireNonNull(error, "error");
    if (status == HealthStatus.UNKNOWN) {
      throw new IllegalArgumentException(
          "a health check must return UP, DEGRADED or DOWN; UNKNOWN is reserved for heal");
    }
    details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  /** UP with no details. */
  public static HealthResult up() {
    return UP;
  }

  /** UP with details. */
  public static HealthResult up(Map<String, ?> details) {
    return new HealthResult(HealthStatus.UP, copy(details), Optional.empty());
  }

  /** DEGRADED, with the reason as detail {@code reason}. */
  public static HealthResult degraded(String reason) {
    return new HealthResult(HealthStatus.DEGRADED, Map.of("reason", reason), Optional.empty());
  }

  /** DEGRADED with details. */
  public static HealthResult degraded(Map<String, ?> details) {
    return new HealthResult(HealthStatus.DEGRADED, copy(details), Optional.empty());
  }

  /** DOWN, with {@code error} saying why. */
  public static HealthResult down(String error) {
    return new HealthResult(HealthStatus.DOWN, Map.of(), Optional.of(error));
  }

  /** DOWN with an error and details. */
  public static HealthResult down(String error, Map<String, ?> details) {
    return new HealthResult(HealthStatus.DOWN, copy(details), Optional.of(error));
  }

  /** DOWN because of {@code e}: the error reads {@code "<class>: <message>"}. */
  public static HealthResult down(Throwable e) {
    String msg = e.getMessage();
    return down(e.getClass().getName() + (msg == null ? "" : ": " + msg));
  }

  /** A copy of this result with one more detail. */
  public HealthResult withDetail(String key, Object value) {
    Map<String, Object> d = new LinkedHashMap<>(details);
    d.put(key, value);
    return new HealthResult(status, d, error);
  }

  private static Map<String, Object> copy(Map<String, ?> details) {
    return new LinkedHashMap<>(details);
  }
}
