package dev.heal.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.heal.core.time.ManualClock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AdaptiveLimiterTest {

  private static AdaptiveLimitConfig config(int min, int initial, int max) {
    return AdaptiveLimitConfig.builder().minLimit(min).initialLimit(initial).maxLimit(max)
        .windowSize(10).build();
  }

  /**
   * Property: under any sequence of admissions and completions with any latencies, the limit stays
   * within [minLimit, maxLimit], a call is admitted only while in-flight is below its priority's
   * threshold (never more than the limit), and thresholds are ordered by priority.
   */
  @Test
  void limitStaysInBoundsAndAdmissionNeverExceedsIt() {
    qt().withExamples(200).forAll(
        integers().between(1, 20),
        integers().between(0, 80),
        lists().of(integers().between(0, 99)).ofSizeBetween(1, 600))
        .checkAssert((min, extra, ops) -> {
          int max = min + extra;
          ManualClock clock = new ManualClock();
          AdaptiveLimiter l = new AdaptiveLimiter("x", config(min, min + extra / 2, max), clock);
          Deque<Long> inFlight = new ArrayDeque<>();
          for (int op : ops) {
            Priority p = Priority.values()[op % 3];
            if (op < 55) {
              int before = l.inFlight();
              int threshold = l.admissionThreshold(p);
              long start = l.tryAcquire(p);
              if (start != AdaptiveLimiter.REJECTED) {
                inFlight.add(start);
                assertThat(before).isLessThan(threshold);
                assertThat(l.inFlight()).isLessThanOrEqualTo(Math.max(1, (int) Math.floor(l.limit())));
              } else {
                assertThat(before).isGreaterThanOrEqualTo(threshold);
              }
            } else if (op < 95 && !inFlight.isEmpty()) {
              clock.advance(Duration.ofMillis(1 + op % 40 * (op % 7)));
              l.release(inFlight.poll());
            } else {
              clock.advance(Duration.ofMillis(op));
            }
            assertThat(l.limit()).isBetween((double) min, (double) max);
            assertThat(l.admissionThreshold(Priority.CRITICAL))
                .isGreaterThanOrEqualTo(l.admissionThreshold(Priority.NORMAL));
            assertThat(l.admissionThreshold(Priority.NORMAL))
                .isGreaterThanOrEqualTo(l.admissionThreshold(Priority.SHEDDABLE));
            assertThat(l.inFlight()).isEqualTo(inFlight.size());
          }
        });
  }

  /**
   * Property: shedding respects priority. In any state, if a call of some priority is admitted,
   * a call of any higher priority would have been admitted too; so when CRITICAL calls are being
   * shed, every lower class is being shed as well.
   */
  @Test
  void sheddingOrderRespectsPriority() {
    qt().withExamples(300).forAll(integers().between(1, 100), integers().between(0, 120))
        .checkAssert((limit, load) -> {
          ManualClock clock = new ManualClock();
          AdaptiveLimiter l = new AdaptiveLimiter("x", config(limit, limit, limit), clock);
          for (int i = 0; i < load; i++) {
            l.tryAcquire(Priority.CRITICAL);
          }
          boolean sheddable = l.inFlight() < l.admissionThreshold(Priority.SHEDDABLE);
          boolean normal = l.inFlight() < l.admissionThreshold(Priority.NORMAL);
          boolean critical = l.inFlight() < l.admissionThreshold(Priority.CRITICAL);
          if (sheddable) {
            assertThat(normal).isTrue();
          }
          if (normal) {
            assertThat(critical).isTrue();
          }
          // and the real limiter agrees with its thresholds
          long s = l.tryAcquire(Priority.SHEDDABLE);
          assertThat(s != AdaptiveLimiter.REJECTED).isEqualTo(sheddable);
        });
  }

  /** Saturating load at a stable latency: the limit rises to maxLimit and stays there. */
  @Test
  void convergesToTheMaximumWhenLatencyIsStable() {
    qt().withExamples(50).forAll(integers().between(1, 10), integers().between(5, 100),
        integers().between(1, 200))
        .checkAssert((min, extra, rttMillis) -> {
          int max = min + extra;
          ManualClock clock = new ManualClock();
          AdaptiveLimiter l = new AdaptiveLimiter("x", config(min, min, max), clock);
          List<Double> steady = new ArrayList<>();
          for (int round = 0; round < 400; round++) {
            saturate(l, clock, Duration.ofMillis(rttMillis));
            if (!l.probing()) {
              steady.add(l.limit());
            }
          }
          List<Double> tail = steady.subList(steady.size() - 20, steady.size());
          assertThat(tail).allSatisfy(v -> assertThat(v).isEqualTo((double) max));
        });
  }

  /**
   * A service that queues beyond {@code capacity} concurrent calls (latency grows with in-flight)
   * under sustained overload: the limit settles near capacity and does not keep growing, the
   * Gradient2 failure mode.
   */
  @Test
  void staysBoundedUnderSustainedOverload() {
    for (int capacity : new int[] {5, 20, 50}) {
      ManualClock clock = new ManualClock();
      AdaptiveLimiter l = new AdaptiveLimiter("x", AdaptiveLimitConfig.builder().minLimit(1)
          .initialLimit(10).maxLimit(1000).windowSize(20).build(), clock);
      List<Double> steady = new ArrayList<>();
      for (int round = 0; round < 3000; round++) {
        int n = l.inFlight();
        List<Long> starts = new ArrayList<>();
        long s;
        while ((s = l.tryAcquire(Priority.CRITICAL)) != AdaptiveLimiter.REJECTED) {
          starts.add(s);
        }
        double rtt = 10.0 * Math.max(1.0, (n + starts.size()) / (double) capacity);
        clock.advance(Duration.ofNanos((long) (rtt * 1_000_000)));
        starts.forEach(l::release);
        if (!l.probing()) {
          steady.add(l.limit());
        }
      }
      List<Double> late = steady.subList(steady.size() - 500, steady.size());
      double maxLate = late.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
      double minLate = late.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
      assertThat(maxLate).as("capacity %d", capacity).isLessThanOrEqualTo(3.0 * capacity + 10);
      assertThat(minLate).as("capacity %d", capacity).isGreaterThanOrEqualTo(capacity * 0.5);
    }
  }

  private static void saturate(AdaptiveLimiter l, ManualClock clock, Duration rtt) {
    List<Long> starts = new ArrayList<>();
    long s;
    while ((s = l.tryAcquire(Priority.CRITICAL)) != AdaptiveLimiter.REJECTED) {
      starts.add(s);
    }
    clock.advance(rtt);
    starts.forEach(l::release);
  }

  @Test
  void realThreadsNeverExceedTheLimit() throws Exception {
    ManualClock clock = new ManualClock();
    AdaptiveLimiter l = new AdaptiveLimiter("x", AdaptiveLimitConfig.builder().minLimit(3)
        .initialLimit(3).maxLimit(3).build(), clock);
    AtomicInteger concurrent = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    int threads = 4;
    CountDownLatch done = new CountDownLatch(threads);
    for (int t = 0; t < threads; t++) {
      Thread th = new Thread(() -> {
        for (int i = 0; i < 20_000; i++) {
          long s = l.tryAcquire(Priority.CRITICAL);
          if (s != AdaptiveLimiter.REJECTED) {
            int c = concurrent.incrementAndGet();
            peak.accumulateAndGet(c, Math::max);
            concurrent.decrementAndGet();
            l.release(s);
          }
        }
        done.countDown();
      });
      th.start();
    }
    assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
    assertThat(peak.get()).isBetween(1, 3);
    assertThat(l.inFlight()).isZero();
  }

  @Test
  void resilience4jStyleDecoratorsShedAndRelease() {
    ManualClock clock = new ManualClock();
    AdaptiveLimiter l = new AdaptiveLimiter("db", AdaptiveLimitConfig.builder().minLimit(1)
        .initialLimit(1).maxLimit(1).build(), clock);
    java.util.concurrent.CompletableFuture<String> pending = new java.util.concurrent.CompletableFuture<>();
    var async = l.decorateCompletionStage(Priority.NORMAL, () -> pending);
    var sync = l.decorateSupplier(Priority.CRITICAL, () -> "ok");
    var first = async.get();
    assertThatThrownBy(sync::get).isInstanceOf(CallRejectedException.class)
        .hasMessage("adaptive limit 'db' shed a CRITICAL call");
    assertThat(async.get().toCompletableFuture()).isCompletedExceptionally();
    pending.complete("done");
    assertThat(first.toCompletableFuture().join()).isEqualTo("done");
    assertThat(sync.get()).isEqualTo("ok");
    assertThat(l.inFlight()).isZero();
    assertThat(l.rejected()).isEqualTo(2);
  }

  @Test
  void invalidParametersAreNamed() {
    assertThatThrownBy(() -> AdaptiveLimitConfig.builder().minLimit(0).build())
        .hasMessageContaining("minLimit");
    assertThatThrownBy(() -> AdaptiveLimitConfig.builder().maxLimit(10).initialLimit(20).build())
        .hasMessageContaining("initialLimit");
    assertThatThrownBy(() -> AdaptiveLimitConfig.builder().smoothing(0).build())
        .hasMessageContaining("smoothing");
    assertThatThrownBy(() -> AdaptiveLimitConfig.builder().probeInterval(30).build())
        .hasMessageContaining("probeInterval");
  }

  /**
   * Issue 13, item 8: the asynchronous adaptive-limit stage (the one behind proxies, decorators and
   * these decorators) caught only RuntimeException, so a call that threw an Error instead of
   * returning a stage kept its permit forever.
   */
  @Test
  void anAsyncCallThatThrowsAnErrorInsteadOfReturningAStageGivesItsPermitBack() {
    AdaptiveLimiter l = new AdaptiveLimiter("db", AdaptiveLimitConfig.builder().minLimit(1)
        .initialLimit(1).maxLimit(1).build(), new ManualClock());
    var async = l.<String>decorateCompletionStage(Priority.NORMAL, () -> {
      throw new AssertionError("broken before returning a stage");
    });
    assertThatThrownBy(async::get).isInstanceOf(AssertionError.class);
    assertThat(l.inFlight()).isZero();
    var sync = l.<String>decorateSupplier(Priority.NORMAL, () -> {
      throw new StackOverflowError("deep");
    });
    assertThatThrownBy(sync::get).isInstanceOf(StackOverflowError.class);
    assertThat(l.inFlight()).isZero();
    assertThat(l.admitted()).isEqualTo(2);
  }
}
