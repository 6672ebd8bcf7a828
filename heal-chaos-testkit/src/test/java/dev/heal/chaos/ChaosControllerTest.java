package dev.heal.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.heal.core.health.HealthCheck;
import dev.heal.core.health.HealthResult;
import dev.heal.core.health.HealthStatus;
import dev.heal.core.time.HealClock;
import dev.heal.core.time.ManualClock;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ChaosControllerTest {
  interface Inventory {
    int stock(String sku) throws IOException;

    String name();
  }

  private final ManualClock clock = new ManualClock();
  private final ChaosController chaos = ChaosController.builder().seed(42).clock(clock).build();
  private final Inventory real = new Inventory() {
    @Override
    public int stock(String sku) {
      return 7;
    }

    @Override
    public String name() {
      return "real";
    }
  };

  @AfterEach
  void close() {
    chaos.close();
  }

  @Test
  void fixedLatencyAdvancesTheManualClockExactly() {
    Supplier<String> s = chaos.supplier("db", () -> "row");
    try (FaultHandle h = chaos.arm(Fault.latency("db", Duration.ofMillis(250)))) {
      long t0 = clock.nanoTime();
      assertThat(s.get()).isEqualTo("row");
      assertThat(clock.since(t0)).isEqualTo(Duration.ofMillis(250));
      assertThat(h.hits()).isEqualTo(1);
    }
    long t1 = clock.nanoTime();
    s.get();
    assertThat(clock.since(t1)).as("disarmed: no latency").isZero();
  }

  @Test
  void uniformLatencyStaysInItsRangeAndIsSeeded() {
    Supplier<String> s = chaos.supplier("db", () -> "row");
    chaos.arm(Fault.latency("db", LatencyDistribution.uniform(Duration.ofMillis(10), Duration.ofMillis(50))));
    List<Duration> draws = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      long t0 = clock.nanoTime();
      s.get();
      draws.add(clock.since(t0));
    }
    assertThat(draws).allSatisfy(d -> assertThat(d).isBetween(Duration.ofMillis(10), Duration.ofMillis(50)));
    assertThat(draws.stream().distinct().count()).isGreaterThan(10);

    try (ChaosController again = ChaosController.builder().seed(42).clock(new ManualClock()).build()) {
      Supplier<String> s2 = again.supplier("db", () -> "row");
      again.arm(Fault.latency("db", LatencyDistribution.uniform(Duration.ofMillis(10), Duration.ofMillis(50))));
      List<Duration> draws2 = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        long t0 = again.clock().nanoTime();
        s2.get();
        draws2.add(again.clock().since(t0));
      }
      assertThat(draws2).as("same seed, same delays").isEqualTo(draws);
    }
  }

  @Test
  void distributionsAreNonNegativeAndCapped() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(1);
    LatencyDistribution exp = LatencyDistribution.exponential(Duration.ofMillis(100), Duration.ofMillis(300));
    LatencyDistribution normal = LatencyDistribution.normal(Duration.ofMillis(100), Duration.ofMillis(80));
    for (int i = 0; i < 1000; i++) {
      assertThat(exp.sample(r)).isBetween(Duration.ZERO, Duration.ofMillis(300));
      assertThat(normal.sample(r)).isGreaterThanOrEqualTo(Duration.ZERO);
    }
    assertThat(normal.mean()).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void errorFaultThrowsAnInjectedExceptionNamingTheFault() {
    Supplier<String> s = chaos.supplier("db", () -> "row");
    chaos.arm(Fault.error("db"));
    assertThatThrownBy(s::get).isInstanceOf(InjectedFaultException.class)
        .hasMessageContaining("db:error")
        .satisfies(e -> assertThat(((InjectedFaultException) e).fault()).isEqualTo("db:error"));
    assertThat(chaos.hits("db:error")).isEqualTo(1);
  }

  @Test
  void errorRateFailsAboutThatShareDeterministically() {
    Supplier<String> s = chaos.supplier("db", () -> "row");
    chaos.arm(Fault.errorRate("db", 0.3));
    int failures = 0;
    for (int i = 0; i < 2000; i++) {
      try {
        s.get();
      } catch (InjectedFaultException e) {
        failures++;
      }
    }
    assertThat(failures).isBetween(500, 700);
    long expected = failures;
    assertThat(chaos.faultReports()).singleElement().satisfies(r -> {
      assertThat(r.opportunities()).isEqualTo(2000);
      assertThat(r.hits()).isEqualTo(expected);
    });
  }

  @Test
  void failFirstFailsExactlyNCallsThenPasses() throws Exception {
    Callable<String> c = chaos.callable("db", () -> "row");
    chaos.arm(Fault.failFirst("db", 3));
    int failed = 0;
    for (int i = 0; i < 3; i++) {
      try {
        c.call();
      } catch (InjectedFaultException e) {
        failed++;
      }
    }
    assertThat(failed).isEqualTo(3);
    assertThat(c.call()).isEqualTo("row");
    assertThat(chaos.hits("db:fail-first")).isEqualTo(3);
  }

  @Test
  void returnSubstitutesTheValueWithoutCallingTheTarget() throws Exception {
    int[] calls = {0};
    Callable<Integer> c = chaos.callable("pricing", () -> ++calls[0]);
    chaos.arm(Fault.returning("pricing", -1));
    assertThat(c.call()).isEqualTo(-1);
    assertThat(calls[0]).isZero();
  }

  @Test
  void interfaceProxyFaultsMethodsButNotObjectMethodsAndPassesCheckedExceptions() throws Exception {
    Inventory inv = chaos.proxy(Inventory.class, real, "inventory");
    assertThat(inv.stock("a")).isEqualTo(7);
    chaos.arm(Fault.throwing("inventory", "connection reset", () -> new IOException("connection reset")));
    assertThatThrownBy(() -> inv.stock("a")).isInstanceOf(IOException.class).hasMessage("connection reset");
    assertThat(inv.toString()).isNotNull();
    assertThat(chaos.hits("inventory:throw")).isEqualTo(1);
  }

  @Test
  void hangInVirtualTimeLastsUntilTheMaxThenFails() {
    Supplier<String> s = chaos.supplier("db", () -> "row");
    chaos.arm(Fault.hang("db", Duration.ofSeconds(30)));
    long t0 = clock.nanoTime();
    assertThatThrownBy(s::get).isInstanceOf(InjectedFaultException.class).hasMessageContaining("hung for PT30S");
    assertThat(clock.since(t0)).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void hangInRealTimeEndsWhenTheFaultIsDisarmed() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (ChaosController real = ChaosController.builder().seed(1).clock(HealClock.system()).build()) {
      Supplier<String> s = real.supplier("db", () -> "row");
      FaultHandle h = real.arm(Fault.hang("db", Duration.ofMinutes(5)));
      Future<?> call = pool.submit(s::get);
      await().atMost(Duration.ofSeconds(5)).until(() -> real.hits("db:hang") == 1);
      assertThat(call).isNotDone();
      h.close();
      await().atMost(Duration.ofSeconds(5)).until(call::isDone);
      assertThatThrownBy(call::get).hasCauseInstanceOf(InjectedFaultException.class);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void latencyInWaitModeParksUntilAnotherThreadAdvancesTheClock() throws Exception {
    try (ChaosController waiting = ChaosController.builder().seed(1).clock(clock).timeMode(TimeMode.WAIT).build()) {
      Supplier<String> s = waiting.supplier("db", () -> "row");
      waiting.arm(Fault.latency("db", Duration.ofSeconds(2)));
      CompletableFuture<String> f = CompletableFuture.supplyAsync(s);
      await().atMost(Duration.ofSeconds(5)).until(() -> clock.pendingTasks() >= 1);
      clock.advance(Duration.ofSeconds(1));
      assertThat(f).isNotDone();
      clock.advance(Duration.ofSeconds(1));
      assertThat(f.get()).isEqualTo("row");
    }
  }

  @Test
  void healthFaultsForceDownAndOnlyTouchHealthChecks() throws Exception {
    HealthCheck check = chaos.healthCheck("db", HealthResult::up);
    Supplier<String> call = chaos.supplier("db", () -> "row");
    chaos.arm(Fault.healthDown("db"));
    assertThat(check.check().status()).isEqualTo(HealthStatus.DOWN);
    assertThat(check.check().error()).hasValueSatisfying(e -> assertThat(e).contains("db:health-down"));
    assertThat(call.get()).as("health faults do not touch calls").isEqualTo("row");
    chaos.disarmAll();
    assertThat(check.check().status()).isEqualTo(HealthStatus.UP);

    chaos.arm(Fault.healthSlow("db", Duration.ofSeconds(3)));
    long t0 = clock.nanoTime();
    assertThat(check.check().status()).isEqualTo(HealthStatus.UP);
    assertThat(clock.since(t0)).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void aFaultWithADurationDisarmsItselfOnTheClock() {
    Supplier<String> s = chaos.supplier("db", () -> "row");
    FaultHandle h = chaos.arm(Fault.error("db").lasting(Duration.ofSeconds(2)));
    assertThatThrownBy(s::get).isInstanceOf(InjectedFaultException.class);
    clock.advance(Duration.ofSeconds(2));
    assertThat(h.isActive()).isFalse();
    assertThat(s.get()).isEqualTo("row");
  }

  @Test
  void scheduleArmsAndDisarmsAtItsOffsets() throws Exception {
    Supplier<String> s = chaos.supplier("db", () -> "row");
    try (AutoCloseable sched = chaos.schedule(FaultSchedule.of(
        Fault.error("db").startingAt(Duration.ofSeconds(1)).lasting(Duration.ofSeconds(1))))) {
      assertThat(s.get()).isEqualTo("row");
      clock.advance(Duration.ofSeconds(1));
      assertThatThrownBy(s::get).isInstanceOf(InjectedFaultException.class);
      clock.advance(Duration.ofSeconds(1));
      assertThat(s.get()).isEqualTo("row");
    }
  }

  @Test
  void faultsOnOtherTargetsDoNotApply() {
    Supplier<String> s = chaos.supplier("cache", () -> "v");
    chaos.arm(Fault.error("db"));
    assertThat(s.get()).isEqualTo("v");
  }

  @Test
  void clusterOnlyFaultsAreRefusedLocally() {
    assertThatThrownBy(() -> chaos.arm(Fault.podKill("api")))
        .isInstanceOf(ChaosException.class).hasMessageContaining("export");
  }

  @Test
  void closeDisarmsEverythingAndRefusesNewWork() {
    Supplier<String> s = chaos.supplier("db", () -> "row");
    chaos.arm(Fault.error("db"));
    chaos.close();
    assertThat(chaos.armedFaults()).isEmpty();
    assertThat(s.get()).isEqualTo("row");
    assertThatThrownBy(() -> chaos.arm(Fault.error("db"))).isInstanceOf(ChaosException.class);
  }

  @Test
  void builderAndFaultValidationNameTheParameter() {
    assertThatThrownBy(() -> ChaosController.builder().build()).hasMessageContaining("seed");
    assertThatThrownBy(() -> Fault.error("db").withRate(0)).hasMessageContaining("rate");
    assertThatThrownBy(() -> Fault.error("db").lasting(Duration.ZERO)).hasMessageContaining("duration");
    assertThatThrownBy(() -> LatencyDistribution.uniform(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessageContaining("max");
    assertThatThrownBy(() -> FaultSchedule.of(Fault.error("db"), Fault.error("db")))
        .hasMessageContaining("unique");
  }

  /** A stand-in for heal-resilience's retry: decorators go around the chaos-wrapped object. */
  private static <T> Supplier<T> retry(Supplier<T> delegate, int attempts) {
    return () -> {
      RuntimeException last = null;
      for (int i = 0; i < attempts; i++) {
        try {
          return delegate.get();
        } catch (RuntimeException e) {
          last = e;
        }
      }
      throw last;
    };
  }

  @Test
  void resilienceDecoratorsComposeAroundTheChaosProxy() {
    Supplier<String> decorated = retry(chaos.supplier("db", () -> "row"), 3);
    chaos.arm(Fault.failFirst("db", 2));
    assertThat(decorated.get()).as("the retry absorbs two injected failures").isEqualTo("row");
    assertThat(chaos.hits("db:fail-first")).isEqualTo(2);
    chaos.disarmAll();
    chaos.arm(Fault.failFirst("db", 3).named("three"));
    assertThatThrownBy(decorated::get).isInstanceOf(InjectedFaultException.class);
  }
}
