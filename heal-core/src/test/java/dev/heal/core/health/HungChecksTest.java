package dev.heal.core.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.heal.core.time.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Issue 11, item 10: hung checks must not starve healthy ones or make the pod unready. */
class HungChecksTest {
  /** Awaitility for the real pool threads: polls often, gives up after 10 s. */
  private static ConditionFactory soon() {
    return await().pollInterval(Duration.ofMillis(2)).atMost(Duration.ofSeconds(10));
  }

  private final ManualClock clock = new ManualClock();
  private final List<AutoCloseable> cleanup = new ArrayList<>();
  private final CountDownLatch releaseHung = new CountDownLatch(1);

  @AfterEach
  void tearDown() throws Exception {
    releaseHung.countDown();
    for (AutoCloseable c : cleanup) {
      c.close();
    }
  }

  private HealthRegistry register(HealthRegistry r) {
    cleanup.add(r);
    return r;
  }

  private static HealthCheckConfig.Builder cfg(String name) {
    return HealthCheckConfig.builder(name).interval(Duration.ofSeconds(1)).timeout(Duration.ofMillis(300))
        .failureThreshold(1);
  }

  /** Loops ignoring interrupts, like a blocking socket read, until the test ends. */
  private HealthCheck hungIgnoringInterrupts(AtomicInteger entered) {
    return () -> {
      entered.incrementAndGet();
      while (true) {
        try {
          releaseHung.await();
          return HealthResult.up();
        } catch (InterruptedException ignored) {
          // a blocking read that does not notice interrupts
        }
      }
    };
  }

  private static List<HealthStatus> recordStatuses(HealthRegistry r, String check) {
    List<HealthStatus> seen = new CopyOnWriteArrayList<>();
    r.addListener(new HealthListener() {
      @Override
      public void onResult(CheckState state) {
        if (state.name().equals(check)) {
          seen.add(state.status());
        }
      }
    });
    return seen;
  }

  @Test
  void fourHungNonCriticalChecksNeitherStarveAHealthyCriticalCheckNorMakeThePodUnready() {
    // The reproduction of issue 11 item 10: default pool of 4, four critical(false) checks whose
    // bodies loop ignoring interrupts, one healthy critical check registered after them.
    HealthRegistry r = register(HealthRegistry.builder().clock(clock).build());
    AtomicInteger hungEntered = new AtomicInteger();
    for (int i = 1; i <= 4; i++) {
      r.register(cfg("hung-" + i).critical(false).build(), hungIgnoringInterrupts(hungEntered));
    }
    AtomicInteger healthyRuns = new AtomicInteger();
    r.register(cfg("db").build(), () -> {
      healthyRuns.incrementAndGet();
      return HealthResult.up();
    });
    List<HealthStatus> dbStatuses = recordStatuses(r, "db");
    List<HealthStatus> readiness = new CopyOnWriteArrayList<>();
    r.start();
    clock.runDueTasks();
    soon().until(() -> hungEntered.get() == 4 && r.threads().waiting() == 1);

    clock.advance(Duration.ofMillis(300)); // the hung checks time out; db's timeout has not begun
    assertThat(r.state("hung-1").orElseThrow().lastError()).contains("timed out after 300 ms");
    assertThat(r.state("db").orElseThrow().status()).isEqualTo(HealthStatus.UNKNOWN);
    assertThat(r.state("db").orElseThrow().lastError()).isEmpty();

    clock.advance(Duration.ofMillis(700)); // db is due again but still has no thread: it says so
    CheckState waiting = r.state("db").orElseThrow();
    assertThat(waiting.status()).isEqualTo(HealthStatus.UNKNOWN);
    assertThat(waiting.waiting().orElseThrow())
        .startsWith("waiting for a free health-check thread: 4 threads held by hung checks");
    assertThat(r.threads().hung()).isEqualTo(4);

    clock.advance(Duration.ofMillis(300)); // 1 s after the interrupt: four threads abandoned, replaced
    assertThat(r.threads().abandoned()).isEqualTo(4);
    soon().until(() -> healthyRuns.get() == 1);
    soon().until(() -> r.state("db").orElseThrow().runs() == 1);
    assertThat(r.state("db").orElseThrow().status()).isEqualTo(HealthStatus.UP);
    assertThat(r.state("db").orElseThrow().waiting()).isEmpty();
    assertThat(r.status(CheckKind.READINESS)).isEqualTo(HealthStatus.DEGRADED);
    r.addListener(new HealthListener() {
      @Override
      public void onProbeChange(CheckKind kind, HealthStatus from, HealthStatus to) {
        if (kind == CheckKind.READINESS) {
          readiness.add(to);
        }
      }
    });

    // From now on db keeps its 1 s interval, stays UP, and readiness never answers 503.
    for (int i = 2; i <= 11; i++) {
      clock.advance(Duration.ofSeconds(1));
      int expected = i;
      soon().until(() -> r.state("db").orElseThrow().runs() == expected);
      assertThat(r.status(CheckKind.READINESS)).isNotEqualTo(HealthStatus.DOWN);
    }
    assertThat(healthyRuns).hasValue(11);
    assertThat(dbStatuses).containsOnly(HealthStatus.UP);
    assertThat(readiness).doesNotContain(HealthStatus.DOWN);
    assertThat(r.state("hung-2").orElseThrow().lastError().orElseThrow())
        .startsWith("previous run has not returned after");
    assertThat(hungEntered).hasValue(4); // a hung check is never started again while stuck
    CheckThreads threads = r.snapshot().threads();
    assertThat(threads).isEqualTo(new CheckThreads(4, HealthRegistry.DEFAULT_MAX_ABANDONED_THREADS, 4, 0, 4, 4, 4));
  }

  @Test
  void aChecksTimeoutDoesNotCountWhileItWaitsForAPoolThread() {
    // The interruptible-hang variant: four checks block until interrupted; the fifth is queued
    // behind them and then needs 200 ms of its 300 ms timeout once it runs.
    HealthRegistry r = register(HealthRegistry.builder().clock(clock).build());
    AtomicInteger slowEntered = new AtomicInteger();
    for (int i = 1; i <= 4; i++) {
      r.register(cfg("slow-" + i).critical(false).build(), () -> {
        slowEntered.incrementAndGet();
        new CountDownLatch(1).await(); // interruptible: returns on the timeout's interrupt
        return HealthResult.up();
      });
    }
    CountDownLatch dbEntered = new CountDownLatch(1);
    CountDownLatch dbAnswer = new CountDownLatch(1);
    cleanup.add(dbAnswer::countDown);
    r.register(cfg("db").build(), () -> {
      dbEntered.countDown();
      dbAnswer.await();
      return HealthResult.up();
    });
    r.start();
    clock.runDueTasks();
    soon().until(() -> slowEntered.get() == 4 && r.threads().waiting() == 1);

    clock.advance(Duration.ofMillis(300)); // 300 ms in the queue: the slow ones time out, db starts
    soon().until(() -> dbEntered.getCount() == 0);
    soon().until(() -> r.threads().running() == 1); // the interrupted ones have returned
    clock.advance(Duration.ofMillis(200)); // db works for 200 ms of its 300 ms
    assertThat(r.state("db").orElseThrow().runs()).isZero();
    dbAnswer.countDown();
    soon().until(() -> r.state("db").orElseThrow().runs() == 1);
    CheckState db = r.state("db").orElseThrow();
    assertThat(db.status()).isEqualTo(HealthStatus.UP);
    assertThat(db.lastError()).isEmpty();
    assertThat(db.lastDuration()).contains(Duration.ofMillis(200));
    assertThat(r.status(CheckKind.READINESS)).isEqualTo(HealthStatus.DEGRADED);
    assertThat(r.threads().abandoned()).isZero();
  }

  @Test
  void aCheckThatCannotGetAThreadSaysSoKeepsItsLastStatusAndIsShownInHealthAndMetrics() throws Exception {
    // No replacements at all and one thread: the hung check takes it for good.
    HealthRegistry r =
        register(HealthRegistry.builder().clock(clock).poolSize(1).maxAbandonedThreads(0).build());
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    new HealthMetrics(r).bindTo(meters);
    AtomicInteger dbRuns = new AtomicInteger();
    r.register(cfg("db").build(), () -> {
      dbRuns.incrementAndGet();
      return HealthResult.up();
    });
    AtomicInteger hungEntered = new AtomicInteger();
    r.register(cfg("recommendations").critical(false).initialDelay(Duration.ofMillis(500)).build(),
        hungIgnoringInterrupts(hungEntered));
    r.start();
    clock.runDueTasks();
    soon().until(() -> r.state("db").orElseThrow().runs() == 1);
    clock.advance(Duration.ofMillis(500));
    soon().until(() -> hungEntered.get() == 1);

    clock.advance(Duration.ofSeconds(30));
    CheckState db = r.state("db").orElseThrow();
    assertThat(dbRuns).hasValue(1);
    assertThat(db.status()).isEqualTo(HealthStatus.UP);
    assertThat(db.waiting().orElseThrow())
        .isEqualTo("waiting for a free health-check thread: 1 threads held by hung checks (1 abandoned, "
            + "replacements at most 0); due 29 s ago");
    assertThat(r.status(CheckKind.READINESS)).isEqualTo(HealthStatus.DEGRADED);
    assertThat(r.threads()).isEqualTo(new CheckThreads(1, 0, 1, 1, 1, 1, 0));

    assertThat(meters.get("heal.health.threads.abandoned").gauge().value()).isEqualTo(1.0);
    assertThat(meters.get("heal.health.checks.waiting").gauge().value()).isEqualTo(1.0);
    assertThat(meters.get("heal.health.checks.hung").gauge().value()).isEqualTo(1.0);
    assertThat(meters.get("heal.health.threads.replaced").functionCounter().count()).isZero();

    // What the probes answer (rendered by heal-http's ProbeHandler from this snapshot).
    assertThat(r.snapshot().status(CheckKind.READINESS).isPassing()).isTrue();
    assertThat(r.snapshot().threads()).isEqualTo(new CheckThreads(1, 0, 1, 1, 1, 1, 0));
  }

  @Test
  void withReplacementsTheSameSetupKeepsTheHealthyCheckRunning() {
    // The counterpart of the test above with one replacement allowed.
    HealthRegistry r =
        register(HealthRegistry.builder().clock(clock).poolSize(1).maxAbandonedThreads(1).build());
    AtomicInteger hungEntered = new AtomicInteger();
    r.register(cfg("recommendations").critical(false).build(), hungIgnoringInterrupts(hungEntered));
    r.register(cfg("db").build(), HealthResult::up);
    r.start();
    clock.runDueTasks();
    soon().until(() -> hungEntered.get() == 1);
    clock.advance(Duration.ofMillis(1300)); // timeout + abandonAfter
    soon().until(() -> r.state("db").orElseThrow().runs() == 1);
    for (int i = 2; i <= 5; i++) {
      clock.advance(Duration.ofSeconds(1));
      int expected = i;
      soon().until(() -> r.state("db").orElseThrow().runs() == expected);
    }
    assertThat(r.threads().replaced()).isEqualTo(1);
    assertThat(r.status(CheckKind.READINESS)).isEqualTo(HealthStatus.DEGRADED);

    releaseHung.countDown(); // the hung body returns: the replacement goes away again
    soon().until(() -> r.threads().abandoned() == 0 && r.threads().hung() == 0);
    clock.advance(Duration.ofSeconds(1));
    soon().until(() -> r.state("recommendations").orElseThrow().status() == HealthStatus.UP);
  }

  @Test
  void builderRejectsBadThreadSettingsNamingThem() {
    assertThatThrownBy(() -> HealthRegistry.builder().maxAbandonedThreads(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("maxAbandonedThreads must not be negative: -1");
    assertThatThrownBy(() -> HealthRegistry.builder().abandonAfter(Duration.ofMillis(-5)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("abandonAfter must not be negative: PT-0.005S");
    assertThatThrownBy(() -> HealthRegistry.builder().poolSize(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("poolSize must be at least 1: 0");
  }
}
