package dev.heal.release;

import dev.heal.core.degradation.DegradationLevel;
import dev.heal.core.degradation.Features;
import dev.heal.core.healer.Action;
import dev.heal.core.healer.ActionResult;
import dev.heal.core.healer.Actions;
import dev.heal.core.healer.Healer;
import dev.heal.core.healer.HealerMetrics;
import dev.heal.core.healer.RecoveryPlan;
import dev.heal.core.healer.Trigger;
import dev.heal.core.health.HealthCheckConfig;
import dev.heal.core.health.HealthMetrics;
import dev.heal.core.health.HealthRegistry;
import dev.heal.core.health.HealthResult;
import dev.heal.core.time.InlineExecutorService;
import dev.heal.core.time.ManualClock;
import dev.heal.resilience.AdaptiveLimitConfig;
import dev.heal.resilience.Degradable;
import dev.heal.resilience.HealProxy;
import dev.heal.resilience.Resilience;
import dev.heal.resilience.RetryBudgetConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Per module, code that makes it register every meter it has (some appear only after the first
 * event of their kind), so the generator can compare them with the module's catalog.
 */
final class MeterScenarios {
  private MeterScenarios() {}

  static Map<String, Consumer<MeterRegistry>> all() {
    return Map.of("heal-core", MeterScenarios::core, "heal-resilience", MeterScenarios::resilience);
  }

  /** A check that runs and turns DOWN; a healer episode with a failed and a successful action. */
  static void core(MeterRegistry meters) {
    ManualClock clock = new ManualClock();
    try (HealthRegistry health = HealthRegistry.builder().clock(clock).executor(new InlineExecutorService()).build()) {
      new HealthMetrics(health).bindTo(meters);
      AtomicReference<HealthResult> db = new AtomicReference<>(HealthResult.up());
      health.register(HealthCheckConfig.builder("db").interval(Duration.ofSeconds(1)).failureThreshold(1).build(), db::get);
      health.start();
      clock.runDueTasks();
      db.set(HealthResult.down("refused"));
      clock.advance(Duration.ofSeconds(1));
    }
    Features features = new Features();
    Healer healer = Healer.builder().clock(clock).executor(new InlineExecutorService()).cooldown(Duration.ZERO)
        .plan(RecoveryPlan.when(Trigger.signal("broken")).named("repair")
            .then(Action.of("reconnect", ctx -> ActionResult.failed("still refused")))
            .escalateTo(Actions.degrade(features, DegradationLevel.REDUCED)).verifyWithin(Duration.ofSeconds(5))
            .build())
        .build();
    new HealerMetrics(healer, features).bindTo(meters);
    healer.raise("broken", "boom");
    clock.advance(Duration.ofSeconds(2));
    healer.resolve("broken", "ok");
  }

  /** A service interface with a degradable method, for the degraded-calls counter. */
  interface Recommendations {
    @Degradable(feature = "recommendations")
    List<String> forUser(String user);
  }

  /** One policy of every kind, a call through each, and a degraded call. */
  static void resilience(MeterRegistry meters) {
    Resilience r = Resilience.builder().clock(new ManualClock()).meterRegistry(meters)
        .features(feature -> false)
        .circuitBreaker("payments").retry("payments", b -> b).bulkhead("payments", b -> b)
        .rateLimiter("payments", b -> b).timeLimiter("payments", b -> b)
        .retryBudget("payments", RetryBudgetConfig.ofDefaults())
        .adaptiveLimit("payments", AdaptiveLimitConfig.ofDefaults())
        .build();
    r.decorate(() -> "ok").withRetry("payments").withCircuitBreaker("payments").withBulkhead("payments")
        .withRateLimiter("payments").build().get();
    HealProxy.create(Recommendations.class, user -> List.of("a"), r).forUser("u");
  }
}
