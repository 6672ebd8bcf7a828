package dev.heal.core.internal;

import static io.micrometer.core.instrument.Meter.Type.COUNTER;
import static io.micrometer.core.instrument.Meter.Type.GAUGE;
import static io.micrometer.core.instrument.Meter.Type.TIMER;

import dev.heal.core.fleet.StoreFleetGuard;
import dev.heal.core.healer.Healer;
import dev.heal.core.healer.RecoveryPlan;
import dev.heal.core.healer.Trigger;
import dev.heal.core.health.HealthCheckConfig;
import dev.heal.core.health.HealthRegistry;
import dev.heal.core.time.InlineExecutorService;
import java.util.List;

/**
 * heal-core's configuration and meters, for {@code docs/reference.md} (see {@link
 * ReferenceCatalog}). Defaults not written here are read from a fresh builder. Not API.
 */
public final class CoreReference implements ReferenceCatalog {
  private static final String CLOCK = "`HealClock.system()`";

  @Override
  public String module() {
    return "heal-core";
  }

  @Override
  public List<Builder> builders() {
    HealthCheckConfig check = HealthCheckConfig.builder("name").build();
    return List.of(
        Builder.of("Health registry", HealthRegistry.Builder.class, "HealthRegistry.builder()",
                HealthRegistry::builder)
            .set("clock", CLOCK, "")
            .set("executor", "own pool of `poolSize` daemon threads", "")
            .field("poolSize", "threads")
            .set("maxAbandonedThreads", HealthRegistry.DEFAULT_MAX_ABANDONED_THREADS, "threads")
            .field("abandonAfter", "")
            .set("listener", "none", "", "Adds a listener for check results and status transitions."),
        Builder.of("Health checks", HealthCheckConfig.Builder.class, "HealthCheckConfig.builder(name)",
                () -> HealthCheckConfig.builder("name"))
            .set("kinds", check.kinds(), "")
            .set("liveness", "—", "", "Shorthand for `kinds(LIVENESS)`.")
            .set("readiness", "—", "", "Shorthand for `kinds(READINESS)`.")
            .set("startup", "—", "", "Shorthand for `kinds(STARTUP)`.")
            .set("interval", check.interval(), "")
            .set("timeout", check.timeout(), "")
            .set("initialDelay", check.initialDelay(), "")
            .set("failureThreshold", check.failureThreshold(), "consecutive results")
            .set("successThreshold", check.successThreshold(), "consecutive results")
            .set("critical", check.critical(), "")
            .set("external", check.external(), "")
            .field("allowExternalLiveness", "")
            .set("tags", check.tags(), ""),
        Builder.of("Healer", Healer.Builder.class, "Healer.builder()", Healer::builder)
            .set("clock", CLOCK, "", "The clock for timers, backoff and the journal.")
            .set("executor", "own pool of `poolSize` daemon threads", "")
            .set("maxAbandonedThreads", HealthRegistry.DEFAULT_MAX_ABANDONED_THREADS, "threads")
            .field("abandonAfter", "")
            .field("poolSize", "threads")
            .set("plan", "none", "", "Adds a recovery plan.")
            .set("health", "none", "")
            .set("features", "none", "")
            .field("dryRun", "")
            .set("budget", "`10` actions per `10m`", "actions, Duration")
            .field("cooldown", "")
            .field("maxEpisodeDuration", "")
            .field("verifyEvery", "")
            .field("replayWindow", "")
            .field("replayCapacity", "alert instances")
            .field("eventQueueCapacity", "events")
            .set("eventExecutor", "one daemon dispatcher thread", "")
            .field("journalSize", "episodes")
            .field("seed", "")
            .set("listener", "none", "", "Adds a listener for every healing event.")
            .set("fleetGuard", "none (disruptive steps run unguarded)", ""),
        Builder.of("Recovery plans", RecoveryPlan.Builder.class, "RecoveryPlan.when(trigger)",
                () -> RecoveryPlan.when(Trigger.signal("name")))
            .set("named", "trigger and first action", "")
            .set("target", "the name of the signal that fired", "")
            .set("then", "— (required)", "")
            .set("escalateTo", "none", "")
            .set("stepName", "the action's name", "")
            .set("attempts", "`1`", "attempts")
            .set("backoff", "`1s`", "")
            .set("timeout", "`30s`", "")
            .set("verifyWithin", "`30s`", "")
            .set("verifyWith", "the trigger clears", "")
            .set("disruptive", "the action's `disruptive()`", "")
            .set("unlessFleetWide", "never", "share of the replicas")
            .set("waitForFleetSlot", "off (escalate)", ""),
        Builder.of("Fleet guard", StoreFleetGuard.Builder.class, "StoreFleetGuard.builder()", StoreFleetGuard::builder)
            .set("store", "— (required)", "")
            .set("member", "— (required)", "")
            .field("share", "share of the replicas")
            .field("ttl", "")
            .field("publishEvery", "")
            .field("maxAttempts", "tries per change")
            .set("backoff", "`200ms` doubling to `5s`", "Duration, Duration")
            .set("clock", CLOCK, "")
            .set("io", "one daemon thread per guard", "")
            .field("seed", ""));
  }

  @Override
  public List<MeterInfo> meters() {
    return List.of(
        new MeterInfo("heal.health.status", GAUGE, List.of("probe"),
            "`new HealthMetrics(registry).bindTo(meters)`: one per probe at once"),
        new MeterInfo("heal.health.check.status", GAUGE, List.of("check"),
            "after a check's first run"),
        new MeterInfo("heal.health.check.duration", TIMER, List.of("check", "result"),
            "after a check's first run with that result"),
        new MeterInfo("heal.health.transitions", COUNTER, List.of("check", "to"),
            "after a check's first change of status to `to`"),
        new MeterInfo("heal.health.checks.waiting", GAUGE, List.of(), "at once"),
        new MeterInfo("heal.health.checks.hung", GAUGE, List.of(), "at once"),
        new MeterInfo("heal.health.threads.abandoned", GAUGE, List.of(), "at once"),
        new MeterInfo("heal.health.threads.replaced", COUNTER, List.of(), "at once"),
        new MeterInfo("heal.recovery.budget.remaining", GAUGE, List.of(),
            "`new HealerMetrics(healer).bindTo(meters)`: at once"),
        new MeterInfo("heal.recovery.episodes.open", GAUGE, List.of(), "at once"),
        new MeterInfo("heal.recovery.budget.exhausted", COUNTER, List.of(), "at once"),
        new MeterInfo("heal.recovery.events.dropped", COUNTER, List.of(), "at once"),
        new MeterInfo("heal.recovery.listener.failures", COUNTER, List.of(), "at once"),
        new MeterInfo("heal.degradation.level", GAUGE, List.of(),
            "at once, with `new HealerMetrics(healer, features)`"),
        new MeterInfo("heal.recovery.actions", COUNTER, List.of("action", "outcome"),
            "after the first attempt of an action with that outcome (SUCCEEDED, FAILED, NOT_NOW, UNAVAILABLE, DRY_RUN)"),
        new MeterInfo("heal.recovery.episodes", COUNTER, List.of("plan", "outcome"),
            "after a plan's first episode closes with that outcome"),
        new MeterInfo("heal.recovery.time.to.detect", TIMER, List.of("plan"),
            "after a plan's first episode closes"),
        new MeterInfo("heal.recovery.time.to.recover", TIMER, List.of("plan"),
            "after a plan's first recovered episode"));
  }
}
