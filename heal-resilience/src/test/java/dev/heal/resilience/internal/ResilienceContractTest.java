package dev.heal.resilience.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * What heal relies on from resilience4j, pinned to the version heal is built with. If an upgrade
 * changes any of it, this fails the build and the front, the observer and the meters must be
 * re-checked (and this test updated with them).
 */
class ResilienceContractTest {
  private static final RuntimeException DOWN = new IllegalStateException("down");

  private static CircuitBreaker breaker(int window, int minCalls) {
    return CircuitBreaker.of("contract", CircuitBreakerConfig.custom()
        .slidingWindowSize(window).minimumNumberOfCalls(minCalls).failureRateThreshold(50)
        .waitDurationInOpenState(Duration.ofHours(1)).build());
  }

  @Test
  void theseFactsAreAboutResilience4j240() {
    assertThat(CircuitBreaker.class.getPackage().getImplementationVersion()).isEqualTo("2.4.0");
  }

  /** The observer's exactness: one event per transition, published before the call returns. */
  @Test
  void transitionEventsArePublishedOnTheTransitioningThreadBeforeTheCallReturns() {
    CircuitBreaker cb = breaker(2, 2);
    List<String> seen = new ArrayList<>();
    cb.getEventPublisher().onStateTransition(e ->
        seen.add(Thread.currentThread().getName() + ":" + e.getStateTransition().name()));
    cb.onError(0, TimeUnit.NANOSECONDS, DOWN);
    cb.onError(0, TimeUnit.NANOSECONDS, DOWN);
    assertThat(seen).containsExactly(Thread.currentThread().getName() + ":CLOSED_TO_OPEN");
    cb.transitionToHalfOpenState();
    cb.transitionToOpenState();
    assertThat(seen).hasSize(3).last().asString().endsWith("HALF_OPEN_TO_OPEN");
  }

  /**
   * The front's state epoch: resilience4j gives every CLOSED, HALF_OPEN, DISABLED, FORCED_OPEN
   * and METRICS_ONLY period (and every reset) a fresh {@code Metrics} object, and an OPEN period
   * keeps the object of the period it was entered from. So (state, metrics identity) changes on
   * every period change, and a metrics object is never used again once the periods holding it are
   * over. {@code HealCircuitBreaker.path} reconstructs missed transitions from exactly this.
   */
  @Test
  void everyPeriodButOpenGetsFreshMetricsAndOpenKeepsThePreviousOnes() {
    CircuitBreaker cb = CircuitBreaker.of("epoch", CircuitBreakerConfig.custom()
        .slidingWindowSize(2).minimumNumberOfCalls(2).failureRateThreshold(50)
        .permittedNumberOfCallsInHalfOpenState(1)
        .waitDurationInOpenState(Duration.ofMillis(1)).build());
    CircuitBreaker.Metrics closed = cb.getMetrics();
    cb.onSuccess(0, TimeUnit.NANOSECONDS);
    assertThat(cb.getMetrics()).as("one object for the whole CLOSED period").isSameAs(closed);
    cb.onError(0, TimeUnit.NANOSECONDS, DOWN);
    assertThat(cb.getState()).isEqualTo(State.OPEN);
    assertThat(cb.getMetrics()).as("CLOSED -> OPEN keeps CLOSED's").isSameAs(closed);
    cb.transitionToHalfOpenState();
    CircuitBreaker.Metrics halfOpen = cb.getMetrics();
    assertThat(halfOpen).as("HALF_OPEN gets fresh ones").isNotSameAs(closed);
    cb.onError(0, TimeUnit.NANOSECONDS, DOWN);
    assertThat(cb.getState()).isEqualTo(State.OPEN);
    assertThat(cb.getMetrics()).as("HALF_OPEN -> OPEN keeps HALF_OPEN's").isSameAs(halfOpen);
    cb.transitionToHalfOpenState();
    CircuitBreaker.Metrics trial = cb.getMetrics();
    cb.onSuccess(0, TimeUnit.NANOSECONDS);
    assertThat(cb.getState()).isEqualTo(State.CLOSED);
    CircuitBreaker.Metrics closedAgain = cb.getMetrics();
    assertThat(closedAgain).as("HALF_OPEN -> CLOSED: fresh").isNotSameAs(trial).isNotSameAs(closed);
    cb.transitionToClosedState();
    assertThat(cb.getMetrics()).as("explicit CLOSED -> CLOSED: fresh").isNotSameAs(closedAgain);
    CircuitBreaker.Metrics before = cb.getMetrics();
    cb.transitionToOpenState();
    assertThat(cb.getMetrics()).as("explicit -> OPEN keeps").isSameAs(before);
    cb.transitionToOpenStateFor(Duration.ofHours(1));
    assertThat(cb.getMetrics()).as("explicit OPEN -> OPEN keeps").isSameAs(before);
    List<CircuitBreaker.Metrics> fresh = new ArrayList<>();
    fresh.add(before);
    for (Runnable t : new Runnable[] {cb::transitionToDisabledState, cb::transitionToForcedOpenState,
        cb::transitionToMetricsOnlyState, cb::reset}) {
      t.run();
      assertThat(fresh).as("a fresh object after each of them").doesNotContain(cb.getMetrics());
      fresh.add(cb.getMetrics());
    }
    assertThat(cb.getState()).isEqualTo(State.CLOSED);
  }

  /**
   * Why at most one period change per operation: an outcome or a permission request makes at most
   * one transition (the automatic OPEN -> HALF_OPEN happens inside the permission request that
   * finds the wait over, and the request is then judged in HALF_OPEN), and reading the state or
   * the metrics makes none.
   */
  @Test
  void oneOperationMakesAtMostOneTransitionAndReadsMakeNone() {
    CircuitBreaker cb = CircuitBreaker.of("one", CircuitBreakerConfig.custom()
        .slidingWindowSize(1).minimumNumberOfCalls(1).failureRateThreshold(50)
        .permittedNumberOfCallsInHalfOpenState(1)
        .waitDurationInOpenState(Duration.ofMillis(1)).build());
    List<String> transitions = new ArrayList<>();
    cb.getEventPublisher().onStateTransition(e -> transitions.add(e.getStateTransition().name()));
    cb.onError(0, TimeUnit.NANOSECONDS, DOWN);
    assertThat(transitions).containsExactly("CLOSED_TO_OPEN");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (cb.getState() == State.OPEN && System.nanoTime() < deadline) {
      cb.getMetrics().getFailureRate();
      if (cb.tryAcquirePermission()) {
        break;
      }
    }
    assertThat(transitions).containsExactly("CLOSED_TO_OPEN", "OPEN_TO_HALF_OPEN");
    assertThat(cb.getState()).isEqualTo(State.HALF_OPEN);
    cb.onError(0, TimeUnit.NANOSECONDS, DOWN);
    assertThat(transitions).hasSize(3).last().isEqualTo("HALF_OPEN_TO_OPEN");
  }

  /** Why heal exports its own not-permitted count: resilience4j's restarts with each period. */
  @Test
  void theNotPermittedCountRestartsWhenTheBreakerLeavesOpen() {
    CircuitBreaker cb = breaker(2, 2);
    cb.transitionToOpenState();
    assertThat(cb.tryAcquirePermission()).isFalse();
    assertThat(cb.getMetrics().getNumberOfNotPermittedCalls()).isEqualTo(1);
    cb.transitionToHalfOpenState();
    assertThat(cb.getMetrics().getNumberOfNotPermittedCalls()).isZero();
  }

  /** OPEN keeps the CLOSED window and records calls that complete in it. */
  @Test
  void openKeepsTheClosedWindowAndRecordsLateCompletions() {
    CircuitBreaker cb = breaker(3, 2);
    cb.onSuccess(0, TimeUnit.NANOSECONDS);
    cb.onError(0, TimeUnit.NANOSECONDS, DOWN);
    assertThat(cb.getState()).isEqualTo(State.OPEN);
    cb.onSuccess(0, TimeUnit.NANOSECONDS);
    assertThat(cb.getMetrics().getNumberOfBufferedCalls()).isEqualTo(3);
  }

  /** The cost the observer pays: any consumer makes resilience4j build an event per call. */
  @Test
  void anyConsumerMakesResilience4jBuildAnEventForEveryCall() {
    CircuitBreaker cb = breaker(10, 10);
    List<CircuitBreakerEvent> all = new ArrayList<>();
    cb.getEventPublisher().onStateTransition(e -> { });
    cb.getEventPublisher().onEvent(all::add);
    cb.onSuccess(0, TimeUnit.NANOSECONDS);
    assertThat(all).singleElement()
        .satisfies(e -> assertThat(e.getEventType()).isEqualTo(CircuitBreakerEvent.Type.SUCCESS));
  }

  /** heal's stages match this: an Error thrown by the call is not an outcome. */
  @Test
  void resilience4jsDecoratorsLeaveErrorsUnrecorded() {
    CircuitBreaker cb = breaker(10, 1);
    Supplier<String> overflowing = CircuitBreaker.decorateSupplier(cb, () -> {
      throw new StackOverflowError("deep");
    });
    assertThatThrownBy(overflowing::get).isInstanceOf(StackOverflowError.class);
    assertThat(cb.getMetrics().getNumberOfBufferedCalls()).isZero();
  }

  /**
   * resilience4j itself is not linearizable once a recorded outcome opens the breaker: the caller
   * that wins the right to open publishes "threshold exceeded" before it transitions, and in that
   * gap another caller whose outcome also crossed the threshold returns and reads CLOSED. heal's
   * front passes calls straight through, so it has exactly this behaviour and no other; the
   * Lincheck check therefore leaves transitions made by outcomes out of its sequential spec.
   */
  @Test
  void aCallerWhoseOutcomeCrossedTheThresholdCanStillReadClosed() throws Exception {
    CircuitBreaker cb = breaker(4, 2);
    CountDownLatch opening = new CountDownLatch(1);
    CountDownLatch otherDone = new CountDownLatch(1);
    cb.getEventPublisher().onFailureRateExceeded(e -> {
      opening.countDown();
      await(otherDone);
    });
    cb.onSuccess(0, TimeUnit.NANOSECONDS);
    Thread first = new Thread(() -> cb.onError(0, TimeUnit.NANOSECONDS, DOWN)); // 1 of 2: opens
    first.setDaemon(true);
    first.start();
    assertThat(opening.await(10, TimeUnit.SECONDS)).isTrue();
    AtomicReference<State> seen = new AtomicReference<>();
    cb.onError(0, TimeUnit.NANOSECONDS, DOWN); // 2 of 3, above the threshold too
    seen.set(cb.getState());
    otherDone.countDown();
    first.join(10_000);
    assertThat(seen.get()).isEqualTo(State.CLOSED);
    assertThat(cb.getState()).isEqualTo(State.OPEN);
  }

  /**
   * A resilience4j 2.4 bug heal passes through unchanged: OPEN entered from FORCED_OPEN keeps
   * FORCED_OPEN's empty window, and recording a call that completes then throws.
   */
  @Test
  void aCallCompletingInOpenEnteredFromForcedOpenThrows() {
    CircuitBreaker cb = breaker(1, 1);
    cb.transitionToForcedOpenState();
    cb.transitionToOpenState();
    assertThatThrownBy(() -> cb.onSuccess(0, TimeUnit.NANOSECONDS))
        .isInstanceOf(ArithmeticException.class);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
