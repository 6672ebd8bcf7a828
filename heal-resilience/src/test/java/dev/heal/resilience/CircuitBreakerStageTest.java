package dev.heal.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heal.core.healer.Signal;
import dev.heal.core.time.ManualClock;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The circuit breaker stage (sync and async) and the transitions heal reports from it. */
class CircuitBreakerStageTest {
  private final ManualClock clock = new ManualClock();
  private final RecordingSignalSink sink = new RecordingSignalSink();

  private Resilience resilience() {
    return Resilience.builder().clock(clock).signals(sink)
        .circuitBreaker("backend", b -> b.slidingWindowSize(2).minimumNumberOfCalls(2)
            .failureRateThreshold(50).permittedNumberOfCallsInHalfOpenState(1)
            .waitDurationInOpenState(Duration.ofSeconds(30)))
        .build();
  }

  /** Issue 13, problem 4: resilience4j's decorators leave Errors unrecorded; so does heal. */
  @Test
  void anErrorIsNotRecordedAndGivesItsHalfOpenPermissionBack() {
    Resilience r = resilience();
    CircuitBreaker cb = r.circuitBreaker("backend").orElseThrow();
    Supplier<String> overflowing = r.<String>decorate(() -> {
      throw new StackOverflowError("deep");
    }).withCircuitBreaker("backend").build();
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(overflowing::get).isInstanceOf(StackOverflowError.class);
    }
    assertThat(cb.getMetrics().getNumberOfBufferedCalls()).isZero();
    assertThat(cb.getState()).isEqualTo(State.CLOSED);

    cb.transitionToOpenState();
    cb.transitionToHalfOpenState(); // one trial call
    assertThatThrownBy(overflowing::get).isInstanceOf(StackOverflowError.class);
    assertThat(r.decorate(() -> "ok").withCircuitBreaker("backend").build().get())
        .as("the trial permission came back").isEqualTo("ok");
    assertThat(cb.getState()).isEqualTo(State.CLOSED);
  }

  @Test
  void anAsyncErrorIsNotRecordedEitherAndAnAsyncExceptionIs() throws Exception {
    Resilience r = resilience();
    CircuitBreaker cb = r.circuitBreaker("backend").orElseThrow();
    Supplier<CompletionStage<String>> erring = r.decorateCompletionStage(
        () -> CompletableFuture.<String>failedFuture(new AssertionError("bad")))
        .withCircuitBreaker("backend").build();
    assertThatThrownBy(() -> erring.get().toCompletableFuture().get())
        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(AssertionError.class);
    assertThat(cb.getMetrics().getNumberOfBufferedCalls()).isZero();
    Supplier<CompletionStage<String>> failing = r.decorateCompletionStage(
        () -> CompletableFuture.<String>failedFuture(new IllegalStateException("down")))
        .withCircuitBreaker("backend").build();
    assertThatThrownBy(() -> failing.get().toCompletableFuture().get())
        .hasCauseInstanceOf(IllegalStateException.class);
    assertThat(cb.getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
  }

  /** Issue 13, problem 6: OPEN → HALF_OPEN → OPEN between two protected calls is two transitions. */
  @Test
  void aFlapBetweenTwoCallsIsReportedAsEveryTransition() {
    Resilience r = resilience();
    CircuitBreaker cb = r.circuitBreaker("backend").orElseThrow();
    cb.transitionToOpenState();
    cb.transitionToHalfOpenState();
    cb.transitionToOpenState();
    assertThat(sink.from(ResilienceSignals.CIRCUIT_BREAKER)).extracting(Signal::message)
        .containsExactly(
            "circuit breaker 'backend' changed from CLOSED to OPEN",
            "circuit breaker 'backend' changed from OPEN to HALF_OPEN",
            "circuit breaker 'backend' changed from HALF_OPEN to OPEN");
  }

  /**
   * A signal sink that blocks until another thread has changed the breaker's state again must not
   * deadlock: the other thread's transition is queued and delivered after the first, in order.
   */
  @Test
  void aSinkThatWaitsForAnotherTransitionDoesNotDeadlock() {
    List<String> delivered = new ArrayList<>();
    CountDownLatch otherTransitioned = new CountDownLatch(1);
    CircuitBreaker[] cb = new CircuitBreaker[1];
    Resilience r = Resilience.builder().clock(clock)
        .signals(s -> {
          delivered.add(s.labels().get(ResilienceSignals.STATE));
          if (delivered.size() == 1) {
            Thread other = new Thread(() -> {
              cb[0].transitionToHalfOpenState();
              otherTransitioned.countDown();
            });
            other.setDaemon(true);
            other.start();
            try {
              assertThat(otherTransitioned.await(10, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        })
        .circuitBreaker("backend")
        .build();
    cb[0] = r.circuitBreaker("backend").orElseThrow();
    cb[0].transitionToOpenState();
    assertThat(delivered).containsExactly("OPEN", "HALF_OPEN");
  }

  /**
   * heal reports transitions without subscribing to resilience4j's publisher (a subscriber makes
   * resilience4j build an event on every call): with meters, health check and signals wired, the
   * state machine behind the front has no consumer.
   */
  @Test
  void healSubscribesNothingToResilience4jsEventPublisher() {
    Resilience r = Resilience.builder().clock(clock).signals(sink)
        .meterRegistry(new io.micrometer.core.instrument.simple.SimpleMeterRegistry())
        .healthRegistry(dev.heal.core.health.HealthRegistry.builder().clock(clock).build())
        .circuitBreaker("backend").build();
    var front = (dev.heal.resilience.internal.HealCircuitBreaker) r.circuitBreaker("backend").orElseThrow();
    assertThat(((io.github.resilience4j.core.EventProcessor<?>) front.delegate().getEventPublisher())
        .hasConsumers()).isFalse();
    front.transitionToOpenState();
    assertThat(sink.from(ResilienceSignals.CIRCUIT_BREAKER)).hasSize(1);
  }

  /**
   * The documented consequence: a transition resilience4j makes without a call through the front
   * is reported at the next call or poll (the health check and the state gauge call
   * {@code getState()}), not before; the lazy OPEN → HALF_OPEN after the wait is made inside a
   * permission request, and reported by it.
   */
  @Test
  void aTransitionMadeBehindTheFrontIsReportedAtTheNextCallOrPoll() {
    Resilience r = resilience();
    var front = (dev.heal.resilience.internal.HealCircuitBreaker) r.circuitBreaker("backend").orElseThrow();
    front.delegate().transitionToOpenState();
    assertThat(sink.from(ResilienceSignals.CIRCUIT_BREAKER)).isEmpty();
    assertThat(front.getState()).isEqualTo(State.OPEN); // the poll
    assertThat(sink.from(ResilienceSignals.CIRCUIT_BREAKER)).extracting(Signal::message)
        .containsExactly("circuit breaker 'backend' changed from CLOSED to OPEN");
    clock.advance(Duration.ofSeconds(31));
    assertThat(front.tryAcquirePermission()).isTrue(); // resilience4j goes HALF_OPEN inside it
    assertThat(sink.from(ResilienceSignals.CIRCUIT_BREAKER)).extracting(Signal::message)
        .containsExactly("circuit breaker 'backend' changed from CLOSED to OPEN",
            "circuit breaker 'backend' changed from OPEN to HALF_OPEN");
  }

  /**
   * One retry rule for both paths (issue 13, item 8): an Exception is retried, an Error never is,
   * synchronously or asynchronously (the asynchronous stage used to retry Errors).
   */
  @Test
  void anErrorIsNeverRetriedAndAnExceptionIsOnBothPaths() throws Exception {
    Resilience r = Resilience.builder().clock(clock)
        .retry("again", b -> b.maxAttempts(3).waitDuration(Duration.ZERO)).build();
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    Supplier<String> syncError = r.<String>decorate(() -> {
      calls.incrementAndGet();
      throw new AssertionError("bad");
    }).withRetry("again").build();
    assertThatThrownBy(syncError::get).isInstanceOf(AssertionError.class);
    assertThat(calls.getAndSet(0)).isEqualTo(1);
    Supplier<CompletionStage<String>> asyncError = r.decorateCompletionStage(() -> {
      calls.incrementAndGet();
      return CompletableFuture.<String>failedFuture(new AssertionError("bad"));
    }).withRetry("again").build();
    CompletableFuture<String> f = asyncError.get().toCompletableFuture();
    clock.runDueTasks();
    assertThatThrownBy(f::get).hasCauseInstanceOf(AssertionError.class);
    assertThat(calls.getAndSet(0)).isEqualTo(1);
    Supplier<CompletionStage<String>> asyncException = r.decorateCompletionStage(() -> {
      calls.incrementAndGet();
      return CompletableFuture.<String>failedFuture(new IllegalStateException("down"));
    }).withRetry("again").build();
    CompletableFuture<String> g = asyncException.get().toCompletableFuture();
    for (int i = 0; i < 3; i++) {
      clock.runDueTasks();
    }
    assertThatThrownBy(g::get).hasCauseInstanceOf(IllegalStateException.class);
    assertThat(calls.get()).isEqualTo(3);
  }
}
