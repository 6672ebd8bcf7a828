package dev.heal.core.healer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.heal.core.degradation.DegradationLevel;
import dev.heal.core.degradation.Features;
import dev.heal.core.health.CheckKind;
import dev.heal.core.health.HealthCheckConfig;
import dev.heal.core.health.HealthRegistry;
import dev.heal.core.health.HealthResult;
import dev.heal.core.health.HealthStatus;
import dev.heal.core.time.InlineExecutorService;
import dev.heal.core.time.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealerTest {
  private final ManualClock clock = new ManualClock();
  private final RecordingListener events = new RecordingListener();
  private final AtomicBoolean dbUp = new AtomicBoolean(true);
  private final List<String> ran = new ArrayList<>();
  private final HealthRegistry health =
      HealthRegistry.builder().clock(clock).executor(new InlineExecutorService()).build();
  private final List<AutoCloseable> cleanup = new ArrayList<>();

  HealerTest() {
    health.register(HealthCheckConfig.builder("db").interval(Duration.ofSeconds(1)).failureThreshold(1).build(),
        () -> dbUp.get() ? HealthResult.up() : HealthResult.down("connection refused"));
    cleanup.add(health);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : cleanup) {
      c.close();
    }
  }

  private Action recording(String name, Runnable effect) {
    return Action.run(name, () -> {
      ran.add(name);
      effect.run();
    });
  }

  private Healer.Builder healer() {
    return Healer.builder().clock(clock).executor(new InlineExecutorService()).eventExecutor(Runnable::run)
        .health(health).listener(events);
  }

  private Healer start(Healer.Builder b) {
    Healer h = b.build();
    cleanup.add(0, h);
    health.start();
    clock.runDueTasks();
    return h;
  }

  @Test
  void reconnectsAfterThreeConsecutiveFailuresAndVerifiesRecovery() {
    Healer h = start(healer().plan(RecoveryPlan.when(Trigger.check("db").isDown().forConsecutive(3))
        .then(recording("reconnectPool", () -> dbUp.set(true))).verifyWithin(Duration.ofSeconds(10)).build()));
    dbUp.set(false);
    clock.advance(Duration.ofSeconds(2));
    assertThat(ran).as("two failures are not enough").isEmpty();
    clock.advance(Duration.ofSeconds(1));
    assertThat(ran).containsExactly("reconnectPool");
    clock.runDueTasks();

    Episode e = h.journal().recent(1).get(0);
    assertThat(e.outcome()).contains(Outcome.RECOVERED);
    assertThat(e.target()).isEqualTo("db");
    assertThat(e.steps()).singleElement().satisfies(s -> {
      assertThat(s.status()).contains(ActionResult.Status.SUCCEEDED);
      assertThat(s.verified()).isTrue();
    });
    assertThat(e.timeToDetect()).isEqualTo(Duration.ofSeconds(2));
    assertThat(e.timeToRecover()).contains(Duration.ofSeconds(2));
    assertThat(events.types()).containsSubsequence(HealEvent.Type.EPISODE_OPENED, HealEvent.Type.STEP_STARTED,
        HealEvent.Type.STEP_FINISHED, HealEvent.Type.EPISODE_CLOSED);
  }

  @Test
  void escalatesInThePlansOrderAndGivesUpWhenNothingHelps() {
    Healer h = start(healer().plan(RecoveryPlan.when(Trigger.check("db"))
        .then(recording("reconnectPool", () -> {})).attempts(2).backoff(Duration.ofSeconds(1)).verifyWithin(Duration.ofSeconds(5))
        .escalateTo(recording("restartComponent", () -> {})).verifyWithin(Duration.ofSeconds(5))
        .escalateTo(recording("restartPod", () -> {})).verifyWithin(Duration.ofSeconds(5))
        .build()));
    dbUp.set(false);
    clock.advance(Duration.ofSeconds(50));
    assertThat(ran).containsExactly("reconnectPool", "reconnectPool", "restartComponent", "restartPod");
    Episode e = h.journal().recent(1).get(0);
    assertThat(e.outcome()).contains(Outcome.GAVE_UP);
    assertThat(e.timeToRecover()).isEmpty();
    assertThat(events.count(HealEvent.Type.VERIFICATION_FAILED)).isEqualTo(4);
    assertThat(events.count(HealEvent.Type.ESCALATED)).isEqualTo(2);
  }

  @Test
  void throwingActionIsRetriedWithBackoffThenEscalates() {
    AtomicInteger attempts = new AtomicInteger();
    Healer h = start(healer().plan(RecoveryPlan.when(Trigger.check("db"))
        .then(Action.run("flaky", () -> {
          attempts.incrementAndGet();
          throw new IllegalStateException("pool is closed");
        })).attempts(3).backoff(Duration.ofSeconds(2))
        .escalateTo(recording("fix", () -> dbUp.set(true)))
        .build()));
    dbUp.set(false);
    clock.advance(Duration.ofSeconds(1));
    assertThat(attempts).hasValue(1);
    clock.advance(Duration.ofMillis(1500));
    assertThat(attempts).as("backoff 2 s with ±20%% jitter has not passed").hasValue(1);
    clock.advance(Duration.ofSeconds(30));
    assertThat(attempts).hasValue(3);
    assertThat(ran).containsExactly("fix");
    clock.advance(Duration.ofSeconds(1));
    Episode e = h.journal().recent(1).get(0);
    assertThat(e.outcome()).contains(Outcome.RECOVERED);
    assertThat(e.steps()).extracting(StepRecord::message).first().asString()
        .contains("java.lang.IllegalStateException: pool is closed");
  }

  @Test
  void hangingActionTimesOutAndEscalatesWithoutStoppingTheHealer() {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    CountDownLatch never = new CountDownLatch(1);
    cleanup.add(pool::shutdownNow);
    cleanup.add(never::countDown);
    Healer h = start(Healer.builder().clock(clock).executor(pool).health(health).listener(events)
        .plan(RecoveryPlan.when(Trigger.check("db"))
            .then(Action.run("hangs", never::await)).timeout(Duration.ofSeconds(5))
            .escalateTo(recording("fix", () -> dbUp.set(true)))
            .build()));
    dbUp.set(false);
    clock.advance(Duration.ofSeconds(1));
    // The timeout counts from when the attempt starts on a pool thread.
    await().atMost(Duration.ofSeconds(5)).until(() -> events.types().contains(HealEvent.Type.STEP_STARTED));
    clock.advance(Duration.ofSeconds(5));
    await().atMost(Duration.ofSeconds(5)).until(() -> ran.contains("fix"));
    clock.advance(Duration.ofSeconds(1));
    await().atMost(Duration.ofSeconds(5)).until(() -> h.journal().recent(1).get(0).outcome().isPresent());
    Episode e = h.journal().recent(1).get(0);
    assertThat(e.outcome()).contains(Outcome.RECOVERED);
    assertThat(e.steps().get(0).status()).as("the real result of the interrupted action").contains(ActionResult.Status.FAILED);
    assertThat(e.steps().get(0).message()).startsWith("interrupted (returned ").contains("after its 5 s timeout");
  }

  @Test
  void unavailableActionEscalatesAtOnceWithoutRetrying() {
    AtomicInteger calls = new AtomicInteger();
    Healer h = start(healer().plan(RecoveryPlan.when(Trigger.check("db"))
        .then(Action.of("restartPod", ctx -> {
          calls.incrementAndGet();
          return ActionResult.unavailable("not running in a Kubernetes cluster");
        })).attempts(5)
        .escalateTo(recording("fix", () -> dbUp.set(true)))
        .build()));
    dbUp.set(false);
    clock.advance(Duration.ofSeconds(1));
    assertThat(calls).hasValue(1);
    assertThat(ran).containsExactly("fix");
    clock.advance(Duration.ofSeconds(1));
    assertThat(h.journal().recent(1).get(0).outcome()).contains(Outcome.RECOVERED);
  }

  @Test
  void budgetStopsAHealingStormLoudly() {
    Healer h = start(healer().budget(2, Duration.ofMinutes(10))
        .plan(RecoveryPlan.when(Trigger.signal("broken")).then(recording("fix", () -> {})).verifyWithin(Duration.ofSeconds(1)).attempts(3).backoff(Duration.ofMillis(1)).build()));
    h.raise("broken", "it broke");
    clock.advance(Duration.ofSeconds(10));
    assertThat(ran).containsExactly("fix", "fix");
    assertThat(events.count(HealEvent.Type.BUDGET_EXHAUSTED)).isEqualTo(1);
    assertThat(h.journal().recent(1).get(0).outcome()).contains(Outcome.BUDGET_EXHAUSTED);
    assertThat(h.budgetRemaining()).isZero();
    clock.advance(Duration.ofMinutes(5));
    assertThat(h.budgetRemaining()).isEqualTo(1);
  }

  @Test
  void onlyOneEpisodePerTargetAndLaterTriggersJoinIt() {
    Healer h = start(healer()
        .plan(RecoveryPlan.when(Trigger.check("db")).target("database").then(recording("a", () -> {})).verifyWithin(Duration.ofSeconds(30)).build())
        .plan(RecoveryPlan.when(Trigger.signal("db-errors")).target("database").then(recording("b", () -> {})).build()));
    dbUp.set(false);
    clock.advance(Duration.ofSeconds(1));
    h.raise("db-errors", "too many errors");
    clock.advance(Duration.ofSeconds(5));
    assertThat(ran).containsExactly("a");
    assertThat(h.journal().open()).singleElement().satisfies(e -> assertThat(e.joined()).hasSize(1));
    assertThat(events.count(HealEvent.Type.SIGNAL_JOINED)).isEqualTo(1);
  }

  @Test
  void cooldownHoldsBackANewEpisodeForTheSameTarget() {
    Healer h = start(healer().cooldown(Duration.ofSeconds(30))
        .plan(RecoveryPlan.when(Trigger.check("db")).then(recording("fix", () -> dbUp.set(true))).build()));
    dbUp.set(false);
    clock.advance(Duration.ofSeconds(2));
    assertThat(ran).hasSize(1);
    dbUp.set(false);
    clock.advance(Duration.ofSeconds(10));
    assertThat(ran).as("in cooldown").hasSize(1);
    assertThat(events.count(HealEvent.Type.SUPPRESSED)).isEqualTo(1);
    clock.advance(Duration.ofSeconds(25));
    assertThat(ran).hasSize(2);
    assertThat(h.journal().recent(10)).hasSize(2);
  }

  @Test
  void dryRunDecidesAndJournalsButExecutesNothing() {
    Features features = new Features();
    features.define("recommendations", DegradationLevel.REDUCED);
    Healer h = start(healer().dryRun(true)
        .plan(RecoveryPlan.when(Trigger.check("db"))
            .then(recording("reconnectPool", () -> dbUp.set(true))).verifyWithin(Duration.ofSeconds(5))
            .escalateTo(Actions.drain(health)).verifyWithin(Duration.ofSeconds(5))
            .escalateTo(Actions.degrade(features, DegradationLevel.REDUCED)).verifyWithin(Duration.ofSeconds(5))
            .build()));
    dbUp.set(false);
    clock.advance(Duration.ofSeconds(1));
    assertThat(health.snapshot().overrides()).isEmpty();
    clock.advance(Duration.ofMinutes(1));
    assertThat(ran).isEmpty();
    assertThat(features.isEnabled("recommendations")).isTrue();
    Episode e = h.journal().recent(1).get(0);
    assertThat(e.dryRun()).isTrue();
    assertThat(e.outcome()).contains(Outcome.GAVE_UP);
    assertThat(e.steps()).extracting(StepRecord::action).containsExactly("reconnectPool", "drain", "degrade-reduced");
    assertThat(e.steps()).allSatisfy(s -> assertThat(s.status()).contains(ActionResult.Status.DRY_RUN));
  }

  @Test
  void drainHoldsReadinessDownUntilTheEpisodeEnds() {
    AtomicBoolean readyDuringRepair = new AtomicBoolean(true);
    Healer h = start(healer().plan(RecoveryPlan.when(Trigger.signal("cache-corrupt")).target("cache")
        .then(Actions.sequence("drainAndRebuild", Actions.drain(health), Action.run("rebuild", () ->
            readyDuringRepair.set(health.status(CheckKind.READINESS) != HealthStatus.DOWN))))
        .verifyWithin(Duration.ofSeconds(10)).build()));
    h.raise("cache-corrupt", "checksum mismatch");
    clock.runDueTasks();
    assertThat(readyDuringRepair).isFalse();
    assertThat(health.status(CheckKind.READINESS)).isEqualTo(HealthStatus.DOWN);
    h.resolve("cache-corrupt", "rebuilt");
    assertThat(h.journal().recent(1).get(0).outcome()).contains(Outcome.RECOVERED);
    assertThat(health.status(CheckKind.READINESS)).isEqualTo(HealthStatus.UP);
  }

  @Test
  void degradeStepSwitchesFeaturesOffForTheEpisodeOnly() {
    Features features = new Features();
    features.define("recommendations", DegradationLevel.REDUCED);
    features.define("checkout-upsell", DegradationLevel.ESSENTIAL_ONLY);
    Healer h = start(healer().plan(RecoveryPlan.when(Trigger.signal("overload"))
        .then(Actions.degrade(features, DegradationLevel.REDUCED)).verifyWithin(Duration.ofMinutes(5)).build()));
    h.raise("overload", "p95 above 300 ms");
    clock.runDueTasks();
    assertThat(features.level()).isEqualTo(DegradationLevel.REDUCED);
    assertThat(features.isEnabled("recommendations")).isFalse();
    assertThat(features.isEnabled("checkout-upsell")).isTrue();
    clock.advance(Duration.ofSeconds(30));
    h.resolve("overload", "p95 back to 40 ms");
    assertThat(features.level()).isEqualTo(DegradationLevel.NORMAL);
    assertThat(features.feature("recommendations").isEnabled()).isTrue();
    assertThat(h.journal().recent(1).get(0).timeToRecover()).contains(Duration.ofSeconds(30));
  }

  @Test
  void triggerMustHoldForItsMinimumDuration() {
    Healer h = start(healer().plan(RecoveryPlan.when(Trigger.signal("circuitbreaker", "payments").forAtLeast(Duration.ofSeconds(30)))
        .then(recording("resetClient", () -> {})).build()));
    h.accept(signal("circuitbreaker", "payments", true));
    clock.advance(Duration.ofSeconds(20));
    h.accept(signal("circuitbreaker", "payments", false));
    clock.advance(Duration.ofSeconds(20));
    assertThat(ran).as("closed again before 30 s").isEmpty();
    h.accept(signal("circuitbreaker", "payments", true));
    clock.advance(Duration.ofSeconds(29));
    assertThat(ran).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    assertThat(ran).containsExactly("resetClient");
    assertThat(h.journal().open().get(0).timeToDetect()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void replayedAlertsNeverOpenASecondEpisode() {
    Healer h = start(healer().cooldown(Duration.ZERO).plan(RecoveryPlan.when(Trigger.alert("alertname=HighErrorRate", "service=orders"))
        .then(recording("restart", () -> {})).build()));
    Signal alert = Signal.alert("HighErrorRate", true, Map.of("alertname", "HighErrorRate", "service", "orders"),
        java.util.Optional.of("abc123"), java.time.Instant.parse("2026-01-01T00:00:00Z"), "error rate 7%",
        clock.now(), clock.nanoTime());
    h.accept(alert);
    clock.runDueTasks();
    h.accept(Signal.alert("HighErrorRate", false, alert.labels(), java.util.Optional.of("abc123"),
        java.time.Instant.parse("2026-01-01T00:00:00Z"), "resolved", clock.now(), clock.nanoTime()));
    assertThat(h.journal().recent(1).get(0).outcome()).contains(Outcome.RECOVERED);
    h.accept(alert);
    clock.runDueTasks();
    assertThat(ran).containsExactly("restart");
    assertThat(events.events()).filteredOn(e -> e.type() == HealEvent.Type.IGNORED).singleElement()
        .satisfies(e -> assertThat(e.message()).contains("replayed alert"));
    h.accept(signal(Signal.ALERT, "DiskFull", true));
    assertThat(events.events()).filteredOn(e -> e.type() == HealEvent.Type.IGNORED).last()
        .satisfies(e -> assertThat(e.message()).contains("no recovery plan matches"));
  }

  @Test
  void episodeEndsAfterTheMaximumDuration() {
    Healer h = start(healer().maxEpisodeDuration(Duration.ofMinutes(1))
        .plan(RecoveryPlan.when(Trigger.signal("stuck")).then(recording("fix", () -> {})).verifyWithin(Duration.ofMinutes(10)).build()));
    h.raise("stuck", "stuck");
    clock.advance(Duration.ofMinutes(1));
    assertThat(h.journal().recent(1).get(0).outcome()).contains(Outcome.TIMED_OUT);
  }

  @Test
  void throwingListenerNeverBreaksHealing() {
    Healer h = start(healer().listener(e -> {
      throw new IllegalStateException("listener bug");
    }).plan(RecoveryPlan.when(Trigger.check("db")).then(recording("fix", () -> dbUp.set(true))).build()));
    dbUp.set(false);
    clock.advance(Duration.ofSeconds(2));
    assertThat(h.journal().recent(1).get(0).outcome()).contains(Outcome.RECOVERED);
    assertThat(h.listenerFailures()).isGreaterThan(0);
  }

  @Test
  void misconfiguredPlansFailWithClearMessages() {
    assertThatThrownBy(() -> RecoveryPlan.when(Trigger.check("db")).build())
        .hasMessageContaining("needs at least one step");
    assertThatThrownBy(() -> RecoveryPlan.when(Trigger.check("db")).attempts(2))
        .hasMessageContaining("attempts() configures a step: call then(action) first");
    assertThatThrownBy(() -> RecoveryPlan.when(Trigger.check("db")).escalateTo(Action.run("x", () -> {})))
        .hasMessageContaining("call then(action) before escalateTo");
    assertThatThrownBy(() -> Trigger.alert("alertname")).hasMessageContaining("label=value");
    assertThatThrownBy(() -> Trigger.signal("x").forConsecutive(3)).hasMessageContaining("health check triggers only");
    RecoveryPlan p = RecoveryPlan.when(Trigger.check("db")).then(Action.run("x", () -> {})).build();
    assertThatThrownBy(() -> Healer.builder().plan(p).plan(p).build()).hasMessageContaining("two recovery plans are named");
  }

  private Signal signal(String source, String name, boolean firing) {
    return new Signal(source, name, firing, Map.of(), name + (firing ? " firing" : " resolved"), clock.now(), clock.nanoTime());
  }
}
