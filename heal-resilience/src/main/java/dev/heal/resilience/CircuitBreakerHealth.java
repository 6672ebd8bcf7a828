package dev.heal.resilience;

import dev.heal.core.health.HealthCheck;
import dev.heal.core.health.HealthCheckConfig;
import dev.heal.core.health.HealthResult;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bridge from a circuit breaker to a health check, and the rule it follows.
 *
 * <p><b>The rule.</b> A circuit breaker protects a call to a dependency. Its check is named
 * {@code circuitbreaker.<name>}, feeds <em>readiness only</em> and is registered {@code
 * external(true)}, so it can never feed liveness: an outage of something outside the process must
 * never make Kubernetes restart the pod.
 *
 * <ul>
 *   <li>CLOSED, DISABLED, METRICS_ONLY ⇒ UP.
 *   <li>HALF_OPEN ⇒ DEGRADED (probing the dependency).
 *   <li>OPEN, FORCED_OPEN with {@link DependencyScope#SHARED} (the default) ⇒ DEGRADED: the
 *       service still answers, with fallbacks; the check is non-critical, so readiness stays
 *       passing (200). Every replica sees the same outage, so removing replicas from rotation
 *       cannot help.
 *   <li>OPEN, FORCED_OPEN with {@link DependencyScope#INSTANCE} ⇒ DOWN, and the check is critical:
 *       readiness fails (503) because this instance itself is broken and other replicas can serve.
 * </ul>
 *
 * <p>Thread-safe: the check only reads the breaker's state.
 */
public final class CircuitBreakerHealth {
  private CircuitBreakerHealth() {}

  /** The check's name for breaker {@code name}. */
  public static String checkName(String name) {
    return "circuitbreaker." + name;
  }

  /** The check's configuration: readiness, external, critical only for INSTANCE scope. */
  public static HealthCheckConfig config(String name, DependencyScope scope, Duration interval) {
    return HealthCheckConfig.builder(checkName(name))
        .readiness()
        .external(true)
        .critical(scope == DependencyScope.INSTANCE)
        .failureThreshold(1)
        .successThreshold(1)
        .interval(interval)
        .tags("circuitbreaker", scope.name().toLowerCase(java.util.Locale.ROOT))
        .build();
  }

  /** The check: maps the breaker's state to UP / DEGRADED / DOWN per the rule above. */
  public static HealthCheck check(CircuitBreaker cb, DependencyScope scope) {
    return () -> {
      CircuitBreaker.State state = cb.getState();
      CircuitBreaker.Metrics m = cb.getMetrics();
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("state", state.name());
      details.put("scope", scope.name());
      details.put("failureRate", m.getFailureRate());
      details.put("slowCallRate", m.getSlowCallRate());
      details.put("notPermittedCalls", m.getNumberOfNotPermittedCalls());
      switch (state) {
        case OPEN, FORCED_OPEN -> {
          if (scope == DependencyScope.INSTANCE) {
            return HealthResult.down("circuit breaker '" + cb.getName() + "' is " + state
                + " and its dependency belongs to this instance", details);
          }
          details.put("reason", "circuit breaker '" + cb.getName() + "' is " + state
              + "; shared dependency, serving with fallbacks");
          return HealthResult.degraded(details);
        }
        case HALF_OPEN -> {
          details.put("reason", "circuit breaker '" + cb.getName() + "' is probing its dependency");
          return HealthResult.degraded(details);
        }
        default -> {
          return HealthResult.up(details);
        }
      }
    };
  }
}
