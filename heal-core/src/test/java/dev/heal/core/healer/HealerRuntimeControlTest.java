package dev.heal.core.healer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heal.core.time.InlineExecutorService;
import dev.heal.core.time.ManualClock;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Runtime control of a healer (enable/disable a plan, dry-run for one plan or all, budget refill and
 * resize, the read view): named behaviours on a {@link ManualClock}, then a deterministic check over
 * generated schedules that mixes the switches with signals, results and time. Invariants after every
 * step: an action runs for real only while its plan is enabled and not in dry-run; a disabled plan
 * has no open episode; every budget decision equals an exact (BigInteger) token bucket that is also
 * refilled and resized; the read view equals the model. {@link #aHealerThatIgnoresDisableIsCaught()}
 * shows the checker failing on a healer that does not honour the switch.
 */
class HealerRuntimeControlTest {
  private final ManualClock clock = new ManualClock();
  private final List<String> ran = new ArrayList<>();

  private Action recording(String name) {
    return Action.of(name, ctx -> {
      ran.add(name + (ctx.dryRun() ? " (dry)" : ""));
      return ActionResult.succeeded(name + " done");
    });
  }

  private Healer healer(Healer.Builder b) {
    return b.clock(clock).executor(new InlineExecutorService()).eventExecutor(Runnable::run)
        .plan(RecoveryPlan.when(Trigger.signal("a")).named("plan-a").then(recording("fix-a")).build())
        .plan(RecoveryPlan.when(Trigger.signal("b")).named("plan-b").then(recording("fix-b")).build())
        .cooldown(Duration.ZERO).build();
  }

  @Test
  void disablingAPlanCancelsItsOpenEpisodeAndOpensNoNewOne() {
    Healer h = healer(Healer.builder());
    h.raise("a", "broken");
    assertThat(h.control().plans().get(0).episodeOpen()).isTrue();
    h.disablePlan("plan-a");
    assertThat(h.journal().recent(1).get(0).outcome()).contains(Outcome.CANCELLED);
    h.resolve("a", "fine");
    h.raise("a", "broken again");
    h.raise("b", "broken");
    assertThat(ran).containsExactly("fix-a", "fix-b");
    assertThat(h.control().plans()).extracting(ControlState.PlanState::enabled).containsExactly(false, true);
    h.close();
  }

  @Test
  void aReEnabledPlanActsOnTheNextSignal() {
    Healer h = healer(Healer.builder());
    h.disablePlan("plan-a");
    h.raise("a", "broken");
    assertThat(ran).isEmpty();
    h.enablePlan("plan-a");
    h.raise("a", "still broken");
    assertThat(ran).containsExactly("fix-a");
    h.close();
  }

  @Test
  void dryRunOfOnePlanSkipsOnlyItsActions() {
    Healer h = healer(Healer.builder());
    h.dryRun("plan-a", true);
    h.raise("a", "broken");
    h.raise("b", "broken");
    assertThat(ran).containsExactly("fix-b");
    assertThat(h.journal().recent(2)).anySatisfy(e -> {
      assertThat(e.plan()).isEqualTo("plan-a");
      assertThat(e.steps().get(0).dryRun()).isTrue();
    });
    assertThat(h.control().plans()).extracting(ControlState.PlanState::dryRun).containsExactly(true, false);
    h.close();
  }

  @Test
  void healerWideDryRunSwitchedAtRuntimeSkipsEveryActionAndSwitchesBack() {
    Healer h = healer(Healer.builder());
    h.dryRun(true);
    assertThat(h.isDryRun()).isTrue();
    h.raise("a", "broken");
    assertThat(ran).isEmpty();
    h.resolve("a", "fine");
    h.dryRun(false);
    h.raise("a", "broken");
    assertThat(ran).containsExactly("fix-a");
    assertThat(h.control().dryRun()).isFalse();
    h.close();
  }

  @Test
  void refillGivesTheWholeBudgetBackAndResizeKeepsWhatIsAvailable() {
    Healer h = healer(Healer.builder().budget(2, Duration.ofMinutes(10)));
    h.raise("a", "1");
    h.resolve("a", "ok");
    h.raise("a", "2");
    h.resolve("a", "ok");
    assertThat(h.budgetRemaining()).isZero();
    h.raise("a", "3");
    assertThat(ran).hasSize(2);
    h.refillBudget();
    assertThat(h.budgetRemaining()).isEqualTo(2);
    h.resizeBudget(5, Duration.ofMinutes(1));
    ControlState c = h.control();
    assertThat(c.budgetCapacity()).isEqualTo(5);
    assertThat(c.budgetWindow()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.budgetRemaining()).as("the 2 available are kept, not topped up").isEqualTo(2);
    clock.advance(Duration.ofMinutes(1));
    assertThat(h.budgetRemaining()).isEqualTo(5);
    h.resizeBudget(1, Duration.ofMinutes(1));
    assertThat(h.budgetRemaining()).as("kept up to the new capacity").isEqualTo(1);
    h.close();
  }

  @Test
  void anUnknownPlanOrABadBudgetIsRefusedWithAMessageNamingIt() {
    Healer h = healer(Healer.builder());
    assertThatThrownBy(() -> h.disablePlan("nope")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no recovery plan is named 'nope'").hasMessageContaining("[plan-a, plan-b]");
    assertThatThrownBy(() -> h.dryRun("nope", true)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'nope'");
    assertThatThrownBy(() -> h.resizeBudget(0, Duration.ofMinutes(1))).hasMessageContaining("budget actions");
    assertThatThrownBy(() -> h.resizeBudget(1, Duration.ZERO)).hasMessageContaining("budget window");
    assertThat(h.control().budgetCapacity()).as("nothing changed").isEqualTo(10);
    h.close();
  }

  @Test
  void switchesUnderGeneratedSchedulesKeepEveryGuardrail() {
    for (long seed = 1; seed <= 1_500; seed++) {
      assertThat(new Schedule(seed, false).run()).as("seed " + seed).isEmpty();
    }
  }

  @Test
  void aHealerThatIgnoresDisableIsCaught() {
    String found = null;
    for (long seed = 1; seed <= 500 && found == null; seed++) {
      found = new Schedule(seed, true).run().orElse(null);
    }
    assertThat(found).isNotNull().contains("ran while disabled");
  }

  /**
   * Bounded real-clock stress: four threads signal while a fifth disables and enables a plan and
   * switches the healer to dry-run and back, for about a second. Every pool thread takes a number
   * from one sequence before it asks the machine whether its attempt may start, and so does the
   * toggler after each switch returns and before it undoes it: no attempt permitted inside a disabled
   * interval belongs to that plan, none permitted inside a dry-run interval is real (a real attempt
   * still queued when dry-run is switched on is decided again as a dry run), and no target ever has
   * two attempts at once.
   */
  @Test
  void togglesUnderConcurrentSignalsKeepTheGuardrails() throws Exception {
    java.util.concurrent.atomic.AtomicLong seq = new java.util.concurrent.atomic.AtomicLong();
    java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> running = new java.util.concurrent.ConcurrentHashMap<>();
    List<long[]> starts = new java.util.concurrent.CopyOnWriteArrayList<>(); // {plan, seq}
    List<String> overlaps = new java.util.concurrent.CopyOnWriteArrayList<>();
    // The test's own pool: a number is taken before the pool thread asks the machine for permission,
    // so a number above a switch's means the permission was asked after the switch returned.
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    Healer.Builder b = Healer.builder().cooldown(Duration.ZERO).budget(1_000_000, Duration.ofSeconds(1))
        .launcher(attempt -> pool.execute(() -> {
          long mine = seq.incrementAndGet();
          if (!attempt.begin(Thread.currentThread()::interrupt)) {
            return;
          }
          if (!attempt.context().dryRun()) {
            starts.add(new long[] {attempt.action().name().equals("fix0") ? 0 : 1, mine});
          }
          attempt.returned(attempt.invoke());
          Thread.interrupted();
        }));
    for (int i = 0; i < 2; i++) {
      b.plan(RecoveryPlan.when(Trigger.signal("s" + i)).named("p" + i).then(Action.of("fix" + i, ctx -> {
        if (running.computeIfAbsent(ctx.target(), t -> new java.util.concurrent.atomic.AtomicInteger())
            .incrementAndGet() > 1) {
          overlaps.add(ctx.target());
        }
        java.util.concurrent.locks.LockSupport.parkNanos(200_000);
        running.get(ctx.target()).decrementAndGet();
        return ActionResult.succeeded("done");
      })).verifyWithin(Duration.ofMillis(5)).build());
    }
    Healer h = b.build();
    List<long[]> disabled = new ArrayList<>(); // {from, to} for p0
    List<long[]> dryAll = new ArrayList<>();
    long end = System.nanoTime() + Duration.ofSeconds(1).toNanos();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      SplittableRandom r = new SplittableRandom(t);
      threads.add(new Thread(() -> {
        while (System.nanoTime() < end) {
          String s = "s" + r.nextInt(2);
          if (r.nextInt(3) == 0) {
            h.resolve(s, "fine");
          } else {
            h.raise(s, "broken");
          }
        }
      }));
    }
    threads.add(new Thread(() -> {
      SplittableRandom r = new SplittableRandom(99);
      while (System.nanoTime() < end) {
        if (r.nextBoolean()) {
          h.disablePlan("p0");
          long from = seq.incrementAndGet();
          java.util.concurrent.locks.LockSupport.parkNanos(500_000);
          long to = seq.incrementAndGet();
          h.enablePlan("p0");
          disabled.add(new long[] {from, to});
        } else {
          h.dryRun(true);
          long from = seq.incrementAndGet();
          java.util.concurrent.locks.LockSupport.parkNanos(500_000);
          long to = seq.incrementAndGet();
          h.dryRun(false);
          dryAll.add(new long[] {from, to});
        }
        java.util.concurrent.locks.LockSupport.parkNanos(300_000);
      }
    }));
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join(20_000);
    }
    h.close();
    pool.shutdown();
    assertThat(pool.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(starts).as("the stress test did real work").hasSizeGreaterThan(20);
    assertThat(disabled).isNotEmpty();
    assertThat(dryAll).isNotEmpty();
    assertThat(overlaps).as("two attempts on one target at once").isEmpty();
    for (long[] s : starts) {
      for (long[] d : dryAll) {
        assertThat(s[1] > d[0] && s[1] < d[1]).as("a real action started while the healer was in dry-run").isFalse();
      }
      if (s[0] == 0) {
        for (long[] d : disabled) {
          assertThat(s[1] > d[0] && s[1] < d[1]).as("p0's action started while p0 was disabled").isFalse();
        }
      }
    }
  }

  /** One generated schedule: signals, time and switches, against a model of the switches and the budget. */
  static final class Schedule {
    static final List<String> SIGNALS = List.of("a", "b", "c");
    final SplittableRandom random;
    final boolean ignoreDisable;
    final ManualClock clock = new ManualClock();
    final boolean[] enabled = {true, true, true};
    final boolean[] dry = new boolean[3];
    boolean dryAll;
    long capacity = 3;
    long windowNanos = Duration.ofSeconds(30).toNanos();
    BigInteger credit = BigInteger.valueOf(capacity * windowNanos);
    long last;
    final List<String> violations = new ArrayList<>();

    Schedule(long seed, boolean ignoreDisable) {
      this.random = new SplittableRandom(seed);
      this.ignoreDisable = ignoreDisable;
      this.last = clock.nanoTime();
    }

    private void refillModel(long now) {
      long elapsed = now - last;
      if (elapsed > 0) {
        BigInteger full = BigInteger.valueOf(capacity).multiply(BigInteger.valueOf(windowNanos));
        credit = credit.add(BigInteger.valueOf(elapsed).multiply(BigInteger.valueOf(capacity))).min(full);
        last = now;
      }
    }

    private long modelAvailable(long now) {
      refillModel(now);
      return credit.divide(BigInteger.valueOf(windowNanos)).longValueExact();
    }

    Optional<String> run() {
      Healer.Builder b = Healer.builder().clock(clock).executor(new InlineExecutorService())
          .eventExecutor(Runnable::run).cooldown(Duration.ofSeconds(1)).budget((int) capacity, Duration.ofSeconds(30))
          .budgetObserver((now, granted) -> {
            boolean expected = modelAvailable(now) >= 1;
            if (expected != granted) {
              violations.add("budget said " + granted + ", the model " + expected);
            }
            if (granted) {
              credit = credit.subtract(BigInteger.valueOf(windowNanos));
            }
          });
      for (int i = 0; i < SIGNALS.size(); i++) {
        int plan = i;
        String name = SIGNALS.get(i);
        b.plan(RecoveryPlan.when(Trigger.signal(name)).named("plan-" + name).then(Action.of("fix-" + name, ctx -> {
          if (!ctx.dryRun() && !enabled[plan]) {
            violations.add("fix-" + name + " ran while disabled");
          }
          if (!ctx.dryRun() && (dry[plan] || dryAll)) {
            violations.add("fix-" + name + " ran for real in dry-run");
          }
          if (ctx.dryRun() != (dry[plan] || dryAll)) {
            violations.add("fix-" + name + " got dryRun=" + ctx.dryRun());
          }
          return random.nextInt(3) == 0 ? ActionResult.failed("still broken") : ActionResult.succeeded("done");
        })).attempts(2).backoff(Duration.ofMillis(500)).verifyWithin(Duration.ofSeconds(2)).build());
      }
      Healer h = b.build();
      try {
        for (int step = 0; step < 60 && violations.isEmpty(); step++) {
          int p = random.nextInt(3);
          String plan = "plan-" + SIGNALS.get(p);
          switch (random.nextInt(10)) {
            case 0, 1 -> h.raise(SIGNALS.get(p), "broken");
            case 2 -> h.resolve(SIGNALS.get(p), "fine");
            case 3 -> clock.advance(Duration.ofMillis(100 + random.nextInt(3_000)));
            case 4 -> {
              enabled[p] = !enabled[p];
              if (enabled[p]) {
                h.enablePlan(plan);
              } else if (!ignoreDisable) {
                h.disablePlan(plan);
              }
            }
            case 5 -> {
              dry[p] = !dry[p];
              h.dryRun(plan, dry[p]);
            }
            case 6 -> {
              dryAll = random.nextInt(3) == 0;
              h.dryRun(dryAll);
            }
            case 7 -> {
              refillModel(clock.nanoTime());
              credit = BigInteger.valueOf(capacity).multiply(BigInteger.valueOf(windowNanos));
              h.refillBudget();
            }
            case 8 -> {
              int actions = 1 + random.nextInt(4);
              Duration window = Duration.ofSeconds(5 + random.nextInt(60));
              long whole = modelAvailable(clock.nanoTime());
              capacity = actions;
              windowNanos = window.toNanos();
              credit = BigInteger.valueOf(Math.min(whole, actions)).multiply(BigInteger.valueOf(windowNanos));
              h.resizeBudget(actions, window);
            }
            default -> h.raise(SIGNALS.get(p), "still broken");
          }
          check(h);
        }
      } finally {
        h.close();
      }
      return violations.stream().findFirst();
    }

    private void check(Healer h) {
      ControlState c = h.control();
      for (int i = 0; i < 3; i++) {
        ControlState.PlanState s = c.plans().get(i);
        if (!ignoreDisable && s.enabled() != enabled[i]) {
          violations.add(s.name() + " enabled=" + s.enabled() + " in the view, " + enabled[i] + " in the model");
        }
        if (s.dryRun() != (dry[i] || dryAll)) {
          violations.add(s.name() + " dryRun=" + s.dryRun() + " in the view");
        }
        if (!enabled[i] && !ignoreDisable && s.episodeOpen()) {
          violations.add(s.name() + " is disabled but has an open episode");
        }
      }
      if (c.budgetCapacity() != capacity || c.budgetRemaining() != modelAvailable(clock.nanoTime())) {
        violations.add("budget view " + c.budgetRemaining() + "/" + c.budgetCapacity() + ", model "
            + modelAvailable(clock.nanoTime()) + "/" + capacity);
      }
    }
  }
}
