package dev.heal.chaos;

import dev.heal.core.health.CheckKind;
import dev.heal.core.health.CheckState;
import dev.heal.core.health.HealthRegistry;
import dev.heal.core.health.HealthStatus;
import dev.heal.core.time.HealClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;

/**
 * One part of a steady-state hypothesis: a named yes/no question about the system ("readiness is
 * UP", "GET /orders answers 200 within 100 ms", "queue depth is below 50"). An {@link Experiment}
 * asks every probe before the faults (the hypothesis must hold) and every {@code probeEvery} during
 * the run (to find when it stops and starts holding again). A probe that throws does not hold.
 *
 * <p>Implementations must be thread-safe and quick; the built-ins are.
 */
public interface Probe {

  String name();

  boolean holds() throws Exception;

  /** A probe from a condition. */
  static Probe of(String name, BooleanSupplier condition) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(condition, "condition");
    return new Probe() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public boolean holds() {
        return condition.getAsBoolean();
      }

      @Override
      public String toString() {
        return "Probe[" + name + "]";
      }
    };
  }

  /** Holds while probe {@code kind} of {@code registry} is {@code expected}. */
  static Probe health(HealthRegistry registry, CheckKind kind, HealthStatus expected) {
    Objects.requireNonNull(registry, "registry");
    return of("health " + kind + " is " + expected, () -> registry.status(kind) == expected);
  }

  /** Holds while check {@code check} of {@code registry} is {@code expected}. */
  static Probe check(HealthRegistry registry, String check, HealthStatus expected) {
    Objects.requireNonNull(registry, "registry");
    return of("check " + check + " is " + expected,
        () -> registry.state(check).map(CheckState::status).orElse(HealthStatus.UNKNOWN) == expected);
  }

  /** Holds while {@code metric} is within {@code [min, max]}. */
  static Probe metric(String name, DoubleSupplier metric, double min, double max) {
    Objects.requireNonNull(metric, "metric");
    if (max < min) {
      throw new IllegalArgumentException("max must be >= min: min=" + min + ", max=" + max);
    }
    return of(name + " in [" + min + ", " + max + "]", () -> {
      double v = metric.getAsDouble();
      return v >= min && v <= max;
    });
  }

  /**
   * Holds while {@code GET uri} answers {@code status} within {@code maxLatency} (measured in real
   * time, whatever clock the experiment uses).
   */
  static Probe http(URI uri, int status, Duration maxLatency) {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(maxLatency, "maxLatency");
    HttpClient client = HttpClient.newBuilder().connectTimeout(maxLatency.plusSeconds(1)).build();
    HealClock real = HealClock.system();
    return new Probe() {
      @Override
      public String name() {
        return "GET " + uri + " -> " + status + " within " + maxLatency.toMillis() + "ms";
      }

      @Override
      public boolean holds() throws Exception {
        long t0 = real.nanoTime();
        HttpResponse<Void> r = client.send(
            HttpRequest.newBuilder(uri).timeout(maxLatency.plusSeconds(1)).GET().build(),
            HttpResponse.BodyHandlers.discarding());
        return r.statusCode() == status && real.since(t0).compareTo(maxLatency) <= 0;
      }

      @Override
      public String toString() {
        return "Probe[" + name() + "]";
      }
    };
  }
}
