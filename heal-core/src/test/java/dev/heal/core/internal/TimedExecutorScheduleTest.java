package dev.heal.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.heal.core.time.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link TimedExecutor}'s contract over generated schedules, single-threaded and so fully
 * deterministic: the executor runs on a caller's executor that only holds runnables, and the
 * schedule decides when each one runs (possibly twice, like a broken executor), when calls are
 * interrupted, when time moves and when the executor closes. Bodies take virtual time by advancing
 * the {@link ManualClock} from inside, so timeouts and abandon timers fire while they run; some
 * bodies interrupt other calls, submit more work or close the executor from inside.
 *
 * <p>Checked after every step: each task ends at most once (skipped, finished or rejected) and,
 * once the schedule is drained, exactly once; {@code run()} at most once and {@code finished()}
 * only after it; {@code timedOut()} at most once, before {@code finished()}, and only when the body
 * has run for its whole timeout since it started (however long it was queued), and always when it
 * has; no body starts after {@code close()} returned; the counters match the schedule; no thread
 * stays abandoned once its body returned; the interrupt meant for a body never leaks to the thread
 * afterwards. Raise {@code -Dheal.timed.model.schedules} for longer local runs.
 *
 * <p>How it catches broken variants (each tried by editing {@code TimedExecutor} and running this
 * test): without the {@code Thread.interrupted()} after the body, "the interrupt meant for the body
 * leaked into finished()" (seed 3801255375029184207, step 2); without the {@code closed} check
 * after {@code starting()}, "started after close() returned" (seed 1231064080529747224, a {@code
 * CLOSE_WHILE_STARTING} task).
 * The registry's model check ({@code HealthScheduleModelTest}) shows its broken variants in code.
 */
class TimedExecutorScheduleTest {
  private static final int SCHEDULES = Integer.getInteger("heal.timed.model.schedules", 2000);
  private static final Duration QUANTUM = Duration.ofMillis(100);
  private static final Duration ABANDON_AFTER = Duration.ofMillis(300);

  @Test
  void generatedSchedulesKeepTheContract() {
    qt().withFixedSeed(20261201L)
        .withExamples(SCHEDULES)
        .withShrinkCycles(0)
        .forAll(longs().all())
        .checkAssert(seed -> new Model(seed).play());
  }

  enum Kind {
    VALUE,
    THROW,
    SKIP,
    SLOW,
    INTERRUPT_OTHER,
    SUBMIT_MORE,
    CLOSE_INSIDE,
    CLOSE_WHILE_STARTING
  }

  /** One submitted task and everything it saw. */
  final class Probe implements TimedExecutor.Task<String> {
    final Model model;
    final int id;
    final Kind kind;
    final Duration timeout;
    final int quanta;
    final long submittedNanos;
    TimedExecutor.Call call;
    int runs;
    int finished;
    int rejected;
    int skipped;
    int timedOut;
    long startNanos = -1;
    boolean returned;

    Probe(Model model, int id, Kind kind, Duration timeout, int quanta) {
      this.model = model;
      this.id = id;
      this.kind = kind;
      this.timeout = timeout;
      this.quanta = quanta;
      this.submittedNanos = model.clock.nanoTime();
    }

    int endings() {
      return finished + rejected + skipped;
    }

    @Override
    public boolean starting(TimedExecutor.Call c) {
      if (kind == Kind.SKIP) {
        skipped++;
        return false;
      }
      if (kind == Kind.CLOSE_WHILE_STARTING) {
        model.close(); // the body must now be rejected instead of run
      }
      return true;
    }

    @Override
    public Duration timeout() {
      return timeout;
    }

    @Override
    public String run() throws Exception {
      runs++;
      startNanos = model.clock.nanoTime();
      model.running++;
      if (model.closeReturned) {
        model.fail("task " + id + " started after close() returned");
      }
      try {
        switch (kind) {
          case THROW -> throw new IllegalStateException("scripted");
          case SLOW -> model.clock.advance(QUANTUM.multipliedBy(quanta));
          case INTERRUPT_OTHER -> model.interruptSome();
          case SUBMIT_MORE -> model.submit(Kind.VALUE);
          case CLOSE_INSIDE -> model.close();
          default -> {}
        }
        return "v" + id;
      } finally {
        model.running--;
        returned = true;
        long ran = model.clock.nanoTime() - startNanos;
        if (timeout != null && ran >= timeout.toNanos() && timedOut == 0) {
          model.fail("task " + id + " ran " + Duration.ofNanos(ran) + " of a " + timeout + " timeout without timedOut()");
        }
      }
    }

    @Override
    public void finished(String value, Throwable error, Duration took) {
      finished++;
      if (runs != 1) {
        model.fail("task " + id + " finished after " + runs + " runs");
      }
      if (Thread.currentThread().isInterrupted()) {
        model.fail("task " + id + ": the interrupt meant for the body leaked into finished()");
      }
      if (!took.equals(Duration.ofNanos(model.clock.nanoTime() - startNanos))) {
        model.fail("task " + id + " took " + took + " by the clock, reported otherwise");
      }
      if (kind == Kind.THROW ? !(error instanceof IllegalStateException) : !("v" + id).equals(value)) {
        model.fail("task " + id + " finished with " + value + " / " + error);
      }
    }

    @Override
    public void timedOut(Duration t) {
      timedOut++;
      long ran = model.clock.nanoTime() - startNanos;
      if (startNanos < 0 || returned || finished > 0 || timedOut > 1 || ran < timeout.toNanos()) {
        model.fail("task " + id + " timedOut() after running " + Duration.ofNanos(ran) + " of " + timeout
            + " (queued at " + Duration.ofNanos(submittedNanos) + ", started at " + Duration.ofNanos(startNanos)
            + ", returned " + returned + ", timedOut " + timedOut + ")");
      }
    }

    @Override
    public void rejected(String why) {
      rejected++;
      if (runs > 0) {
        model.fail("task " + id + " rejected after its body ran: " + why);
      }
    }
  }

  /** One schedule: the held executor, the probes, and the steps. */
  final class Model {
    final long seed;
    final Random random;
    final ManualClock clock = new ManualClock();
    final List<Runnable> held = new ArrayList<>();
    final List<Probe> probes = new ArrayList<>();
    final List<String> failures = new ArrayList<>();
    final TimedExecutor executor;
    boolean closeReturned;
    boolean refuseNext;
    int running;
    int step;

    Model(long seed) {
      this.seed = seed;
      this.random = new Random(seed);
      this.executor =
          new TimedExecutor("model", r -> {
            if (refuseNext) {
              refuseNext = false;
              throw new java.util.concurrent.RejectedExecutionException("full");
            }
            held.add(r);
          }, ABANDON_AFTER, clock);
    }

    void fail(String what) {
      failures.add("step " + step + ": " + what);
    }

    void submit(Kind kind) {
      Duration timeout = random.nextInt(4) == 0 ? null : QUANTUM.multipliedBy(1 + random.nextInt(4));
      Probe p = new Probe(this, probes.size(), kind, timeout, 1 + random.nextInt(8));
      probes.add(p);
      p.call = executor.submit(p);
    }

    void interruptSome() {
      if (!probes.isEmpty()) {
        probes.get(random.nextInt(probes.size())).call.interrupt();
      }
    }

    void close() {
      executor.close();
      // A close() from inside a body returns while that body still runs; it did start before.
      closeReturned = true;
    }

    void play() {
      int steps = 10 + random.nextInt(40);
      for (step = 1; step <= steps; step++) {
        int op = random.nextInt(10);
        if (op < 4) {
          refuseNext = random.nextInt(12) == 0;
          Kind[] kinds = Kind.values();
          submit(kinds[random.nextInt(kinds.length)]);
          refuseNext = false;
        } else if (op < 7 && !held.isEmpty()) {
          int i = random.nextInt(held.size());
          Runnable r = random.nextInt(8) == 0 ? held.get(i) : held.remove(i); // sometimes run twice
          r.run();
        } else if (op < 8) {
          interruptSome();
        } else if (op < 9) {
          clock.advance(QUANTUM.multipliedBy(random.nextInt(5)));
        } else if (random.nextInt(4) == 0) {
          close();
        }
        checkBetweenSteps();
      }
      close();
      while (!held.isEmpty()) {
        held.remove(0).run();
      }
      clock.advance(Duration.ofSeconds(10));
      checkBetweenSteps();
      for (Probe p : probes) {
        if (p.endings() != 1) {
          fail("task " + p.id + " (" + p.kind + ") ended " + p.endings() + " times after the schedule drained");
        }
      }
      assertThat(failures).as("seed %d", seed).isEmpty();
    }

    void checkBetweenSteps() {
      if (Thread.currentThread().isInterrupted()) {
        fail("the test thread is left interrupted");
        Thread.interrupted();
      }
      int queued = 0;
      for (Probe p : probes) {
        if (p.endings() > 1 || p.runs > 1 || p.timedOut > 1) {
          fail("task " + p.id + " ended " + p.endings() + " times, ran " + p.runs + ", timed out " + p.timedOut);
        }
        if (p.runs == 0 && p.endings() == 0) {
          queued++;
        }
      }
      if (executor.queuedCalls() != queued) {
        fail("queuedCalls " + executor.queuedCalls() + " but " + queued + " tasks wait");
      }
      if (executor.activeCalls() != running) {
        fail("activeCalls " + executor.activeCalls() + " with " + running + " bodies running");
      }
      if (executor.abandonedThreads() != 0) {
        fail("abandonedThreads " + executor.abandonedThreads() + " with no body running");
      }
      if (!failures.isEmpty()) {
        throw new AssertionError("seed " + seed + ": " + failures);
      }
    }
  }
}
