package dev.heal.core.healer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.heal.core.alerts.AlertReplayGuard;
import dev.heal.core.health.HealthCheckConfig;
import dev.heal.core.health.HealthRegistry;
import dev.heal.core.health.HealthResult;
import dev.heal.core.time.InlineExecutorService;
import dev.heal.core.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The reproductions of issue 11, one named test each: every one failed on the old healer. */
class HealerReproductionTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private final ManualClock clock = new ManualClock();
  private final RecordingListener events = new RecordingListener();
  private final List<AutoCloseable> cleanup = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : cleanup) {
      c.close();
    }
  }

  private ExecutorService pool(int n) {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    cleanup.add(pool::shutdownNow);
    return pool;
  }

  private Healer track(Healer h) {
    cleanup.add(0, h);
    return h;
  }

  private CountDownLatch latch() {
    CountDownLatch l = new CountDownLatch(1);
    cleanup.add(0, l::countDown);
    return l;
  }

  /** Blocks until {@code release}, ignoring interrupts (like a blocking socket read). */
  private static void awaitIgnoringInterrupts(CountDownLatch release) {
    boolean interrupted = false;
    while (release.getCount() > 0) {
      try {
        release.await();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static Signal alert(String name, String fingerprint, Instant startsAt, boolean firing, ManualClock clock) {
    return Signal.alert(name, firing, Map.of("alertname", name), Optional.of(fingerprint), startsAt,
        name + " " + fingerprint, clock.now(), clock.nanoTime());
  }

  // 1 ---------------------------------------------------------------------------------------------

  @Test
  void anActionNeverRunsForAnEpisodeThatEndedWhileItWaitedForAThread() {
    CountDownLatch releaseX = latch();
    AtomicInteger yRan = new AtomicInteger();
    AtomicBoolean xStarted = new AtomicBoolean();
    Healer h = track(Healer.builder().clock(clock).executor(pool(1)).eventExecutor(Runnable::run).listener(events)
        .plan(RecoveryPlan.when(Trigger.signal("x")).then(Action.run("fixX", () -> {
          xStarted.set(true);
          releaseX.await();
        })).build())
        .plan(RecoveryPlan.when(Trigger.signal("y")).then(Action.run("fixY", yRan::incrementAndGet)).build())
        .build());
    h.raise("x", "x broken");
    await().atMost(WAIT).untilTrue(xStarted);
    h.raise("y", "y broken");
    h.resolve("y", "y fine again");
    Episode y = h.journal().recent(1).get(0);
    assertThat(y.outcome()).contains(Outcome.RECOVERED);
    assertThat(y.steps()).as("the queued attempt never started").isEmpty();
    releaseX.countDown();
    await().atMost(WAIT).until(() -> h.journal().find("ep-1").get().steps().get(0).status().isPresent());
    assertThat(yRan).as("y's action never runs for its closed episode").hasValue(0);
  }

  @Test
  void twoAttemptsNeverRunAtOnceOnOneTargetEvenAfterATimeout() {
    CountDownLatch release = latch();
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();
    AtomicInteger started = new AtomicInteger();
    Healer h = track(Healer.builder().clock(clock).executor(pool(2)).eventExecutor(Runnable::run).listener(events)
        .cooldown(Duration.ZERO)
        .plan(RecoveryPlan.when(Trigger.signal("y")).then(Action.run("fixY", () -> {
          started.incrementAndGet();
          maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
          try {
            awaitIgnoringInterrupts(release);
          } finally {
            running.decrementAndGet();
          }
        })).attempts(2).backoff(Duration.ZERO).timeout(Duration.ofMillis(200)).build())
        .build());
    h.raise("y", "broken");
    await().atMost(WAIT).until(() -> started.get() == 1);
    clock.advance(Duration.ofMillis(200));
    assertThat(events.types()).contains(HealEvent.Type.STEP_TIMED_OUT);
    clock.advance(Duration.ofSeconds(1));
    assertThat(started).as("the retry waits for the hung attempt to return").hasValue(1);
    release.countDown();
    await().atMost(WAIT).until(() -> started.get() == 2);
    assertThat(maxRunning).as("attempts on one target at once").hasValue(1);
  }

  // 2 ---------------------------------------------------------------------------------------------

  @Test
  void aHungActionIsInterruptedWhenItsEpisodeEndsAndFreesItsThread() {
    AtomicBoolean interrupted = new AtomicBoolean();
    AtomicBoolean started = new AtomicBoolean();
    AtomicInteger zRan = new AtomicInteger();
    CountDownLatch never = latch();
    Healer h = track(Healer.builder().clock(clock).executor(pool(1)).eventExecutor(Runnable::run)
        .maxEpisodeDuration(Duration.ofSeconds(5))
        .plan(RecoveryPlan.when(Trigger.signal("x")).then(Action.run("hangs", () -> {
          started.set(true);
          try {
            never.await();
          } catch (InterruptedException e) {
            interrupted.set(true);
            throw e;
          }
        })).timeout(Duration.ofMinutes(1)).build())
        .plan(RecoveryPlan.when(Trigger.signal("z")).then(Action.run("fixZ", zRan::incrementAndGet)).build())
        .build());
    h.raise("x", "broken");
    await().atMost(WAIT).untilTrue(started);
    clock.advance(Duration.ofSeconds(4));
    h.raise("z", "broken too"); // queued behind the hung action on the pool's only thread
    clock.advance(Duration.ofSeconds(1));
    assertThat(h.journal().find("ep-1").flatMap(Episode::outcome)).contains(Outcome.TIMED_OUT);
    await().atMost(WAIT).untilTrue(interrupted);
    await().atMost(WAIT).until(() -> zRan.get() == 1);
    await().atMost(WAIT).until(() -> h.journal().find("ep-1").get().steps().get(0).status().isPresent());
    assertThat(h.journal().find("ep-1").get().steps().get(0).message()).contains("interrupted")
        .contains("after episode ep-1 ended TIMED_OUT");
  }

  // 3 ---------------------------------------------------------------------------------------------

  @Test
  void nothingRunsAfterCloseReturnsWithACallerSuppliedExecutor() {
    List<Runnable> queue = new ArrayList<>();
    AtomicInteger ran = new AtomicInteger();
    ExecutorService executor = new java.util.concurrent.AbstractExecutorService() {
      @Override
      public void execute(Runnable command) {
        queue.add(command);
      }

      @Override
      public void shutdown() { }

      @Override
      public List<Runnable> shutdownNow() {
        return List.of();
      }

      @Override
      public boolean isShutdown() {
        return false;
      }

      @Override
      public boolean isTerminated() {
        return false;
      }

      @Override
      public boolean awaitTermination(long timeout, java.util.concurrent.TimeUnit unit) {
        return true;
      }
    };
    Healer h = Healer.builder().clock(clock).executor(executor).eventExecutor(Runnable::run)
        .plan(RecoveryPlan.when(Trigger.signal("x")).then(Action.run("fix", ran::incrementAndGet)).build())
        .build();
    h.raise("x", "broken");
    assertThat(queue).hasSize(1);
    h.close();
    queue.forEach(Runnable::run);
    assertThat(ran).hasValue(0);
    assertThat(h.journal().recent(1).get(0).outcome()).contains(Outcome.CANCELLED);
    assertThat(h.internalSizes()).containsEntry("attempts", 0).containsEntry("engine.attempts", 0);
  }

  // 4 ---------------------------------------------------------------------------------------------

  @Test
  void aListenerThrowingAnErrorNeverBreaksTheLoop() {
    AtomicInteger ran = new AtomicInteger();
    Healer h = track(Healer.builder().clock(clock).executor(new InlineExecutorService())
        .maxEpisodeDuration(Duration.ofMinutes(1))
        .listener(e -> {
          if (e.type() == HealEvent.Type.EPISODE_OPENED) {
            throw new AssertionError("listener assertion");
          }
        })
        .plan(RecoveryPlan.when(Trigger.signal("x")).then(Action.run("fix", ran::incrementAndGet))
            .verifyWithin(Duration.ofHours(1)).build())
        .build());
    h.raise("x", "broken");
    assertThat(ran).as("the first attempt ran").hasValue(1);
    assertThat(h.listenerFailures()).isEqualTo(1);
    clock.advance(Duration.ofMinutes(1));
    assertThat(h.journal().recent(1).get(0).outcome()).as("the max-duration timer was set").contains(Outcome.TIMED_OUT);
  }

  @Test
  void aLinkageErrorInAListenerDuringCloseLeavesTheHealerClosed() {
    AtomicInteger ran = new AtomicInteger();
    Healer h = Healer.builder().clock(clock).executor(new InlineExecutorService())
        .listener(e -> {
          if (e.type() == HealEvent.Type.EPISODE_CLOSED) {
            throw new NoClassDefFoundError("listener linkage");
          }
        })
        .plan(RecoveryPlan.when(Trigger.signal("x")).then(Action.run("fix", ran::incrementAndGet))
            .verifyWithin(Duration.ofHours(1)).build())
        .build();
    h.raise("x", "broken");
    h.close();
    h.raise("x", "broken again");
    h.raise("y", "other");
    assertThat(ran).hasValue(1);
    assertThat(h.listenerFailures()).isEqualTo(1);
    assertThat(h.journal().recent(1).get(0).outcome()).contains(Outcome.CANCELLED);
  }

  @Test
  void anActionThrowingStackOverflowErrorIsJournaledWithTheError() {
    Healer h = track(Healer.builder().clock(clock).executor(pool(1)).eventExecutor(Runnable::run)
        .plan(RecoveryPlan.when(Trigger.signal("x")).then(Action.run("recurse", () -> {
          throw new StackOverflowError("deep");
        })).build())
        .build());
    h.raise("x", "broken");
    // The error is journaled, then rethrown on the pool thread (a VirtualMachineError is not swallowed).
    await().dontCatchUncaughtExceptions().atMost(WAIT).until(() -> !h.journal().recent(1).get(0).steps().isEmpty()
        && h.journal().recent(1).get(0).steps().get(0).status().isPresent());
    StepRecord r = h.journal().recent(1).get(0).steps().get(0);
    assertThat(r.status()).contains(ActionResult.Status.FAILED);
    assertThat(r.message()).isEqualTo("java.lang.StackOverflowError: deep");
  }

  /**
   * Found in review: on heal's own pool, an attempt the machine permitted and that was interrupted
   * before its body ran (here: a listener closes the healer on STEP_STARTED, inside the permission)
   * is skipped by the pool; it must still return, or its target stays busy forever.
   */
  @Test
  void anAttemptInterruptedBetweenPermissionAndStartStillReturns() {
    Healer[] healer = new Healer[1];
    AtomicInteger ran = new AtomicInteger();
    Healer h = Healer.builder().clock(clock).eventExecutor(Runnable::run).listener(events)
        .listener(e -> {
          if (e.type() == HealEvent.Type.STEP_STARTED) {
            healer[0].close();
          }
        })
        .plan(RecoveryPlan.when(Trigger.signal("x")).then(Action.run("fix", ran::incrementAndGet)).build())
        .build();
    healer[0] = h;
    cleanup.add(0, h);
    h.raise("x", "broken");
    await().atMost(WAIT).until(() -> events.count(HealEvent.Type.STEP_FINISHED) == 1);
    assertThat(ran).hasValue(0);
    StepRecord r = h.journal().recent(1).get(0).steps().get(0);
    assertThat(r.status()).contains(ActionResult.Status.FAILED);
    assertThat(r.message()).startsWith("not run: ").contains("before the call started");
    assertThat(h.internalSizes()).containsEntry("attempts", 0).containsEntry("busy", 0);
  }

  // 5 ---------------------------------------------------------------------------------------------

  @Test
  void aListenerResolvingOnStepStartedNeverLetsAnActionRunForAClosedEpisode() {
    List<Boolean> openWhenRunning = new CopyOnWriteArrayList<>();
    Healer[] healer = new Healer[1];
    Healer h = track(Healer.builder().clock(clock).executor(new InlineExecutorService())
        .listener(e -> {
          if (e.type() == HealEvent.Type.STEP_STARTED) {
            healer[0].resolve("x", "resolved by a listener");
          }
        })
        .plan(RecoveryPlan.when(Trigger.signal("x")).then(Action.of("fix", ctx -> {
          openWhenRunning.add(healer[0].journal().find(ctx.episodeId()).orElseThrow().isOpen());
          return ActionResult.succeeded("fixed");
        })).build())
        .build());
    healer[0] = h;
    h.raise("x", "broken");
    assertThat(openWhenRunning).containsExactly(true);
    Episode e = h.journal().recent(1).get(0);
    assertThat(e.outcome()).contains(Outcome.RECOVERED);
    assertThat(e.steps()).singleElement().satisfies(s -> assertThat(s.status()).contains(ActionResult.Status.SUCCEEDED));
  }

  // 6 ---------------------------------------------------------------------------------------------

  @Test
  void aPlanThatGaveUpIsNotRetriedUntilItsTriggerClearsAndFiresAnew() {
    AtomicBoolean up = new AtomicBoolean(false);
    AtomicInteger ran = new AtomicInteger();
    HealthRegistry health = HealthRegistry.builder().clock(clock).executor(new InlineExecutorService()).build();
    cleanup.add(health);
    health.register(HealthCheckConfig.builder("db").interval(Duration.ofMillis(500)).failureThreshold(1).build(),
        () -> up.get() ? HealthResult.up() : HealthResult.down("refused"));
    Healer h = track(Healer.builder().clock(clock).executor(new InlineExecutorService()).health(health)
        .cooldown(Duration.ofSeconds(1))
        .plan(RecoveryPlan.when(Trigger.check("db")).then(Action.run("fix", ran::incrementAndGet))
            .verifyWithin(Duration.ofMillis(500)).build())
        .build());
    health.start();
    clock.advance(Duration.ofSeconds(5));
    assertThat(ran).as("one action, not one per cooldown").hasValue(1);
    assertThat(h.journal().recentActed(10)).singleElement()
        .satisfies(e -> assertThat(e.outcome()).contains(Outcome.GAVE_UP));
    up.set(true);
    clock.advance(Duration.ofSeconds(1));
    up.set(false);
    clock.advance(Duration.ofSeconds(1));
    assertThat(ran).as("cleared and fired anew").hasValue(2);
  }

  // 7 ---------------------------------------------------------------------------------------------

  @Test
  void theStepThatRepairedTheTargetIsJournaledWithItsResultAndVerified() {
    AtomicBoolean up = new AtomicBoolean(false);
    CountDownLatch finish = latch();
    HealthRegistry health = HealthRegistry.builder().clock(clock).executor(new InlineExecutorService()).build();
    cleanup.add(health);
    health.register(HealthCheckConfig.builder("db").interval(Duration.ofMillis(100)).failureThreshold(1).build(),
        () -> up.get() ? HealthResult.up() : HealthResult.down("refused"));
    Healer h = track(Healer.builder().clock(clock).executor(pool(1)).eventExecutor(Runnable::run).listener(events)
        .health(health)
        .plan(RecoveryPlan.when(Trigger.check("db")).then(Action.run("reconnect", () -> {
          up.set(true);
          finish.await(); // keeps working after the repair took effect
        })).build())
        .build());
    health.start();
    clock.advance(Duration.ofMillis(100));
    await().atMost(WAIT).until(up::get);
    clock.advance(Duration.ofMillis(500));
    assertThat(h.journal().recent(1).get(0).isOpen()).as("open while its repair still runs").isTrue();
    finish.countDown();
    await().atMost(WAIT).until(() -> h.journal().recent(1).get(0).outcome().isPresent());
    Episode e = h.journal().recent(1).get(0);
    assertThat(e.outcome()).contains(Outcome.RECOVERED);
    assertThat(e.steps()).singleElement().satisfies(s -> {
      assertThat(s.status()).contains(ActionResult.Status.SUCCEEDED);
      assertThat(s.verified()).isTrue();
    });
    assertThat(events.count(HealEvent.Type.STEP_FINISHED)).isEqualTo(1);
  }

  // 8 ---------------------------------------------------------------------------------------------

  @Test
  void anAlertFirstSeenDuringCooldownIsActedOnOnceTheCooldownEnds() {
    AtomicInteger ran = new AtomicInteger();
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    Healer h = track(Healer.builder().clock(clock).executor(new InlineExecutorService()).cooldown(Duration.ofSeconds(2))
        .plan(RecoveryPlan.when(Trigger.alert("alertname=HighErrorRate")).target("orders")
            .then(Action.run("restart", ran::incrementAndGet)).build())
        .build());
    h.accept(alert("HighErrorRate", "A", start, true, clock));
    h.accept(alert("HighErrorRate", "A", start, false, clock));
    h.accept(alert("HighErrorRate", "B", start, true, clock));
    assertThat(ran).hasValue(1);
    clock.advance(Duration.ofMillis(2600));
    h.accept(alert("HighErrorRate", "B", start, true, clock));
    assertThat(ran).as("B was held back, not handled: acted on after the cooldown, once").hasValue(2);
    h.accept(alert("HighErrorRate", "B", start, true, clock));
    assertThat(ran).hasValue(2);
  }

  @Test
  void aReplayIsIgnoredInsideItsWindowEvenAfterElevenThousandOtherAlerts() {
    AtomicInteger ran = new AtomicInteger();
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    Healer h = track(Healer.builder().clock(clock).executor(new InlineExecutorService()).cooldown(Duration.ZERO)
        .plan(RecoveryPlan.when(Trigger.alert("alertname=A")).then(Action.run("restart", ran::incrementAndGet))
            .verifyWithin(Duration.ofHours(2)).build())
        .build());
    h.accept(alert("A", "first", start, true, clock));
    for (int i = 0; i < 11_000; i++) {
      h.accept(alert("A", "other-" + i, start.plusSeconds(1 + i), true, clock));
    }
    h.accept(alert("A", "first", start, false, clock));
    h.accept(alert("A", "first", start, true, clock));
    assertThat(ran).as("the replay of 'first' ran nothing").hasValue(1);
    assertThat(h.internalSizes().get("replays")).isLessThanOrEqualTo(AlertReplayGuard.DEFAULT_CAPACITY);
  }

  @Test
  void everyPerSignalMapForgetsAResolvedAlert() {
    Healer h = track(Healer.builder().clock(clock).executor(new InlineExecutorService()).cooldown(Duration.ZERO)
        .plan(RecoveryPlan.when(Trigger.alert("alertname=Other")).then(Action.run("x", () -> { })).build())
        .build());
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    for (int i = 0; i < 20_000; i++) {
      h.accept(alert("A", "fp-" + i, start, true, clock));
      h.accept(alert("A", "fp-" + i, start, false, clock));
    }
    Map<String, Integer> sizes = h.internalSizes();
    assertThat(sizes).containsEntry("latest", 0).containsEntry("pending", 0).containsEntry("latched", 0);
    assertThat(sizes.get("notes")).isLessThanOrEqualTo(1_000);
  }

  // 9 ---------------------------------------------------------------------------------------------

  @Test
  void aSlowListenerNeverDelaysADecisionAndDropsAreCounted() throws Exception {
    CountDownLatch blocked = latch();
    AtomicInteger ran = new AtomicInteger();
    Healer h = track(Healer.builder().clock(clock).executor(new InlineExecutorService())
        .eventExecutor(Executors.newSingleThreadExecutor()).eventQueueCapacity(8).cooldown(Duration.ZERO)
        .budget(1_000, Duration.ofMinutes(1))
        .listener(e -> awaitIgnoringInterrupts(blocked))
        .plan(RecoveryPlan.when(Trigger.signal("x")).then(Action.run("fix", ran::incrementAndGet)).build())
        .build());
    for (int i = 0; i < 20; i++) {
      h.raise("x", "broken");
      h.resolve("x", "fine");
    }
    assertThat(ran).as("every decision made while the listener blocks").hasValue(20);
    assertThat(h.droppedEvents()).isPositive();
    HealerMetricsProbe.assertDroppedMeter(h);
    blocked.countDown();
  }

  // 11 --------------------------------------------------------------------------------------------

  @Test
  void aTriggerNamingAnUnknownCheckFailsBuildNamingTheKnownOnes() {
    HealthRegistry health = HealthRegistry.builder().clock(clock).build();
    cleanup.add(health);
    health.register(HealthCheckConfig.builder("database").build(), HealthResult::up);
    RecoveryPlan typo = RecoveryPlan.when(Trigger.check("databse")).then(Action.run("x", () -> { })).build();
    assertThatThrownBy(() -> Healer.builder().health(health).plan(typo).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'databse', which is not registered").hasMessageContaining("[database]");
  }

  @Test
  void aCheckTriggerOnAHealerWithoutARegistryFailsBuild() {
    RecoveryPlan p = RecoveryPlan.when(Trigger.check("database")).then(Action.run("x", () -> { })).build();
    assertThatThrownBy(() -> Healer.builder().plan(p).build())
        .hasMessageContaining("has no health registry").hasMessageContaining(".health(registry)");
  }

  // 12 --------------------------------------------------------------------------------------------

  @Test
  void aStormOverFiftyTargetsGivesOneBudgetNoticeAndKeepsRealEpisodes() {
    AtomicInteger ran = new AtomicInteger();
    Healer.Builder b = Healer.builder().clock(clock).executor(new InlineExecutorService()).listener(events)
        .journalSize(20);
    for (int i = 0; i < 50; i++) {
      b.plan(RecoveryPlan.when(Trigger.signal("t" + i)).then(Action.run("fix", ran::incrementAndGet))
          .verifyWithin(Duration.ofMinutes(5)).build());
    }
    Healer h = track(b.build());
    for (int i = 0; i < 50; i++) {
      clock.advance(Duration.ofMillis(20));
      h.raise("t" + i, "storm");
    }
    assertThat(ran).hasValue(10);
    assertThat(h.refusedActions()).isEqualTo(40);
    assertThat(events.count(HealEvent.Type.BUDGET_EXHAUSTED)).as("one notice per budget window").isEqualTo(1);
    assertThat(events.count(HealEvent.Type.EPISODE_OPENED)).isEqualTo(10);
    assertThat(h.journal().recentActed(100)).as("refusals do not push real episodes out").hasSize(10);
    assertThat(h.journal().recent(100)).hasSize(30);
    clock.advance(Duration.ofMinutes(10));
    h.raise("t49", "still broken");
    assertThat(ran).hasValue(11);
  }

  /** Reads the dropped-events meter as Prometheus would. */
  static final class HealerMetricsProbe {
    static void assertDroppedMeter(Healer h) {
      io.micrometer.core.instrument.simple.SimpleMeterRegistry meters =
          new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
      new HealerMetrics(h).bindTo(meters);
      assertThat(meters.get("heal.recovery.events.dropped").functionCounter().count())
          .isEqualTo((double) h.droppedEvents());
    }
  }
}
