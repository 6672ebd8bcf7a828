package dev.heal.core.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.heal.core.time.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A deterministic check of the health registry over generated schedules: the real registry on its
 * real {@code TimedExecutor} pool, with a {@link ManualClock} that only this test moves. Every
 * check body is scripted (instant UP / DOWN / throw, slow for a number of 100 ms quanta, hang until
 * interrupted, hang ignoring interrupts until released), and the test moves time one quantum at a
 * time, waiting after each move until every pool thread is parked (in a body or idle) with no
 * interrupt pending and no queued run has a free thread. Because every duration is a multiple of the
 * quantum, every timer fires at a quantum boundary and the outcome of a schedule does not depend on
 * thread timing.
 *
 * <p>Invariants, checked after every step:
 *
 * <ol>
 *   <li>a run is reported "timed out" only once its body has run for the whole timeout (counted
 *       from its start, however long it waited for a thread);
 *   <li>a check whose script is always healthy is never reported DOWN, whatever the others do;
 *   <li>a check's status changes only through its own results (waiting never changes it);
 *   <li>at most one run per check is in flight;
 *   <li>readiness is DOWN only if a critical readiness check is DOWN or has not passed yet;
 *   <li>while fewer checks hang ignoring interrupts than {@code poolSize + maxAbandonedThreads}, a
 *       healthy check is never starved: the gap between its results stays within a bound;
 *   <li>the pool never has more than {@code poolSize + maxAbandonedThreads} threads.
 * </ol>
 *
 * <p>The broken variant {@code brokenTimeoutFromSubmit()} (the timeout counted from when the run was
 * due, the bug of issue 11 item 10) is caught by invariant 1: see {@link
 * #theModelCheckCatchesATimeoutCountedFromSubmit()}. Raise {@code -Dheal.health.model.schedules}
 * for longer local runs.
 */
class HealthScheduleModelTest {
  private static final int SCHEDULES = Integer.getInteger("heal.health.model.schedules", 40);
  private static final Duration QUANTUM = Duration.ofMillis(100);
  private static final Duration ABANDON_AFTER = Duration.ofMillis(500);
  private static final String POOL_THREAD = "heal-health-";

  enum Kind {
    UP,
    DOWN,
    THROW,
    SLOW,
    HANG,
    HANG_IGNORING_INTERRUPTS
  }

  /** What one run of a check does; {@code quanta} only for SLOW. */
  record Behaviour(Kind kind, int quanta) {
    @Override
    public String toString() {
      return kind == Kind.SLOW ? "SLOW(" + quanta + ")" : kind.name();
    }
  }

  record CheckSpec(
      String name, boolean critical, int intervalQuanta, int timeoutQuanta, int delayQuanta,
      List<Behaviour> script) {
    boolean alwaysHealthy() {
      return script.stream().allMatch(b -> b.kind() == Kind.UP);
    }

    boolean mayHangIgnoringInterrupts() {
      return script.stream().anyMatch(b -> b.kind() == Kind.HANG_IGNORING_INTERRUPTS);
    }

    Duration timeout() {
      return QUANTUM.multipliedBy(timeoutQuanta);
    }
  }

  /** One step: move time one quantum, or release every body hanging while ignoring interrupts. */
  enum Step {
    TICK,
    RELEASE
  }

  record Schedule(long seed, int poolSize, int maxAbandoned, List<CheckSpec> checks, List<Step> steps) {
    static Schedule generate(long seed) {
      Random r = new Random(seed);
      int pool = 1 + r.nextInt(3);
      int maxAbandoned = r.nextInt(3);
      int n = 2 + r.nextInt(3);
      List<CheckSpec> checks = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        List<Behaviour> script = new ArrayList<>();
        boolean healthy = r.nextInt(3) == 0;
        int len = 1 + r.nextInt(4);
        for (int j = 0; j < len; j++) {
          Kind k = healthy ? Kind.UP : Kind.values()[r.nextInt(Kind.values().length)];
          script.add(new Behaviour(k, k == Kind.SLOW ? 1 + r.nextInt(6) : 0));
        }
        checks.add(new CheckSpec("c" + i, r.nextBoolean(), 5 + r.nextInt(11), 2 + r.nextInt(4),
            r.nextInt(4), List.copyOf(script)));
      }
      List<Step> steps = new ArrayList<>();
      int len = 60 + r.nextInt(60);
      for (int i = 0; i < len; i++) {
        steps.add(r.nextInt(25) == 0 ? Step.RELEASE : Step.TICK);
      }
      return new Schedule(seed, pool, maxAbandoned, List.copyOf(checks), List.copyOf(steps));
    }

    @Override
    public String toString() {
      return "Schedule[seed=" + seed + ", poolSize=" + poolSize + ", maxAbandoned=" + maxAbandoned
          + ", checks=" + checks + ", steps=" + steps.size() + " (" + steps.stream()
              .filter(s -> s == Step.RELEASE).count() + " releases)]";
    }
  }

  @Test
  void generatedSchedulesKeepEveryInvariant() {
    qt().withFixedSeed(20261201L)
        .withExamples(SCHEDULES)
        .withShrinkCycles(0)
        .forAll(longs().all())
        .checkAssert(seed -> new Run(Schedule.generate(seed), false).play());
  }

  /**
   * One pool thread, {@code maxAbandoned} replacements; non-critical c0 then critical c1, both due
   * at once, 1 s interval, 300 ms timeout; {@code ticks} quanta.
   */
  private static Schedule twoChecks(int maxAbandoned, Behaviour c0, Behaviour c1, int ticks) {
    return new Schedule(
        -1, 1, maxAbandoned,
        List.of(new CheckSpec("c0", false, 10, 3, 0, List.of(c0)), new CheckSpec("c1", true, 10, 3, 0, List.of(c1))),
        java.util.Collections.nCopies(ticks, Step.TICK));
  }

  @Test
  void theModelCheckCatchesATimeoutCountedFromSubmit() {
    // One thread; c0 hangs (interruptibly) for its whole 300 ms timeout while c1 waits for the
    // thread, then c1 needs 200 ms of its 300 ms. Counted from submit, c1's timeout is already
    // spent when it starts; invariant 1 reports it.
    Schedule s = twoChecks(0, new Behaviour(Kind.HANG, 0), new Behaviour(Kind.SLOW, 2), 20);
    new Run(s, false).play(); // the real registry keeps the invariants
    assertThatThrownBy(() -> new Run(s, true).play())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("invariant 1")
        .hasMessageContaining("c1 reported timed out after 300 ms");
  }

  @Test
  void theModelCheckCatchesHungThreadsThatAreNeverReplaced() {
    // One thread and one replacement: c0 hangs ignoring interrupts, c1 is always healthy. Without
    // the replacement (the behaviour before issue 11) c1 starves; invariant 6 reports it.
    Schedule s =
        twoChecks(1, new Behaviour(Kind.HANG_IGNORING_INTERRUPTS, 0), new Behaviour(Kind.UP, 0), 60);
    new Run(s, false).play();
    Run starving = new Run(s, false);
    starving.withoutReplacements = true;
    assertThatThrownBy(starving::play)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("invariant 6: healthy c1 has had no result for");
  }

  @Test
  void theModelCheckFindsTheBrokenVariantInGeneratedSchedules() {
    // The same generator as above finds the bug on its own within a few schedules.
    AtomicInteger caught = new AtomicInteger();
    for (long seed = 1; seed <= 40 && caught.get() == 0; seed++) {
      Schedule s = Schedule.generate(seed);
      try {
        new Run(s, true).play();
      } catch (AssertionError e) {
        assertThat(e).hasMessageContaining("invariant 1");
        caught.incrementAndGet();
      }
    }
    assertThat(caught).as("schedules where the broken variant was caught").hasPositiveValue();
  }

  /** One body in flight: what the test knows about it. */
  static final class Body {
    final String check;
    final Behaviour behaviour;
    final long startNanos;
    final Semaphore gate = new Semaphore(0);
    /** RUNNING, PARKED, RELEASED (by the test, not yet awake) or EXITED; guarded by this. */
    String phase = "RUNNING";

    Body(String check, Behaviour behaviour, long startNanos) {
      this.check = check;
      this.behaviour = behaviour;
      this.startNanos = startNanos;
    }

    synchronized void phase(String p) {
      phase = p;
    }

    synchronized String phase() {
      return phase;
    }
  }

  /** Plays one schedule against a fresh registry and checks the invariants after every step. */
  static final class Run {
    final Schedule schedule;
    final boolean broken;
    /** Second broken variant: the registry gets no replacement threads, whatever the schedule says. */
    boolean withoutReplacements;
    final ManualClock clock = new ManualClock();
    final Map<String, Body> inFlight = new ConcurrentHashMap<>();
    /** The latest body started per check; a timed-out run is always its check's latest. */
    final Map<String, Body> latest = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> runsStarted = new ConcurrentHashMap<>();
    final Map<String, HealthStatus> statusFromResults = new ConcurrentHashMap<>();
    final Map<String, Long> lastResultNanos = new ConcurrentHashMap<>();
    final List<String> violations = new CopyOnWriteArrayList<>();
    final List<Body> all = new CopyOnWriteArrayList<>();
    HealthRegistry registry;

    Run(Schedule schedule, boolean broken) {
      this.schedule = schedule;
      this.broken = broken;
    }

    void play() {
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5))
          .until(() -> poolThreads().isEmpty()); // threads of an earlier schedule are gone
      HealthRegistry.Builder b =
          HealthRegistry.builder().clock(clock).poolSize(schedule.poolSize())
              .maxAbandonedThreads(withoutReplacements ? 0 : schedule.maxAbandoned())
              .abandonAfter(ABANDON_AFTER);
      registry = (broken ? b.brokenTimeoutFromSubmit() : b).build();
      try {
        for (CheckSpec c : schedule.checks()) {
          runsStarted.put(c.name(), new AtomicInteger());
          statusFromResults.put(c.name(), HealthStatus.UNKNOWN);
          registry.register(
              HealthCheckConfig.builder(c.name()).critical(c.critical())
                  .interval(QUANTUM.multipliedBy(c.intervalQuanta())).timeout(c.timeout())
                  .initialDelay(QUANTUM.multipliedBy(c.delayQuanta())).failureThreshold(1).build(),
              () -> body(c));
        }
        registry.addListener(new HealthListener() {
          @Override
          public void onResult(CheckState state) {
            onResultSeen(state);
          }
        });
        registry.start();
        clock.runDueTasks();
        settle();
        check(0);
        int step = 0;
        for (Step s : schedule.steps()) {
          step++;
          if (s == Step.TICK) {
            clock.advance(QUANTUM);
            settle();
            if (!releaseSlowBodiesThatAreDone()) {
              check(step);
              continue;
            }
          } else {
            for (Body body : all) {
              if (body.behaviour.kind() == Kind.HANG_IGNORING_INTERRUPTS && body.phase().equals("PARKED")) {
                body.phase("RELEASED");
                body.gate.release();
              }
            }
          }
          settle();
          check(step);
        }
      } finally {
        registry.close();
        for (Body body : all) {
          body.phase("RELEASED");
          body.gate.release();
        }
      }
    }

    HealthResult body(CheckSpec c) throws Exception {
      int n = runsStarted.get(c.name()).getAndIncrement();
      Behaviour behaviour = c.script().get(n % c.script().size());
      Body body = new Body(c.name(), behaviour, clock.nanoTime());
      all.add(body);
      latest.put(c.name(), body);
      if (inFlight.putIfAbsent(c.name(), body) != null) {
        violations.add("invariant 4: two runs of " + c.name() + " in flight");
      }
      try {
        switch (behaviour.kind()) {
          case UP -> {
            return HealthResult.up();
          }
          case DOWN -> {
            return HealthResult.down("scripted DOWN");
          }
          case THROW -> throw new IllegalStateException("scripted throw");
          case SLOW, HANG -> {
            park(body, true);
            return HealthResult.up();
          }
          case HANG_IGNORING_INTERRUPTS -> {
            park(body, false);
            return HealthResult.up();
          }
          default -> throw new AssertionError(behaviour);
        }
      } finally {
        inFlight.remove(c.name(), body);
        body.phase("EXITED");
      }
    }

    private static void park(Body body, boolean interruptible) throws InterruptedException {
      body.phase("PARKED");
      try {
        if (interruptible) {
          body.gate.acquire();
        } else {
          body.gate.acquireUninterruptibly();
        }
      } finally {
        body.phase("RUNNING");
      }
    }

    boolean releaseSlowBodiesThatAreDone() {
      long now = clock.nanoTime();
      boolean released = false;
      for (Body body : all) {
        if (body.behaviour.kind() == Kind.SLOW && body.phase().equals("PARKED")
            && now - body.startNanos >= QUANTUM.multipliedBy(body.behaviour.quanta()).toNanos()) {
          body.phase("RELEASED");
          body.gate.release();
          released = true;
        }
      }
      return released;
    }

    void onResultSeen(CheckState state) {
      String name = state.name();
      long now = clock.nanoTime();
      String error = state.lastError().orElse("");
      CheckSpec spec = spec(name);
      if (error.startsWith("timed out after")) {
        // The body may already have returned on the timeout's interrupt; it is still the latest.
        Body body = latest.get(name);
        if (body == null || now - body.startNanos < spec.timeout().toNanos()) {
          violations.add("invariant 1: " + name + " reported " + error + " at " + Duration.ofNanos(now)
              + " but its body " + (body == null ? "was not running"
                  : "started at " + Duration.ofNanos(body.startNanos)));
        }
      }
      if (spec.alwaysHealthy() && state.status() == HealthStatus.DOWN) {
        violations.add("invariant 2: always-healthy " + name + " reported DOWN: " + error);
      }
      statusFromResults.put(name, state.status());
      lastResultNanos.put(name, now);
    }

    CheckSpec spec(String name) {
      return schedule.checks().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    void check(int step) {
      long now = clock.nanoTime();
      for (CheckSpec c : schedule.checks()) {
        CheckState s = registry.state(c.name()).orElseThrow();
        if (s.status() != statusFromResults.get(c.name())) {
          violations.add("invariant 3: " + c.name() + " is " + s.status() + " but its last result said "
              + statusFromResults.get(c.name()) + (s.waiting().isPresent() ? " (" + s.waiting().get() + ")" : ""));
        }
      }
      HealthStatus ready = registry.status(CheckKind.READINESS);
      boolean criticalNotPassing =
          schedule.checks().stream().filter(CheckSpec::critical)
              .map(c -> registry.state(c.name()).orElseThrow().status())
              .anyMatch(st -> st == HealthStatus.DOWN || st == HealthStatus.UNKNOWN);
      if (ready == HealthStatus.DOWN && !criticalNotPassing) {
        violations.add("invariant 5: readiness DOWN while every critical check passes");
      }
      long ignoring = schedule.checks().stream().filter(CheckSpec::mayHangIgnoringInterrupts).count();
      if (ignoring < schedule.poolSize() + schedule.maxAbandoned()) {
        for (CheckSpec c : schedule.checks()) {
          if (!c.alwaysHealthy()) {
            continue;
          }
          long since = now - lastResultNanos.getOrDefault(c.name(), QUANTUM.multipliedBy(c.delayQuanta()).toNanos());
          if (since > starvationBound(c).toNanos()) {
            violations.add("invariant 6: healthy " + c.name() + " has had no result for "
                + Duration.ofNanos(since) + " (bound " + starvationBound(c) + ")");
          }
        }
      }
      int threads = poolThreads().size();
      if (threads > schedule.poolSize() + schedule.maxAbandoned()) {
        violations.add("invariant 7: " + threads + " pool threads");
      }
      if (!violations.isEmpty()) {
        throw new AssertionError("after step " + step + " at " + Duration.ofNanos(now) + " of " + schedule
            + ": " + violations + "; states " + registry.snapshot().checks().stream()
                .map(st -> st.name() + "=" + st.status() + st.lastError().map(e -> "(" + e + ")").orElse(""))
                .collect(Collectors.joining(", ")));
      }
    }

    /**
     * How long a healthy check may go without a result when capacity suffices: its interval, plus
     * every other check ahead of it in the queue holding a thread for at most its timeout and the
     * abandon delay, plus its own run, plus one quantum of rounding per check.
     */
    Duration starvationBound(CheckSpec c) {
      Duration bound = QUANTUM.multipliedBy(c.intervalQuanta() + c.delayQuanta() + 1);
      for (CheckSpec o : schedule.checks()) {
        bound = bound.plus(o.timeout()).plus(ABANDON_AFTER).plus(QUANTUM);
      }
      return bound;
    }

    /**
     * Waits until nothing can move without the test: every pool thread parked or idle with no
     * interrupt pending, no body between phases, and no queued run with a free thread. Checked
     * twice in a row, 0.25 ms apart, to step over momentary lock hand-offs.
     */
    void settle() {
      AtomicInteger calm = new AtomicInteger();
      await().atMost(Duration.ofSeconds(20)).pollInSameThread().pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofNanos(250_000))
          .until(() -> {
            if (quiet()) {
              return calm.incrementAndGet() >= 2;
            }
            calm.set(0);
            return false;
          });
    }

    boolean quiet() {
      for (Body body : all) {
        String p = body.phase();
        if (p.equals("RUNNING") || p.equals("RELEASED")) {
          return false;
        }
      }
      for (Thread t : poolThreads()) {
        Thread.State st = t.getState();
        if ((st != Thread.State.WAITING && st != Thread.State.TIMED_WAITING) || t.isInterrupted()) {
          return false;
        }
      }
      CheckThreads th = registry.threads();
      int capacity = th.threads() + Math.min(th.abandoned(), th.maxAbandoned());
      return th.waiting() == 0 || th.running() >= capacity;
    }

    static List<Thread> poolThreads() {
      ThreadGroup root = Thread.currentThread().getThreadGroup();
      while (root.getParent() != null) {
        root = root.getParent();
      }
      Thread[] found = new Thread[root.activeCount() + 32];
      int n = root.enumerate(found, true);
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (found[i].getName().startsWith(POOL_THREAD) && found[i].isAlive()) {
          threads.add(found[i]);
        }
      }
      return threads;
    }
  }
}
