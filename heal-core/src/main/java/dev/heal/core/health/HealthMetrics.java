package dev.heal.core.health;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Binds a {@link HealthRegistry} to Micrometer.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>meaning</th></tr>
 *   <tr><td>{@code heal.health.status}</td><td>gauge</td><td>probe</td>
 *       <td>overall probe status: 1 UP, 0.5 DEGRADED, 0 DOWN</td></tr>
 *   <tr><td>{@code heal.health.check.status}</td><td>gauge</td><td>check</td>
 *       <td>effective check status: 1 UP, 0.5 DEGRADED, 0 DOWN, -1 UNKNOWN</td></tr>
 *   <tr><td>{@code heal.health.check.duration}</td><td>timer</td><td>check, result</td>
 *       <td>time one run took; result is the raw status</td></tr>
 *   <tr><td>{@code heal.health.transitions}</td><td>counter</td><td>check, to</td>
 *       <td>effective status changes</td></tr>
 *   <tr><td>{@code heal.health.threads.abandoned}</td><td>gauge</td><td></td>
 *       <td>threads held by checks that ignored their interrupt (see {@link CheckThreads})</td></tr>
 *   <tr><td>{@code heal.health.threads.replaced}</td><td>function counter</td><td></td>
 *       <td>replacement threads added for abandoned ones</td></tr>
 *   <tr><td>{@code heal.health.checks.waiting}</td><td>gauge</td><td></td>
 *       <td>due check runs waiting for a free thread</td></tr>
 *   <tr><td>{@code heal.health.checks.hung}</td><td>gauge</td><td></td>
 *       <td>check runs that timed out and have not returned</td></tr>
 * </table>
 *
 * <p>Tags are low-cardinality: check names are fixed at registration. Thread-safe.
 */
public final class HealthMetrics implements MeterBinder {
  private final HealthRegistry registry;

  public HealthMetrics(HealthRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void bindTo(MeterRegistry meters) {
    for (CheckKind kind : CheckKind.values()) {
      Gauge.builder("heal.health.status", registry, r -> value(r.status(kind)))
          .tag("probe", kind.name().toLowerCase(java.util.Locale.ROOT))
          .description("Overall probe status: 1 UP, 0.5 DEGRADED, 0 DOWN")
          .register(meters);
    }
    Gauge.builder("heal.health.threads.abandoned", registry, r -> r.threads().abandoned())
        .description("Health-check threads held by checks that ignored their interrupt")
        .register(meters);
    FunctionCounter.builder("heal.health.threads.replaced", registry, r -> r.threads().replaced())
        .description("Replacement health-check threads added for abandoned ones")
        .register(meters);
    Gauge.builder("heal.health.checks.waiting", registry, r -> r.threads().waiting())
        .description("Due health-check runs waiting for a free thread")
        .register(meters);
    Gauge.builder("heal.health.checks.hung", registry, r -> r.threads().hung())
        .description("Health-check runs that timed out and have not returned")
        .register(meters);
    Map<String, Boolean> gauged = new ConcurrentHashMap<>();
    Map<String, Timer> timers = new ConcurrentHashMap<>();
    registry.addListener(
        new HealthListener() {
          @Override
          public void onResult(CheckState state) {
            String name = state.name();
            if (gauged.putIfAbsent(name, Boolean.TRUE) == null) {
              Gauge.builder(
                      "heal.health.check.status",
                      registry,
                      r -> r.state(name).map(s -> value(s.status())).orElse(Double.NaN))
                  .tag("check", name)
                  .description("Effective check status: 1 UP, 0.5 DEGRADED, 0 DOWN, -1 UNKNOWN")
                  .register(meters);
            }
            String result = state.lastResult().map(r -> r.status().name()).orElse("UNKNOWN");
            Timer t =
                timers.computeIfAbsent(
                    name + '\0' + result,
                    k ->
                        Timer.builder("heal.health.check.duration")
                            .tags(Tags.of("check", name, "result", result))
                            .description("Time one health check run took")
                            .register(meters));
            state.lastDuration().ifPresent(t::record);
          }

          @Override
          public void onTransition(HealthTransition transition) {
            Counter.builder("heal.health.transitions")
                .tags("check", transition.check(), "to", transition.to().name())
                .description("Effective health check status changes")
                .register(meters)
                .increment();
          }
        });
  }

  static double value(HealthStatus s) {
    return switch (s) {
      case UP -> 1.0;
      case DEGRADED -> 0.5;
      case DOWN -> 0.0;
      case UNKNOWN -> -1.0;
    };
  }
}
