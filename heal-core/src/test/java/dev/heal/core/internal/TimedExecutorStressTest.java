package dev.heal.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.heal.core.time.HealClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Real clock, real pool, several submitting threads, bodies that return, throw, hang until
 * interrupted, and hang ignoring interrupts, plus random {@link TimedExecutor.Call#interrupt()}.
 * Bounded in time by Awaitility; the invariants are checked from what each task recorded.
 */
class TimedExecutorStressTest {
  private static final int THREADS = 3;
  private static final int MAX_ABANDONED = 2;
  private static final int HUNG = 3; // < THREADS + MAX_ABANDONED, so work must keep flowing
  private static final int SUBMITTERS = 4;
  private static final int PER_SUBMITTER = 150;

  /** What one task saw; each field is written by the callback of that name. */
  static final class Outcome implements TimedExecutor.Task<String> {
    final int kind;
    final CountDownLatch releaseHung;
    final AtomicInteger concurrent;
    final AtomicInteger maxConcurrent;
    final AtomicInteger finished = new AtomicInteger();
    final AtomicInteger rejected = new AtomicInteger();
    final AtomicInteger timedOut = new AtomicInteger();
    final AtomicInteger runs = new AtomicInteger();
    volatile boolean timedOutBeforeFinished = true;
    volatile boolean skipped;

    Outcome(int kind, CountDownLatch releaseHung, AtomicInteger concurrent, AtomicInteger maxConcurrent) {
      this.kind = kind;
      this.releaseHung = releaseHung;
      this.concurrent = concurrent;
      this.maxConcurrent = maxConcurrent;
    }

    @Override
    public boolean starting(TimedExecutor.Call call) {
      if (kind == 5) {
        skipped = true;
        return false;
      }
      return true;
    }

    @Override
    public Duration timeout() {
      return Duration.ofMillis(5);
    }

    @Override
    public String run() throws Exception {
      runs.incrementAndGet();
      maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
      try {
        switch (kind) {
          case 0, 1 -> {
            return "ok";
          }
          case 2 -> throw new IllegalStateException("boom");
          case 3 -> {
            new CountDownLatch(1).await(); // until interrupted
            return "never";
          }
          case 4 -> {
            while (true) {
              try {
                releaseHung.await();
                return "released";
              } catch (InterruptedException ignored) {
                // hung: ignores interrupts
              }
            }
          }
          default -> throw new AssertionError("kind " + kind);
        }
      } finally {
        concurrent.decrementAndGet();
      }
    }

    @Override
    public void finished(String value, Throwable error, Duration took) {
      finished.incrementAndGet();
    }

    @Override
    public void timedOut(Duration timeout) {
      if (finished.get() > 0) {
        timedOutBeforeFinished = false;
      }
      timedOut.incrementAndGet();
    }

    @Override
    public void rejected(String why) {
      rejected.incrementAndGet();
    }

    int endings() {
      return finished.get() + rejected.get() + (skipped ? 1 : 0);
    }
  }

  @Test
  void underLoadEveryCallEndsExactlyOnceAndHungBodiesNeverStopTheOthers() throws Exception {
    TimedExecutor ex =
        new TimedExecutor("stress", THREADS, MAX_ABANDONED, Duration.ofMillis(20), HealClock.system());
    CountDownLatch releaseHung = new CountDownLatch(1);
    AtomicInteger concurrent = new AtomicInteger();
    AtomicInteger maxConcurrent = new AtomicInteger();
    ConcurrentLinkedQueue<Outcome> all = new ConcurrentLinkedQueue<>();
    AtomicInteger hungLeft = new AtomicInteger(HUNG);
    List<Thread> submitters = new ArrayList<>();
    try {
      for (int s = 0; s < SUBMITTERS; s++) {
        long seed = 42 + s;
        Thread t =
            new Thread(() -> {
              Random random = new Random(seed);
              for (int i = 0; i < PER_SUBMITTER; i++) {
                int kind = random.nextInt(6);
                if (kind == 4 && hungLeft.getAndDecrement() <= 0) {
                  kind = 0;
                }
                Outcome o = new Outcome(kind, releaseHung, concurrent, maxConcurrent);
                all.add(o);
                TimedExecutor.Call call = ex.submit(o);
                if (random.nextInt(10) == 0) {
                  call.interrupt();
                }
              }
            }, "submitter-" + s);
        submitters.add(t);
        t.start();
      }
      for (Thread t : submitters) {
        t.join(30_000);
      }
      // Everything but the hung bodies ends while they still hold their threads.
      await().atMost(Duration.ofSeconds(30))
          .until(() -> all.stream().filter(o -> o.kind != 4).allMatch(o -> o.endings() == 1));
      assertThat(ex.abandonedThreads()).isLessThanOrEqualTo(HUNG);
      assertThat(maxConcurrent.get()).isLessThanOrEqualTo(THREADS + MAX_ABANDONED);

      releaseHung.countDown();
      await().atMost(Duration.ofSeconds(30)).until(() -> all.stream().allMatch(o -> o.endings() == 1));
      await().atMost(Duration.ofSeconds(10)).until(() -> ex.abandonedThreads() == 0 && ex.activeCalls() == 0);
      assertThat(ex.queuedCalls()).isZero();
      assertThat(ex.poolSize()).isEqualTo(THREADS);
      assertThat(all).hasSize(SUBMITTERS * PER_SUBMITTER);
      for (Outcome o : all) {
        assertThat(o.endings()).as("endings of a kind-%d task", o.kind).isEqualTo(1);
        assertThat(o.runs.get()).isLessThanOrEqualTo(1);
        assertThat(o.finished.get()).isEqualTo(o.runs.get());
        assertThat(o.timedOut.get()).isLessThanOrEqualTo(1);
        assertThat(o.timedOutBeforeFinished).isTrue();
      }
      assertThat(maxConcurrent.get()).isLessThanOrEqualTo(THREADS + MAX_ABANDONED);
    } finally {
      releaseHung.countDown();
      ex.close();
    }
    assertThat(ex.awaitTermination(Duration.ofSeconds(10))).isTrue();
  }
}
