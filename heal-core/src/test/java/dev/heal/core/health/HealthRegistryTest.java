package dev.heal.core.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.heal.core.HealException;
import dev.heal.core.time.InlineExecutorService;
import dev.heal.core.time.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthRegistryTest {
  private final ManualClock clock = new ManualClock();
  private final List<AutoCloseable> cleanup = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : cleanup) {
      c.close();
    }
  }

  private HealthRegistry inlineRegistry() {
    HealthRegistry r = HealthRegistry.builder().clock(clock).executor(new InlineExecutorService()).build();
    cleanup.add(r);
    return r;
  }

  private static HealthCheckConfig.Builder cfg(String name) {
    return HealthCheckConfig.builder(name).interval(Duration.ofSeconds(1)).timeout(Duration.ofMillis(500))
        .failureThreshold(1);
  }

  @Test
  void throwingCheckIsDownWithClassAndMessage() {
    HealthRegistry r = inlineRegistry();
    r.register(cfg("db").build(), () -> {
      throw new java.sql.SQLException("connection refused");
    });
    r.start();
    clock.runDueTasks();
    CheckState s = r.state("db").orElseThrow();
    assertThat(s.status()).isEqualTo(HealthStatus.DOWN);
    assertThat(s.lastError()).contains("java.sql.SQLException: connection refused");
    assertThat(r.status(CheckKind.READINESS)).isEqualTo(HealthStatus.DOWN);
  }

  @Test
  void nullReturningCheckIsDownWithAClearMessage() {
    HealthRegistry r = inlineRegistry();
    r.register(cfg("cache").build(), () -> null);
    r.start();
    clock.runDueTasks();
    assertThat(r.state("cache").orElseThrow().lastError())
        .contains("check returned null instead of a HealthResult");
  }

  @Test
  void checkReturningUnknownIsDownSayingWhy() {
    HealthRegistry r = inlineRegistry();
    r.register(cfg("odd").build(), () -> new HealthResult(HealthStatus.UNKNOWN, Map.of(), java.util.Optional.empty()));
    r.start();
    clock.runDueTasks();
    assertThat(r.state("odd").orElseThrow().lastError().orElseThrow()).contains("UNKNOWN is reserved");
  }

  @Test
  void hangingCheckTimesOutWithoutDelayingTheOthers() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    cleanup.add(pool::shutdownNow);
    HealthRegistry r = HealthRegistry.builder().clock(clock).executor(pool).build();
    cleanup.add(r);
    CountDownLatch never = new CountDownLatch(1);
    cleanup.add(never::countDown);
    AtomicInteger hangingRuns = new AtomicInteger();
    r.register(cfg("hangs").build(), () -> {
      hangingRuns.incrementAndGet();
      // Deliberately ignores interruption, like a stuck socket read would.
      while (true) {
        try {
          never.await();
          return HealthResult.up();
        } catch (InterruptedException ignored) {
          // keep hanging
        }
      }
    });
    AtomicInteger fastRuns = new AtomicInteger();
    r.register(cfg("fast").build(), () -> {
      fastRuns.incrementAndGet();
      return HealthResult.up();
    });
    r.start();
    clock.runDueTasks();
    await().atMost(Duration.ofSeconds(5)).until(() -> r.state("fast").orElseThrow().runs() == 1);
    assertThat(r.state("fast").orElseThrow().status()).isEqualTo(HealthStatus.UP);
    assertThat(r.state("hangs").orElseThrow().status()).isEqualTo(HealthStatus.UNKNOWN);

    clock.advance(Duration.ofMillis(500));
    CheckState hung = r.state("hangs").orElseThrow();
    assertThat(hung.status()).isEqualTo(HealthStatus.DOWN);
    assertThat(hung.lastError()).contains("timed out after 500 ms");
    assertThat(hung.lastDuration()).contains(Duration.ofMillis(500));

    // The fast check keeps its schedule; the hanging one is not started again while stuck.
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofSeconds(1));
      int expected = i + 2;
      await().atMost(Duration.ofSeconds(5)).until(() -> r.state("fast").orElseThrow().runs() >= expected);
    }
    assertThat(hangingRuns).hasValue(1);
    assertThat(r.state("hangs").orElseThrow().lastError().orElseThrow())
        .startsWith("previous run has not returned after");
    assertThat(r.state("fast").orElseThrow().status()).isEqualTo(HealthStatus.UP);
  }

  @Test
  void failureThresholdNeedsConsecutiveFailuresAtRegistryLevel() {
    HealthRegistry r = inlineRegistry();
    AtomicReference<HealthResult> next = new AtomicReference<>(HealthResult.up());
    r.register(cfg("db").failureThreshold(3).successThreshold(2).build(), next::get);
    List<HealthTransition> transitions = new ArrayList<>();
    r.addListener(new HealthListener() {
      @Override
      public void onTransition(HealthTransition t) {
        transitions.add(t);
      }
    });
    r.start();
    clock.runDueTasks();
    assertThat(r.state("db").orElseThrow().status()).isEqualTo(HealthStatus.UNKNOWN);
    clock.advance(Duration.ofSeconds(1));
    assertThat(r.state("db").orElseThrow().status()).isEqualTo(HealthStatus.UP);
    next.set(HealthResult.down("refused"));
    clock.advance(Duration.ofSeconds(2));
    assertThat(r.state("db").orElseThrow().status()).isEqualTo(HealthStatus.UP);
    clock.advance(Duration.ofSeconds(1));
    assertThat(r.state("db").orElseThrow().status()).isEqualTo(HealthStatus.DOWN);
    next.set(HealthResult.up());
    clock.advance(Duration.ofSeconds(1));
    assertThat(r.state("db").orElseThrow().status()).isEqualTo(HealthStatus.DOWN);
    clock.advance(Duration.ofSeconds(1));
    assertThat(r.state("db").orElseThrow().status()).isEqualTo(HealthStatus.UP);
    assertThat(transitions).extracting(HealthTransition::to)
        .containsExactly(HealthStatus.UP, HealthStatus.DOWN, HealthStatus.UP);
    assertThat(transitions.get(1).at()).isEqualTo(clock.now().minusSeconds(2));
  }

  @Test
  void degradedStaysReadyAndVisible() {
    HealthRegistry r = inlineRegistry();
    r.register(cfg("payments").build(), () -> HealthResult.degraded("circuit open, using fallback"));
    r.register(cfg("db").build(), HealthResult::up);
    r.start();
    clock.runDueTasks();
    assertThat(r.status(CheckKind.READINESS)).isEqualTo(HealthStatus.DEGRADED);
    assertThat(r.status(CheckKind.READINESS).isPassing()).isTrue();
    assertThat(r.snapshot().overall()).isEqualTo(HealthStatus.DEGRADED);
  }

  @Test
  void nonCriticalCheckNeverMakesTheServiceUnready() {
    HealthRegistry r = inlineRegistry();
    r.register(cfg("recommendations").critical(false).build(), () -> HealthResult.down("timeout"));
    r.register(cfg("db").build(), HealthResult::up);
    r.start();
    clock.runDueTasks();
    assertThat(r.state("recommendations").orElseThrow().status()).isEqualTo(HealthStatus.DOWN);
    assertThat(r.status(CheckKind.READINESS)).isEqualTo(HealthStatus.DEGRADED);
  }

  @Test
  void criticalReadinessCheckDownMakesTheServiceUnreadyButNotDead() {
    HealthRegistry r = inlineRegistry();
    r.register(cfg("db").external(true).build(), () -> HealthResult.down("refused"));
    r.register(cfg("deadlock").liveness().build(), HealthResult::up);
    r.start();
    clock.runDueTasks();
    assertThat(r.status(CheckKind.READINESS)).isEqualTo(HealthStatus.DOWN);
    assertThat(r.status(CheckKind.LIVENESS)).isEqualTo(HealthStatus.UP);
  }

  @Test
  void unknownChecksMakeReadinessAndStartupWaitButNotLiveness() {
    HealthRegistry r = inlineRegistry();
    r.register(cfg("warmup").kinds(CheckKind.STARTUP, CheckKind.READINESS).initialDelay(Duration.ofSeconds(5)).build(),
        HealthResult::up);
    r.register(cfg("loop").liveness().failureThreshold(3).initialDelay(Duration.ofSeconds(5)).build(), HealthResult::up);
    r.start();
    clock.runDueTasks();
    assertThat(r.status(CheckKind.READINESS)).isEqualTo(HealthStatus.DOWN);
    assertThat(r.status(CheckKind.STARTUP)).isEqualTo(HealthStatus.DOWN);
    assertThat(r.status(CheckKind.LIVENESS)).isEqualTo(HealthStatus.UP);
    clock.advance(Duration.ofSeconds(5));
    assertThat(r.status(CheckKind.READINESS)).isEqualTo(HealthStatus.UP);
    assertThat(r.status(CheckKind.STARTUP)).isEqualTo(HealthStatus.UP);
  }

  @Test
  void startupLatchesOnceReached() {
    HealthRegistry r = inlineRegistry();
    AtomicReference<HealthResult> next = new AtomicReference<>(HealthResult.up());
    r.register(cfg("migrations").startup().build(), next::get);
    r.start();
    clock.runDueTasks();
    assertThat(r.status(CheckKind.STARTUP)).isEqualTo(HealthStatus.UP);
    next.set(HealthResult.down("lost"));
    clock.advance(Duration.ofSeconds(3));
    assertThat(r.state("migrations").orElseThrow().status()).isEqualTo(HealthStatus.DOWN);
    assertThat(r.status(CheckKind.STARTUP)).isEqualTo(HealthStatus.UP);
  }

  @Test
  void overridesHoldAProbeDownUntilReleased() {
    HealthRegistry r = inlineRegistry();
    r.register(cfg("db").build(), HealthResult::up);
    List<String> probeChanges = new ArrayList<>();
    r.addListener(new HealthListener() {
      @Override
      public void onProbeChange(CheckKind kind, HealthStatus from, HealthStatus to) {
        probeChanges.add(kind + ":" + from + "->" + to);
      }
    });
    r.start();
    clock.runDueTasks();
    HealthOverride drain = r.forceDown(CheckKind.READINESS, "draining for repair of db");
    assertThat(r.status(CheckKind.READINESS)).isEqualTo(HealthStatus.DOWN);
    assertThat(r.snapshot().overrides().get(CheckKind.READINESS)).containsExactly("draining for repair of db");
    drain.close();
    drain.close();
    assertThat(r.status(CheckKind.READINESS)).isEqualTo(HealthStatus.UP);
    assertThat(probeChanges).containsSubsequence("READINESS:UP->DOWN", "READINESS:DOWN->UP");
  }

  @Test
  void throwingListenerIsIsolatedAndCounted() {
    HealthRegistry r = inlineRegistry();
    List<String> seen = new ArrayList<>();
    r.addListener(new HealthListener() {
      @Override
      public void onResult(CheckState state) {
        if (state.runs() == 2) {
          throw new AssertionError("an Error from a listener is isolated too");
        }
        throw new IllegalStateException("listener bug");
      }
    });
    r.addListener(new HealthListener() {
      @Override
      public void onResult(CheckState state) {
        seen.add(state.name());
      }
    });
    r.register(cfg("db").build(), HealthResult::up);
    r.start();
    clock.advance(Duration.ofSeconds(2));
    assertThat(seen).containsExactly("db", "db", "db");
    assertThat(r.listenerFailures()).isEqualTo(3);
    assertThat(r.status(CheckKind.READINESS)).isEqualTo(HealthStatus.UP);
  }

  @Test
  void requestRunRunsACheckNowAndUnregisteringStopsIt() throws Exception {
    HealthRegistry r = inlineRegistry();
    AtomicInteger runs = new AtomicInteger();
    AutoCloseable reg = r.register(cfg("db").interval(Duration.ofMinutes(1)).build(), () -> {
      runs.incrementAndGet();
      return HealthResult.up();
    });
    r.start();
    clock.runDueTasks();
    r.requestRun("db");
    clock.runDueTasks();
    assertThat(runs).hasValue(2);
    reg.close();
    clock.advance(Duration.ofMinutes(5));
    assertThat(runs).hasValue(2);
    assertThat(r.state("db")).isEmpty();
    assertThatThrownBy(() -> r.requestRun("db")).isInstanceOf(HealException.class).hasMessageContaining("no health check named 'db'");
  }

  @Test
  void registrationErrorsSayWhatIsWrong() {
    HealthRegistry r = inlineRegistry();
    r.register("db", HealthResult::up);
    assertThatThrownBy(() -> r.register("db", HealthResult::up))
        .isInstanceOf(HealException.class).hasMessageContaining("'db' is already registered");
    assertThatThrownBy(() -> HealthCheckConfig.builder("db").liveness().external(true).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("external and would feed liveness");
    assertThat(HealthCheckConfig.builder("db").liveness().external(true).allowExternalLiveness().build().kinds())
        .containsExactly(CheckKind.LIVENESS);
    assertThatThrownBy(() -> HealthCheckConfig.builder("db").failureThreshold(0).build())
        .hasMessageContaining("failureThreshold must be at least 1 for check 'db'");
    assertThatThrownBy(() -> HealthCheckConfig.builder("db").timeout(Duration.ZERO).build())
        .hasMessageContaining("timeout must be positive");
    assertThatThrownBy(() -> HealthCheckConfig.builder("bad name!").build())
        .hasMessageContaining("'bad name!'");
    assertThat(HealthCheckConfig.builder("x").build().kinds()).containsExactly(CheckKind.READINESS);
  }

  @Test
  void closingStopsRunsAndTheDefaultPool() throws Exception {
    HealthRegistry r = HealthRegistry.builder().clock(clock).build();
    AtomicInteger runs = new AtomicInteger();
    r.register(cfg("db").build(), () -> {
      runs.incrementAndGet();
      return HealthResult.up();
    });
    r.start();
    clock.runDueTasks();
    await().atMost(Duration.ofSeconds(5)).until(() -> r.state("db").orElseThrow().runs() == 1);
    r.close();
    assertThat(r.awaitTermination(Duration.ofSeconds(5))).isTrue();
    clock.advance(Duration.ofSeconds(10));
    assertThat(runs).hasValue(1);
    assertThatThrownBy(r::start).isInstanceOf(HealException.class);
    assertThat(TimeUnit.SECONDS).isNotNull();
  }
}
