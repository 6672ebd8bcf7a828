package dev.heal.resilience.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.heal.core.time.ManualClock;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.Metrics;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnSuccessEvent;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class HealCircuitBreakerTest {
  private static final long FAST = Duration.ofMillis(5).toNanos();
  private static final long SLOW = Duration.ofSeconds(3).toNanos();

  private final ManualClock clock = new ManualClock();

  private CircuitBreakerConfig config(UnaryOperator<CircuitBreakerConfig.Builder> custom) {
    return custom.apply(CircuitBreakerConfig.custom()
            .slowCallDurationThreshold(Duration.ofSeconds(2))
            .slowCallRateThreshold(80)
            .clock(new HealJavaClock(clock))
            .currentTimestampFunction(c -> clock.nanoTime(), TimeUnit.NANOSECONDS))
        .build();
  }

  private HealCircuitBreaker batching(CircuitBreakerConfig cfg) {
    return HealCircuitBreaker.wrap(CircuitBreaker.of("batched", cfg), true);
  }

  /** Records {@code n} fast successes. */
  private static void succeed(CircuitBreaker cb, int n) {
    for (int i = 0; i < n; i++) {
      cb.onResult(FAST, TimeUnit.NANOSECONDS, "ok");
    }
  }

  /**
   * Property: from any initial state, for any sequence of fast successes, slow successes,
   * failures, ignored exceptions and clock advances, the batching breaker permits and rejects the
   * same calls and is in the same state after every single call as a plain resilience4j breaker
   * fed the same outcomes; and its metrics, whenever read, equal the plain breaker's.
   */
  @Test
  void decidesExactlyLikeResilience4jOnEverySequence() {
    boolean[] batched = {false};
    State[] initial = {State.CLOSED, State.CLOSED, State.HALF_OPEN, State.METRICS_ONLY,
        State.OPEN, State.DISABLED};
    qt().withExamples(400).forAll(
        integers().between(1, 60),
        integers().between(1, 60),
        integers().between(0, 100 * initial.length - 1),
        lists().of(integers().between(0, 19)).ofSizeBetween(1, 600))
        .checkAssert((window, minCalls, percentAndState, ops) -> {
          int failurePercent = percentAndState % 100 + 1;
          State start = initial[percentAndState / 100];
          CircuitBreakerConfig cfg = config(b -> b
              .initialState(start)
              .slidingWindowType(SlidingWindowType.COUNT_BASED)
              .slidingWindowSize(window)
              .minimumNumberOfCalls(minCalls)
              .failureRateThreshold(failurePercent)
              .waitDurationInOpenState(Duration.ofSeconds(5))
              .permittedNumberOfCallsInHalfOpenState(3)
              .ignoreExceptions(IOException.class));
          CircuitBreaker plain = CircuitBreaker.of("plain", cfg);
          HealCircuitBreaker fronted = batching(cfg);
          for (int i = 0; i < ops.size(); i++) {
            int op = ops.get(i);
            if (op == 19) {
              clock.advance(Duration.ofSeconds(2));
              continue;
            }
            if (op == 18) {
              assertSameMetrics(fronted.getMetrics(), plain.getMetrics());
              continue;
            }
            boolean permitted = plain.tryAcquirePermission();
            assertThat(fronted.tryAcquirePermission()).as("permission at op %d", i)
                .isEqualTo(permitted);
            if (!permitted) {
              continue;
            }
            if (op <= 12) {
              plain.onResult(FAST, TimeUnit.NANOSECONDS, "ok");
              fronted.onResult(FAST, TimeUnit.NANOSECONDS, "ok");
            } else if (op <= 13) {
              plain.onResult(SLOW, TimeUnit.NANOSECONDS, "ok");
              fronted.onResult(SLOW, TimeUnit.NANOSECONDS, "ok");
            } else if (op <= 16) {
              plain.onError(FAST, TimeUnit.NANOSECONDS, new IllegalStateException("down"));
              fronted.onError(FAST, TimeUnit.NANOSECONDS, new IllegalStateException("down"));
            } else {
              plain.onError(FAST, TimeUnit.NANOSECONDS, new IOException("ignored"));
              fronted.onError(FAST, TimeUnit.NANOSECONDS, new IOException("ignored"));
            }
            batched[0] |= fronted.pendingSuccesses() > 0;
            assertThat(fronted.getState()).as("state after op %d", i).isEqualTo(plain.getState());
          }
          assertSameMetrics(fronted.getMetrics(), plain.getMetrics());
          assertThat(fronted.getState()).isEqualTo(plain.getState());
        });
    assertThat(batched[0]).as("some successes were batched (else this test proves nothing)")
        .isTrue();
  }

  private static void assertSameMetrics(Metrics actual, Metrics expected) {
    assertThat(actual.getNumberOfBufferedCalls()).isEqualTo(expected.getNumberOfBufferedCalls());
    assertThat(actual.getNumberOfFailedCalls()).isEqualTo(expected.getNumberOfFailedCalls());
    assertThat(actual.getNumberOfSuccessfulCalls())
        .isEqualTo(expected.getNumberOfSuccessfulCalls());
    assertThat(actual.getNumberOfSlowCalls()).isEqualTo(expected.getNumberOfSlowCalls());
    assertThat(actual.getFailureRate()).isEqualTo(expected.getFailureRate());
    assertThat(actual.getSlowCallRate()).isEqualTo(expected.getSlowCallRate());
    assertThat(actual.getNumberOfNotPermittedCalls())
        .isEqualTo(expected.getNumberOfNotPermittedCalls());
  }

  @Test
  void fastSuccessesWaitInBatchesOnlyUntilTheMetricsAreRead() {
    HealCircuitBreaker cb = batching(config(b -> b.slidingWindowSize(1000)
        .minimumNumberOfCalls(10)));
    succeed(cb, 10); // before the window holds minimumNumberOfCalls: recorded one by one
    assertThat(cb.pendingSuccesses()).isZero();
    succeed(cb, 20);
    assertThat(cb.pendingSuccesses()).isEqualTo(20);

    assertThat(cb.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(30);
    assertThat(cb.pendingSuccesses()).isZero();

    succeed(cb, HealCircuitBreaker.BATCH); // a full batch is handed over by the caller
    assertThat(cb.pendingSuccesses()).isZero();
    assertThat(cb.getMetrics().getNumberOfSuccessfulCalls())
        .isEqualTo(30 + HealCircuitBreaker.BATCH);
  }

  @Test
  void aCleanWindowTakesNoMoreSuccessesAndAFailureMakesItTakeOneWindowFull() {
    CircuitBreakerConfig cfg = config(b -> b.slidingWindowSize(10).minimumNumberOfCalls(10));
    CircuitBreaker plain = CircuitBreaker.of("plain", cfg);
    HealCircuitBreaker cb = batching(cfg);
    succeed(plain, 1010);
    succeed(cb, 1010); // 10 one by one fill the window with successes: clean from then on
    assertThat(cb.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(10);
    assertThat(cb.handedOver()).isZero();
    assertThat(cb.successes()).isEqualTo(1010);

    plain.onError(FAST, TimeUnit.NANOSECONDS, new IllegalStateException("down"));
    cb.onError(FAST, TimeUnit.NANOSECONDS, new IllegalStateException("down"));
    succeed(plain, 5);
    succeed(cb, 5);
    assertSameMetrics(cb.getMetrics(), plain.getMetrics()); // the failure is still in the window
    assertThat(cb.getMetrics().getFailureRate()).isEqualTo(10f);
    succeed(plain, 1000);
    succeed(cb, 1000);
    assertThat(cb.handedOver()).as("exactly the ten that push the failure out").isEqualTo(10);
    assertSameMetrics(cb.getMetrics(), plain.getMetrics());
    assertThat(cb.getMetrics().getFailureRate()).isZero();
  }

  @Test
  void aFailureIsJudgedOnAWindowThatHoldsEveryEarlierSuccess() {
    // window of 10: four failures age out as ten later successes arrive; the eleventh call fails
    HealCircuitBreaker cb = batching(config(b -> b.slidingWindowSize(10)
        .minimumNumberOfCalls(10).failureRateThreshold(50)));
    for (int i = 0; i < 4; i++) {
      cb.onError(FAST, TimeUnit.NANOSECONDS, new IllegalStateException("down"));
    }
    succeed(cb, 10);
    assertThat(cb.pendingSuccesses()).isPositive();
    cb.onError(FAST, TimeUnit.NANOSECONDS, new IllegalStateException("down"));
    // resilience4j: [9 successes, 1 failure] = 10 %; without the hand-over it would be 40 %
    assertThat(cb.getState()).isEqualTo(State.CLOSED);
    assertThat(cb.getMetrics().getFailureRate()).isEqualTo(10f);
  }

  @Test
  void theMinimumNumberOfCallsEdgeIsNotDelayed() {
    // 2 failures then 2 successes: resilience4j opens on the 4th call (50 %)
    HealCircuitBreaker cb = batching(config(b -> b.slidingWindowSize(4)
        .minimumNumberOfCalls(4).failureRateThreshold(50)));
    cb.onError(FAST, TimeUnit.NANOSECONDS, new IllegalStateException("down"));
    cb.onError(FAST, TimeUnit.NANOSECONDS, new IllegalStateException("down"));
    succeed(cb, 2);
    assertThat(cb.getState()).isEqualTo(State.OPEN);
  }

  @Test
  void pendingSuccessesOfAnEndedClosedPeriodNeverCountAsHalfOpenTrials() {
    HealCircuitBreaker cb = batching(config(b -> b.minimumNumberOfCalls(1)
        .permittedNumberOfCallsInHalfOpenState(3)));
    succeed(cb, 6);
    assertThat(cb.pendingSuccesses()).isEqualTo(5);
    cb.transitionToOpenState();
    cb.transitionToHalfOpenState();

    Metrics halfOpen = cb.getMetrics();
    assertThat(halfOpen.getNumberOfBufferedCalls()).isZero();
    assertThat(cb.getState()).isEqualTo(State.HALF_OPEN);
    assertThat(cb.pendingSuccesses()).isZero();

    succeed(cb, 1); // a real trial call closes it (minimumNumberOfCalls 1)
    assertThat(cb.getState()).isEqualTo(State.CLOSED);
    assertThat(cb.getMetrics().getNumberOfBufferedCalls()).isZero();
    assertThat(cb.successes()).as("dropped from the window, still counted as calls").isEqualTo(7);
  }

  @Test
  void countsEveryOutcomeWhetherBatchingOrNot() {
    for (boolean batch : new boolean[] {true, false}) {
      HealCircuitBreaker cb = HealCircuitBreaker.wrap(CircuitBreaker.of("counted",
          config(b -> b.slidingWindowSize(10).minimumNumberOfCalls(10).failureRateThreshold(50)
              .waitDurationInOpenState(Duration.ofSeconds(5)))), batch);
      succeed(cb, 100);
      assertThat(cb.pendingSuccesses()).isEqualTo(batch ? 100 - 10 - 2 * HealCircuitBreaker.BATCH : 0);
      for (int i = 0; i < 5; i++) {
        cb.onError(FAST, TimeUnit.NANOSECONDS, new IllegalStateException("down"));
      }
      assertThat(cb.getState()).isEqualTo(State.OPEN);
      assertThat(cb.tryAcquirePermission()).isFalse();
      assertThatThrownBy(cb::acquirePermission).isInstanceOf(CallNotPermittedException.class);

      assertThat(cb.successes()).as("batch=%s", batch).isEqualTo(100);
      assertThat(cb.failures()).isEqualTo(5);
      assertThat(cb.rejections()).isEqualTo(2);
      assertThat(cb.getMetrics().getNumberOfNotPermittedCalls()).isEqualTo(2);
      assertThat(cb.batching()).isEqualTo(batch);
    }
  }

  @Test
  void concurrentCallersLoseNoSuccessAndCountNoneTwice() throws Exception {
    int threads = 4;
    int calls = 50_000;
    HealCircuitBreaker cb = batching(config(b -> b.slidingWindowSize(threads * calls)
        .minimumNumberOfCalls(1).failureRateThreshold(100)));
    CyclicBarrier start = new CyclicBarrier(threads);
    AtomicReference<Throwable> error = new AtomicReference<>();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread w = new Thread(() -> {
        try {
          start.await();
          for (int i = 1; i <= calls; i++) {
            if (i % 1000 == 0) {
              cb.onError(FAST, TimeUnit.NANOSECONDS, new IllegalStateException("down"));
            } else {
              cb.onResult(FAST, TimeUnit.NANOSECONDS, "ok");
            }
            if (i % 7919 == 0) {
              cb.getMetrics(); // a concurrent reader hands batches over too
            }
          }
        } catch (Throwable e) {
          error.set(e);
        }
      });
      workers.add(w);
      w.start();
    }
    for (Thread w : workers) {
      w.join();
    }
    assertThat(error.get()).isNull();
    Metrics m = cb.getMetrics();
    int failures = threads * (calls / 1000);
    assertThat(m.getNumberOfFailedCalls()).isEqualTo(failures);
    assertThat(m.getNumberOfSuccessfulCalls()).isEqualTo(threads * calls - failures);
    assertThat(cb.getState()).isEqualTo(State.CLOSED);
    assertThat(cb.successes()).isEqualTo(threads * calls - failures);
    assertThat(cb.failures()).isEqualTo(failures);
  }

  @Test
  void subscribingToPerCallEventsTurnsBatchingOffWithoutLosingPendingSuccesses() {
    HealCircuitBreaker cb = batching(config(b -> b.minimumNumberOfCalls(1)));
    cb.getEventPublisher().onStateTransition(e -> { }); // not per call: batching stays on
    succeed(cb, 4);
    assertThat(cb.batching()).isTrue();
    assertThat(cb.pendingSuccesses()).isEqualTo(3);

    List<CircuitBreakerOnSuccessEvent> events = new ArrayList<>();
    cb.getEventPublisher().onSuccess(events::add);
    assertThat(cb.batching()).isFalse();
    cb.onResult(FAST, TimeUnit.NANOSECONDS, "ok");
    cb.onResult(FAST, TimeUnit.NANOSECONDS, "ok");
    assertThat(events).hasSize(2);
    assertThat(events.get(0).getElapsedDuration()).isEqualTo(Duration.ofNanos(FAST));
    assertThat(cb.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(6);
  }

  @Test
  void anOnEventSubscriptionAlsoTurnsBatchingOff() {
    HealCircuitBreaker cb = batching(config(b -> b.minimumNumberOfCalls(1)));
    cb.getEventPublisher().onEvent(e -> { });
    assertThat(cb.batching()).isFalse();
  }

  @Test
  void configurationsThatMustSeeEveryResultAreNotBatched() {
    assertThat(batching(config(b -> b.slidingWindowType(SlidingWindowType.TIME_BASED)))
        .batching()).isFalse();
    assertThat(batching(config(b -> b.recordResult(r -> "bad".equals(r)))).batching()).isFalse();
    assertThat(batching(config(b -> b.transitionOnResult(
        r -> CircuitBreakerConfig.TransitionCheckResult.noTransition()))).batching()).isFalse();
    assertThat(batching(config(UnaryOperator.identity())).batching()).isTrue();
  }

  /**
   * A failure that is still being recorded when the breaker resets lands in the new period's
   * window; that window must not be taken for clean until ten successes have pushed it out. The
   * failure is held inside resilience4j (in its recordException predicate) while the main thread
   * resets the breaker and fills the new window.
   */
  @Test
  void aFailureRecordedAcrossAResetKeepsTheNewWindowUncleanUntilItIsPushedOut() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    RuntimeException held = new IllegalStateException("held");
    HealCircuitBreaker cb = batching(config(b -> b.slidingWindowSize(10).minimumNumberOfCalls(10)
        .failureRateThreshold(50).recordException(t -> {
          if (t == held) {
            entered.countDown();
            awaitQuietly(release);
          }
          return true;
        })));
    CircuitBreaker plain = CircuitBreaker.of("plain", config(b -> b.slidingWindowSize(10)
        .minimumNumberOfCalls(10).failureRateThreshold(50)));
    succeed(cb, 10);
    Thread failing = new Thread(() -> cb.onError(FAST, TimeUnit.NANOSECONDS, held));
    failing.setDaemon(true);
    failing.start();
    entered.await();
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
      cb.reset();
      succeed(cb, 100); // the new window fills and would be clean, but a failure is in flight
    }, "recording a success waited for a failure held inside resilience4j");
    release.countDown();
    failing.join();
    succeed(cb, 1000);

    plain.reset(); // the same outcomes in the order they reached resilience4j
    succeed(plain, 100);
    plain.onError(FAST, TimeUnit.NANOSECONDS, new IllegalStateException("down"));
    succeed(plain, 1000);
    assertSameMetrics(cb.getMetrics(), plain.getMetrics());
    assertThat(cb.getMetrics().getFailureRate()).isZero();
    for (int i = 0; i < 4; i++) {
      cb.onError(FAST, TimeUnit.NANOSECONDS, new IllegalStateException("down"));
      plain.onError(FAST, TimeUnit.NANOSECONDS, new IllegalStateException("down"));
    }
    assertThat(plain.getState()).isEqualTo(State.CLOSED); // 40 % < 50 %
    assertThat(cb.getState()).isEqualTo(State.CLOSED);
    assertSameMetrics(cb.getMetrics(), plain.getMetrics());
  }

  /**
   * resilience4j runs event consumers on the recording thread. A consumer that waits for another
   * thread reading the breaker must not deadlock: heal holds no lock while resilience4j records.
   */
  @Test
  void aConsumerThatWaitsForAnotherReaderOfTheBreakerDoesNotDeadlock() {
    HealCircuitBreaker cb = batching(config(b -> b.slidingWindowSize(10).minimumNumberOfCalls(10)
        .failureRateThreshold(50)));
    List<Long> seenByReader = new ArrayList<>();
    cb.getEventPublisher().onStateTransition(e -> {
      Thread reader = new Thread(() -> seenByReader.add(cb.successes()));
      reader.setDaemon(true); // if this deadlocks, the test fails instead of hanging the build
      reader.start();
      try {
        reader.join();
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
    });
    succeed(cb, 100);
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
      for (int i = 0; i < 10; i++) {
        cb.onError(FAST, TimeUnit.NANOSECONDS, new IllegalStateException("down"));
      }
    }, "a consumer waiting for a reader deadlocked the breaker");
    assertThat(cb.getState()).isEqualTo(State.OPEN);
    assertThat(seenByReader).containsExactly(100L);
  }

  @Test
  void aStateMachineThatAlreadyHasConsumersIsNotBatched() {
    CircuitBreaker sm = CircuitBreaker.of("watched", config(UnaryOperator.identity()));
    sm.getEventPublisher().onSuccess(e -> { });
    assertThat(HealCircuitBreaker.wrap(sm, true).batching()).isFalse();
  }

  @Test
  void metricsKeptFromEarlierStillReadExactCounts() {
    HealCircuitBreaker cb = batching(config(b -> b.slidingWindowSize(1000).minimumNumberOfCalls(1)));
    Metrics kept = cb.getMetrics();
    succeed(cb, 20);
    assertThat(cb.pendingSuccesses()).isPositive();
    assertThat(kept.getNumberOfSuccessfulCalls()).isEqualTo(20);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
