package dev.heal.resilience.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerEvent;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * heal's breaker front against plain resilience4j: the differential property, issue 13's
 * reproductions, and resilience4j's own state-machine and metrics scenarios (re-stated here, run
 * against both breakers with the same assertions).
 */
class HealCircuitBreakerTest {
  private static final long FAST = Duration.ofMillis(5).toNanos();
  private static final long SLOW = Duration.ofSeconds(3).toNanos();
  private static final RuntimeException DOWN = new IllegalStateException("down");

  private final ManualClock clock = new ManualClock();

  CircuitBreakerConfig config(UnaryOperator<CircuitBreakerConfig.Builder> custom) {
    return custom.apply(CircuitBreakerConfig.custom()
            .slowCallDurationThreshold(Duration.ofSeconds(2))
            .slowCallRateThreshold(80)
            .clock(new HealJavaClock(clock))
            .currentTimestampFunction(c -> clock.nanoTime(), TimeUnit.NANOSECONDS))
        .build();
  }

  /** The front under test; {@code BatchingCircuitBreakerTest} runs every test here on the opt-in. */
  HealCircuitBreaker front(CircuitBreakerConfig cfg) {
    return HealCircuitBreaker.wrap(CircuitBreaker.of("fronted", cfg));
  }

  private static void succeed(CircuitBreaker cb, int n) {
    for (int i = 0; i < n; i++) {
      cb.onResult(FAST, TimeUnit.NANOSECONDS, "ok");
    }
  }

  private static void fail(CircuitBreaker cb, int n) {
    for (int i = 0; i < n; i++) {
      cb.onError(FAST, TimeUnit.NANOSECONDS, DOWN);
    }
  }

  // ------------------------------------------------------------------ differential property

  /**
   * Property: from any initial state, for any sequence of permission requests, outcomes of calls
   * still in flight (completed in any order, so calls overlap and complete after a transition),
   * explicit transitions, resets, subscriptions and clock advances, heal's front grants the same
   * permissions, is in the same state, publishes the same events and reads the same metrics as a
   * plain resilience4j breaker fed the same operations, after every operation and in every state.
   */
  @Test
  void behavesExactlyLikeResilience4jOnEverySequence() {
    State[] initial = {State.CLOSED, State.CLOSED, State.HALF_OPEN, State.METRICS_ONLY,
        State.OPEN, State.DISABLED};
    int[] seenStates = new int[State.values().length];
    qt().withExamples(300).forAll(
        integers().between(1, 40),
        integers().between(1, 40),
        integers().between(0, 100 * initial.length - 1),
        lists().of(integers().between(0, 29)).ofSizeBetween(1, 400))
        .checkAssert((window, minCalls, percentAndState, ops) -> {
          CircuitBreakerConfig cfg = config(b -> b
              .initialState(initial[percentAndState / 100])
              .slidingWindowType(SlidingWindowType.COUNT_BASED)
              .slidingWindowSize(window)
              .minimumNumberOfCalls(minCalls)
              .failureRateThreshold(percentAndState % 100 + 1)
              .waitDurationInOpenState(Duration.ofSeconds(5))
              .permittedNumberOfCallsInHalfOpenState(3)
              .ignoreExceptions(IOException.class));
          CircuitBreaker plain = CircuitBreaker.of("fronted", cfg); // same name: same events
          HealCircuitBreaker fronted = front(cfg);
          List<String> plainEvents = new ArrayList<>();
          List<String> frontEvents = new ArrayList<>();
          // the front reports state changes it notices without subscribing to resilience4j; run
          // sequentially, they must be exactly resilience4j's transitions between two states
          List<String> plainChanges = new ArrayList<>();
          List<String> frontChanges = new ArrayList<>();
          plain.getEventPublisher().onStateTransition(e -> {
            if (e.getStateTransition().getFromState() != e.getStateTransition().getToState()) {
              plainChanges.add(e.getStateTransition().getFromState() + ">" + e.getStateTransition().getToState());
            }
          });
          fronted.watch(new HealCircuitBreaker.Watcher() {
            @Override
            public void queue(State from, State to) {
              frontChanges.add(from + ">" + to);
            }

            @Override
            public void deliver() {}
          });
          Deque<Integer> inFlight = new ArrayDeque<>();
          long successes = 0;
          long failures = 0;
          long rejections = 0;
          for (int i = 0; i < ops.size(); i++) {
            int op = ops.get(i);
            String at = "op " + i + " (" + op + ")";
            if (op <= 5) { // a call starts
              boolean permitted = plain.tryAcquirePermission();
              assertThat(fronted.tryAcquirePermission()).as("permission at %s", at)
                  .isEqualTo(permitted);
              if (permitted) {
                inFlight.add(op);
              } else {
                rejections++;
              }
            } else if (op <= 17) { // the oldest (even op) or newest call in flight completes
              Integer kind = op % 2 == 0 ? inFlight.pollFirst() : inFlight.pollLast();
              if (kind != null) {
                int outcome = (kind + op) % 6;
                Consumer<CircuitBreaker> complete = switch (outcome) {
                  case 0, 1, 2 -> cb -> cb.onResult(FAST, TimeUnit.NANOSECONDS, "ok");
                  case 3 -> cb -> cb.onResult(SLOW, TimeUnit.NANOSECONDS, "ok");
                  case 4 -> cb -> cb.onError(FAST, TimeUnit.NANOSECONDS, DOWN);
                  default -> cb -> cb.onError(FAST, TimeUnit.NANOSECONDS, new IOException("no"));
                };
                // resilience4j 2.4 throws ArithmeticException recording a call that completes in
                // an OPEN state entered from FORCED_OPEN (a window of size 0): heal must match
                String plainOutcome = attempt(complete, plain);
                assertThat(attempt(complete, fronted)).as("outcome at %s", at)
                    .isEqualTo(plainOutcome);
                if (plainOutcome.equals("ok")) {
                  if (outcome <= 3) {
                    successes++;
                  } else {
                    failures++;
                  }
                }
              }
            } else if (op <= 20) {
              clock.advance(Duration.ofSeconds(2));
            } else if (op == 21) {
              plain.getEventPublisher().onEvent(e -> plainEvents.add(describe(e)));
              fronted.getEventPublisher().onEvent(e -> frontEvents.add(describe(e)));
            } else if (op == 22) {
              plain.reset();
              fronted.reset();
            } else {
              Consumer<CircuitBreaker> transition = switch (op) {
                case 23 -> CircuitBreaker::transitionToOpenState;
                case 24 -> CircuitBreaker::transitionToHalfOpenState;
                case 25 -> CircuitBreaker::transitionToClosedState;
                case 26 -> CircuitBreaker::transitionToForcedOpenState;
                case 27 -> CircuitBreaker::transitionToDisabledState;
                case 28 -> CircuitBreaker::transitionToMetricsOnlyState;
                default -> cb -> cb.transitionToOpenStateFor(Duration.ofSeconds(1));
              };
              String plainOutcome = attempt(transition, plain);
              assertThat(attempt(transition, fronted)).as("transition at %s", at)
                  .isEqualTo(plainOutcome);
            }
            // before getState(), which checks too: each call must have noticed its own change
            assertThat(frontChanges).as("state changes after %s", at).isEqualTo(plainChanges);
            assertThat(fronted.getState()).as("state after %s", at).isEqualTo(plain.getState());
            assertSameMetrics(fronted.getMetrics(), plain.getMetrics(), at);
            seenStates[plain.getState().ordinal()]++;
          }
          assertThat(frontEvents).isEqualTo(plainEvents);
          assertThat(fronted.successes()).isEqualTo(successes);
          assertThat(fronted.failures()).isEqualTo(failures);
          assertThat(fronted.rejections()).isEqualTo(rejections);
        });
    for (State s : new State[] {State.CLOSED, State.OPEN, State.HALF_OPEN, State.FORCED_OPEN,
        State.DISABLED, State.METRICS_ONLY}) {
      assertThat(seenStates[s.ordinal()]).as("operations compared in %s", s).isPositive();
    }
  }

  private static String attempt(Consumer<CircuitBreaker> transition, CircuitBreaker cb) {
    try {
      transition.accept(cb);
      return "ok";
    } catch (RuntimeException e) {
      return e.getClass().getSimpleName();
    }
  }

  /** An event without its timestamp and with durations (all from the manual clock). */
  private static String describe(CircuitBreakerEvent e) {
    String s = e.toString();
    int at = s.indexOf(": ");
    return e.getEventType() + (at < 0 ? "" : s.substring(at));
  }

  private static void assertSameMetrics(Metrics actual, Metrics expected, String at) {
    assertThat(actual.getNumberOfBufferedCalls()).as("buffered after %s", at)
        .isEqualTo(expected.getNumberOfBufferedCalls());
    assertThat(actual.getNumberOfFailedCalls()).as("failed after %s", at)
        .isEqualTo(expected.getNumberOfFailedCalls());
    assertThat(actual.getNumberOfSuccessfulCalls()).as("successful after %s", at)
        .isEqualTo(expected.getNumberOfSuccessfulCalls());
    assertThat(actual.getNumberOfSlowCalls()).as("slow after %s", at)
        .isEqualTo(expected.getNumberOfSlowCalls());
    assertThat(actual.getFailureRate()).as("failure rate after %s", at)
        .isEqualTo(expected.getFailureRate());
    assertThat(actual.getSlowCallRate()).as("slow call rate after %s", at)
        .isEqualTo(expected.getSlowCallRate());
    assertThat(actual.getNumberOfNotPermittedCalls()).as("not permitted after %s", at)
        .isEqualTo(expected.getNumberOfNotPermittedCalls());
  }

  // ------------------------------------------------------------------ issue 13's reproductions

  /**
   * Issue 13, problem 1: window 64, 64 successes then 31 failures (48.4 %); two callers each make
   * 31 fast successes, then both fail at the same moment. resilience4j's window then holds 62
   * successes and 2 failures, so the breaker stays CLOSED; heal's old front opened in 1,335 of
   * 3,000 runs. Bounded real-thread runs; each must stay CLOSED.
   */
  @Test
  void twoCallersFailingTogetherAfterTheirSuccessesLeaveTheBreakerClosed() throws Exception {
    for (int run = 0; run < 150; run++) {
      HealCircuitBreaker cb = front(config(b -> b.slidingWindowSize(64).minimumNumberOfCalls(64)
          .failureRateThreshold(50)));
      succeed(cb, 64);
      fail(cb, 31);
      CyclicBarrier together = new CyclicBarrier(2);
      runConcurrently(() -> {
        succeed(cb, 31);
        await(together);
        fail(cb, 1);
      }, () -> {
        succeed(cb, 31);
        await(together);
        fail(cb, 1);
      });
      assertThat(cb.getState()).as("run %d", run).isEqualTo(State.CLOSED);
      assertThat(cb.getMetrics().getNumberOfFailedCalls()).isEqualTo(2);
      assertThat(cb.successes()).isEqualTo(64 + 62);
    }
  }

  /**
   * Problem 1, single-failure variant: one caller fails while another is recording its 32 fast
   * successes, and the failure starts only after the first of them has finished. Window 100,
   * judged from 64 calls, 32 successes and 31 failures recorded: judged right after that first
   * success (64 calls, 48.4 %) the breaker stays CLOSED and the failure makes 32 of 65 (49.2 %);
   * judged without it, the failure would make 32 of 64 = 50 % and open it.
   */
  @Test
  void aFailureIsJudgedOnAWindowHoldingEverySuccessThatFinishedBeforeIt() throws Exception {
    for (int run = 0; run < 150; run++) {
      HealCircuitBreaker cb = front(config(b -> b.slidingWindowSize(100).minimumNumberOfCalls(64)
          .failureRateThreshold(50)));
      succeed(cb, 32);
      fail(cb, 31);
      CountDownLatch firstSuccess = new CountDownLatch(1);
      runConcurrently(() -> {
        succeed(cb, 1);
        firstSuccess.countDown();
        succeed(cb, 31);
      }, () -> {
        await(firstSuccess);
        fail(cb, 1);
      });
      assertThat(cb.getState()).as("run %d", run).isEqualTo(State.CLOSED);
    }
  }

  /**
   * Issue 13, problem 2: resilience4j runs transition consumers on the thread whose outcome made
   * the transition. A consumer that waits for another thread which records a success and reads
   * the metrics must not deadlock: heal holds no lock of its own around resilience4j.
   */
  @Test
  void aTransitionConsumerThatWaitsForAnotherCallerDoesNotDeadlock() {
    HealCircuitBreaker cb = front(config(b -> b.slidingWindowSize(10).minimumNumberOfCalls(10)
        .failureRateThreshold(50)));
    List<Boolean> otherCallerFinished = new ArrayList<>();
    List<Integer> seenByOther = new ArrayList<>();
    cb.getEventPublisher().onStateTransition(e -> {
      CountDownLatch done = new CountDownLatch(1);
      Thread other = new Thread(() -> {
        cb.onResult(FAST, TimeUnit.NANOSECONDS, "ok"); // completes in OPEN
        seenByOther.add(cb.getMetrics().getNumberOfBufferedCalls());
        done.countDown();
      });
      other.setDaemon(true);
      other.start();
      try {
        otherCallerFinished.add(done.await(10, TimeUnit.SECONDS));
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
    });
    succeed(cb, 100);
    fail(cb, 5);
    assertThat(cb.getState()).isEqualTo(State.OPEN);
    assertThat(otherCallerFinished).containsExactly(true);
    assertThat(seenByOther).containsExactly(10);
  }

  /**
   * Issue 13, problem 3: window 3, at least 2 calls, 50 %. Call A starts; a success; a failure
   * opens the breaker (1 of 2); then A returns a fast success. resilience4j records it in OPEN's
   * metrics (the CLOSED window it kept): 3 buffered, 33.3 %. heal's old front dropped it (2, 50 %).
   */
  @Test
  void aSuccessThatCompletesAfterTheBreakerOpenedIsInItsOpenMetrics() {
    CircuitBreakerConfig cfg = config(b -> b.slidingWindowSize(3).minimumNumberOfCalls(2)
        .failureRateThreshold(50));
    for (CircuitBreaker cb : new CircuitBreaker[] {CircuitBreaker.of("plain", cfg), front(cfg)}) {
      assertThat(cb.tryAcquirePermission()).isTrue(); // call A
      assertThat(cb.tryAcquirePermission()).isTrue();
      succeed(cb, 1);
      assertThat(cb.tryAcquirePermission()).isTrue();
      fail(cb, 1);
      assertThat(cb.getState()).isEqualTo(State.OPEN);
      succeed(cb, 1); // A returns
      assertThat(cb.getMetrics().getNumberOfBufferedCalls()).as(cb.getName()).isEqualTo(3);
      assertThat(cb.getMetrics().getFailureRate()).isEqualTo(100f / 3);
    }
  }

  /** Problem 1's gauge: resilience4j's not-permitted count restarts each period; heal's does not. */
  @Test
  void rejectionsAreCountedExactlyAcrossPeriods() {
    HealCircuitBreaker cb = front(config(b -> b.waitDurationInOpenState(Duration.ofSeconds(5))
        .permittedNumberOfCallsInHalfOpenState(1)));
    cb.transitionToOpenState();
    assertThat(cb.tryAcquirePermission()).isFalse();
    assertThatThrownBy(cb::acquirePermission).isInstanceOf(CallNotPermittedException.class);
    clock.advance(Duration.ofSeconds(6));
    assertThat(cb.tryAcquirePermission()).isTrue(); // HALF_OPEN, one trial
    assertThat(cb.tryAcquirePermission()).isFalse();
    assertThat(cb.getMetrics().getNumberOfNotPermittedCalls()).isEqualTo(1); // this period's
    assertThat(cb.rejections()).isEqualTo(3);
  }

  /** Bounded real-thread stress: every outcome counted once, the window exact at the end. */
  @Test
  void concurrentCallersLoseNoOutcomeAndCountNoneTwice() throws Exception {
    int calls = 20_000;
    HealCircuitBreaker cb = front(config(b -> b.slidingWindowSize(4 * calls)
        .minimumNumberOfCalls(1).failureRateThreshold(100)));
    Runnable caller = () -> {
      for (int i = 1; i <= calls; i++) {
        if (i % 1000 == 0) {
          fail(cb, 1);
        } else {
          succeed(cb, 1);
        }
      }
    };
    runConcurrently(caller, caller, caller, caller);
    int failures = 4 * (calls / 1000);
    assertThat(cb.getMetrics().getNumberOfFailedCalls()).isEqualTo(failures);
    assertThat(cb.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(4 * calls - failures);
    assertThat(cb.successes()).isEqualTo(4 * calls - failures);
    assertThat(cb.failures()).isEqualTo(failures);
    assertThat(cb.getState()).isEqualTo(State.CLOSED);
  }

  // ------------------------------------------------------------------ transitions are not missed

  /**
   * What a flap test drives: calls through some transition reporter, the delegate's event
   * publisher (to steer threads with latches), and the changes the reporter reported.
   */
  private interface Reporter {
    CircuitBreaker calls();

    CircuitBreaker delegate();

    List<String> reported();
  }

  /** heal's front, reporting through its watcher. */
  private Reporter frontReporter(CircuitBreakerConfig cfg) {
    HealCircuitBreaker cb = front(cfg);
    List<String> reported = java.util.Collections.synchronizedList(new ArrayList<>());
    cb.watch(new HealCircuitBreaker.Watcher() {
      @Override
      public void queue(State from, State to) {
        reported.add(from + ">" + to);
      }

      @Override
      public void deliver() {}
    });
    return new Reporter() {
      public CircuitBreaker calls() {
        return cb;
      }

      public CircuitBreaker delegate() {
        return cb.delegate();
      }

      public List<String> reported() {
        return reported;
      }
    };
  }

  /**
   * The front as it was before issue 13's item 6, in miniature: after every call it compares
   * resilience4j's state enum with the last one reported. The flap tests must reject it.
   */
  private Reporter enumOnlyReporter(CircuitBreakerConfig cfg) {
    CircuitBreaker plain = CircuitBreaker.of("fronted", cfg);
    List<String> reported = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicReference<State> last = new AtomicReference<>(plain.getState());
    Runnable check = () -> {
      synchronized (last) {
        State now = plain.getState();
        if (now != last.get()) {
          reported.add(last.get() + ">" + now);
          last.set(now);
        }
      }
    };
    CircuitBreaker checking = (CircuitBreaker) java.lang.reflect.Proxy.newProxyInstance(
        CircuitBreaker.class.getClassLoader(), new Class<?>[] {CircuitBreaker.class},
        (proxy, method, args) -> {
          try {
            return method.invoke(plain, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          } finally {
            check.run();
          }
        });
    return new Reporter() {
      public CircuitBreaker calls() {
        return checking;
      }

      public CircuitBreaker delegate() {
        return plain;
      }

      public List<String> reported() {
        return reported;
      }
    };
  }

  /**
   * Runs {@code steps} on one new thread each; every step makes one transition, and the thread is
   * held inside resilience4j's transition (in a consumer subscribed on the delegate, so after the
   * state changed and before the reporter can check) until every step has made its transition.
   * Before each step the clock advances past the OPEN wait. Returns resilience4j's own transitions.
   */
  private List<String> holdEveryTransitionUntilAllAreMade(Reporter r, List<Consumer<CircuitBreaker>> steps)
      throws Exception {
    List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.Semaphore transitioned = new java.util.concurrent.Semaphore(0);
    CountDownLatch release = new CountDownLatch(1);
    r.delegate().getEventPublisher().onStateTransition(e -> {
      events.add(e.getStateTransition().getFromState() + ">" + e.getStateTransition().getToState());
      transitioned.release();
      await(release);
    });
    List<Thread> threads = new ArrayList<>();
    AtomicReference<Throwable> error = new AtomicReference<>();
    for (Consumer<CircuitBreaker> step : steps) {
      clock.advance(Duration.ofSeconds(6));
      Thread t = new Thread(() -> {
        try {
          step.accept(r.calls());
        } catch (Throwable e) {
          error.compareAndSet(null, e);
        }
      });
      t.setDaemon(true);
      threads.add(t);
      t.start();
      assertThat(transitioned.tryAcquire(10, TimeUnit.SECONDS)).as("step %d made its transition (events %s, state %s)", threads.size(), events, r.delegate()).isTrue();
    }
    release.countDown();
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(10));
      assertThat(t.isAlive()).isFalse();
    }
    assertThat(error.get()).isNull();
    return events;
  }

  private CircuitBreakerConfig flapConfig() {
    return config(b -> b.slidingWindowSize(1).minimumNumberOfCalls(1).failureRateThreshold(50)
        .permittedNumberOfCallsInHalfOpenState(1).waitDurationInOpenState(Duration.ofSeconds(5)));
  }

  private static final Consumer<CircuitBreaker> FAILS = cb -> fail(cb, 1);
  private static final Consumer<CircuitBreaker> SUCCEEDS = cb -> succeed(cb, 1);
  /** Asks for a permission after the wait: OPEN -> HALF_OPEN (refused if reopened meanwhile). */
  private static final Consumer<CircuitBreaker> ASKS = CircuitBreaker::tryAcquirePermission;

  /**
   * Issue 13, item 6: OPEN -> HALF_OPEN -> OPEN completed by two callers before either checks (one
   * is let in after the wait, the other's failure reopens the breaker). Both end in OPEN, so
   * comparing states reports nothing; heal's front sees OPEN's metrics change and reports the
   * flap exactly as resilience4j's own events do.
   */
  @Test
  void aFlapCompletedByTwoCallersBetweenTwoChecksIsReported() throws Exception {
    for (boolean front : new boolean[] {true, false}) {
      Reporter r = front ? frontReporter(flapConfig()) : enumOnlyReporter(flapConfig());
      fail(r.calls(), 1);
      assertThat(r.reported()).containsExactly("CLOSED>OPEN");
      List<String> events = holdEveryTransitionUntilAllAreMade(r, List.of(ASKS, FAILS));
      assertThat(events).containsExactly("OPEN>HALF_OPEN", "HALF_OPEN>OPEN");
      List<String> expected = List.of("CLOSED>OPEN", "OPEN>HALF_OPEN", "HALF_OPEN>OPEN");
      if (front) {
        assertThat(r.reported()).isEqualTo(expected);
      } else { // the old comparison is caught: it reports no flap at all
        assertThat(r.reported()).isNotEqualTo(expected).containsExactly("CLOSED>OPEN");
      }
    }
  }

  /**
   * Three callers: CLOSED -> OPEN -> HALF_OPEN -> CLOSED before any checks. The state is CLOSED
   * again, but with fresh metrics: heal reports all three transitions.
   */
  @Test
  void aRoundTripCompletedByThreeCallersBetweenTwoChecksIsReported() throws Exception {
    for (boolean front : new boolean[] {true, false}) {
      Reporter r = front ? frontReporter(flapConfig()) : enumOnlyReporter(flapConfig());
      List<String> events = holdEveryTransitionUntilAllAreMade(r, List.of(FAILS, ASKS, SUCCEEDS));
      assertThat(events).containsExactly("CLOSED>OPEN", "OPEN>HALF_OPEN", "HALF_OPEN>CLOSED");
      if (front) {
        assertThat(r.reported()).isEqualTo(events);
      } else {
        assertThat(r.reported()).isEmpty();
      }
    }
  }

  /**
   * The documented bound: at most one period change per caller can be pending between two
   * checks, and the front reports the shortest path that explains the periods it saw. Four
   * callers taking the breaker CLOSED -> OPEN -> HALF_OPEN -> CLOSED -> OPEN before any checks
   * leave it OPEN with metrics that are not the first CLOSED period's: reported as the
   * three-step CLOSED -> OPEN -> HALF_OPEN -> OPEN, which is one period fewer.
   */
  @Test
  void fourTransitionsByFourCallersBetweenTwoChecksCollapseIntoTheShortestPath() throws Exception {
    Reporter r = frontReporter(flapConfig());
    List<String> events = holdEveryTransitionUntilAllAreMade(r, List.of(FAILS, ASKS, SUCCEEDS, FAILS));
    assertThat(events).containsExactly("CLOSED>OPEN", "OPEN>HALF_OPEN", "HALF_OPEN>CLOSED", "CLOSED>OPEN");
    assertThat(r.reported()).containsExactly("CLOSED>OPEN", "OPEN>HALF_OPEN", "HALF_OPEN>OPEN");
  }

  /**
   * Two real callers making resilience4j flap as fast as it can (a one-call window, one trial,
   * a 1 ms wait on the real clock): every transition resilience4j publishes is reported, none
   * twice. Compared per kind, since two threads publish resilience4j's events in either order.
   */
  @Test
  void twoCallersFlappingTheBreakerHaveEveryTransitionReported() throws Exception {
    HealCircuitBreaker cb = HealCircuitBreaker.wrap(CircuitBreaker.of("flapping",
        CircuitBreakerConfig.custom().slidingWindowSize(2).minimumNumberOfCalls(2)
            .failureRateThreshold(50).permittedNumberOfCallsInHalfOpenState(1)
            .waitDurationInOpenState(Duration.ofMillis(1)).build()));
    java.util.Map<String, Integer> reported = new java.util.concurrent.ConcurrentHashMap<>();
    java.util.Map<String, Integer> published = new java.util.concurrent.ConcurrentHashMap<>();
    cb.watch(new HealCircuitBreaker.Watcher() {
      @Override
      public void queue(State from, State to) {
        reported.merge(from + ">" + to, 1, Integer::sum);
      }

      @Override
      public void deliver() {}
    });
    cb.delegate().getEventPublisher().onStateTransition(e -> published.merge(
        e.getStateTransition().getFromState() + ">" + e.getStateTransition().getToState(), 1,
        Integer::sum));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    Runnable caller = () -> {
      java.util.SplittableRandom random = new java.util.SplittableRandom();
      while (published.getOrDefault("OPEN>HALF_OPEN", 0) < 300 && System.nanoTime() < deadline) {
        if (cb.tryAcquirePermission()) {
          if (random.nextInt(3) == 0) {
            fail(cb, 1);
          } else {
            succeed(cb, 1);
          }
        }
      }
    };
    runConcurrently(caller, caller);
    cb.getState(); // nothing pending: both callers have checked after their last operation
    assertThat(published.getOrDefault("OPEN>HALF_OPEN", 0)).as("the breaker flapped").isGreaterThanOrEqualTo(300);
    assertThat(reported).isEqualTo(published);
  }

  /** The reconstruction table, for each pair of periods resilience4j's own transitions allow. */
  @Test
  void theMissedPathIsTheShortestOneThePeriodsAllow() {
    Metrics m1 = CircuitBreaker.ofDefaults("m1").getMetrics();
    Metrics m2 = CircuitBreaker.ofDefaults("m2").getMetrics();
    State c = State.CLOSED;
    State o = State.OPEN;
    State h = State.HALF_OPEN;
    record Row(State from, boolean fresh, State to, List<State> path) {}
    for (Row row : List.of(
        new Row(c, false, c, List.of()),
        new Row(c, false, o, List.of(o)),
        new Row(c, true, h, List.of(o, h)),
        new Row(c, true, o, List.of(o, h, o)),
        new Row(c, true, c, List.of(o, h, c)),
        new Row(o, false, o, List.of()),
        new Row(o, true, h, List.of(h)),
        new Row(o, true, o, List.of(h, o)),
        new Row(o, true, c, List.of(h, c)),
        new Row(h, false, o, List.of(o)),
        new Row(h, true, c, List.of(c)),
        new Row(h, true, o, List.of(c, o)),
        new Row(h, true, h, List.of(o, h)),
        new Row(c, true, State.FORCED_OPEN, List.of(State.FORCED_OPEN)),
        new Row(State.DISABLED, true, o, List.of(o)))) {
      assertThat(HealCircuitBreaker.path(new HealCircuitBreaker.Seen(row.from(), m1),
          new HealCircuitBreaker.Seen(row.to(), row.fresh() ? m2 : m1), null))
          .as("%s", row).isEqualTo(row.path());
    }
    assertThat(HealCircuitBreaker.path(new HealCircuitBreaker.Seen(c, m1),
        new HealCircuitBreaker.Seen(c, m2), c)).as("explicit CLOSED -> CLOSED").isEmpty();
    assertThat(HealCircuitBreaker.path(new HealCircuitBreaker.Seen(c, m1),
        new HealCircuitBreaker.Seen(o, m2), h)).as("explicit HALF_OPEN, then a failure")
        .containsExactly(h, o);
  }

  // ------------------------------------------------------------------ resilience4j's scenarios

  /**
   * The scenarios of resilience4j's {@code CircuitBreakerStateMachineTest} and {@code
   * CircuitBreakerMetricsTest} that heal's front must keep, re-stated: each runs against plain
   * resilience4j and against heal's front with the same assertions.
   */
  private void onBoth(CircuitBreakerConfig cfg, Consumer<CircuitBreaker> scenario) {
    scenario.accept(CircuitBreaker.of("plain", cfg));
    scenario.accept(front(cfg));
  }

  private CircuitBreakerConfig stateMachineConfig() {
    return config(b -> b.failureRateThreshold(50).permittedNumberOfCallsInHalfOpenState(4)
        .slowCallDurationThreshold(Duration.ofSeconds(4)).slowCallRateThreshold(50)
        .slidingWindow(5, 5, SlidingWindowType.COUNT_BASED)
        .waitDurationInOpenState(Duration.ofSeconds(5))
        .ignoreExceptions(NumberFormatException.class));
  }

  @Test
  void opensOnceFiveCallsAreAtLeastHalfFailures() {
    onBoth(stateMachineConfig(), cb -> {
      fail(cb, 3);
      succeed(cb, 1);
      assertThat(cb.getState()).isEqualTo(State.CLOSED);
      assertThat(cb.getMetrics().getFailureRate()).isEqualTo(-1f);
      succeed(cb, 1);
      assertThat(cb.getState()).isEqualTo(State.OPEN);
      assertThat(cb.getMetrics().getFailureRate()).isEqualTo(60f);
      assertThat(cb.tryAcquirePermission()).isFalse();
      assertThat(cb.getMetrics().getNumberOfNotPermittedCalls()).isEqualTo(1);
    });
  }

  @Test
  void opensOnceFiveCallsAreAtLeastHalfSlow() {
    onBoth(stateMachineConfig(), cb -> {
      cb.onError(5, TimeUnit.SECONDS, DOWN);
      cb.onSuccess(5, TimeUnit.SECONDS);
      cb.onError(100, TimeUnit.MILLISECONDS, DOWN);
      cb.onSuccess(100, TimeUnit.MILLISECONDS);
      assertThat(cb.getState()).isEqualTo(State.CLOSED);
      cb.onSuccess(5, TimeUnit.SECONDS);
      assertThat(cb.getState()).isEqualTo(State.OPEN);
      assertThat(cb.getMetrics().getNumberOfSlowCalls()).isEqualTo(3);
      assertThat(cb.getMetrics().getSlowCallRate()).isEqualTo(60f);
    });
  }

  @Test
  void halfOpenPermitsFourTrialsAndAReleasedPermissionIsReturned() {
    onBoth(stateMachineConfig(), cb -> {
      cb.transitionToOpenState();
      cb.transitionToHalfOpenState();
      for (int i = 0; i < 4; i++) {
        assertThat(cb.tryAcquirePermission()).isTrue();
      }
      assertThat(cb.tryAcquirePermission()).isFalse();
      assertThatThrownBy(cb::acquirePermission).isInstanceOf(CallNotPermittedException.class);
      cb.releasePermission();
      assertThat(cb.tryAcquirePermission()).isTrue();
    });
  }

  @Test
  void becomesHalfOpenAfterTheWaitWithFreshMetricsAndClosesOrReopensOnItsTrials() {
    onBoth(stateMachineConfig(), cb -> {
      cb.transitionToOpenState();
      clock.advance(Duration.ofSeconds(3));
      assertThat(cb.tryAcquirePermission()).isFalse();
      clock.advance(Duration.ofSeconds(3));
      assertThat(cb.tryAcquirePermission()).isTrue();
      assertThat(cb.getState()).isEqualTo(State.HALF_OPEN);
      assertThat(cb.getMetrics().getNumberOfBufferedCalls()).isZero();
      assertThat(cb.getMetrics().getNumberOfNotPermittedCalls()).isZero();
      succeed(cb, 3);
      fail(cb, 1);
      assertThat(cb.getState()).isEqualTo(State.CLOSED); // 25 % < 50 %
      fail(cb, 3);
      succeed(cb, 2);
      assertThat(cb.getState()).isEqualTo(State.OPEN);
      clock.advance(Duration.ofSeconds(6));
      assertThat(cb.tryAcquirePermission()).isTrue();
      fail(cb, 2);
      succeed(cb, 2);
      assertThat(cb.getState()).isEqualTo(State.OPEN); // 50 % of the trials failed
    });
  }

  @Test
  void ignoredExceptionsAreNeitherFailuresNorSuccesses() {
    onBoth(stateMachineConfig(), cb -> {
      for (int i = 0; i < 5; i++) {
        cb.onError(0, TimeUnit.NANOSECONDS, new NumberFormatException());
      }
      assertThat(cb.getState()).isEqualTo(State.CLOSED);
      assertThat(cb.getMetrics().getNumberOfBufferedCalls()).isZero();
    });
  }

  @Test
  void forcedOpenRejectsDisabledAndMetricsOnlyPermitEverything() {
    onBoth(stateMachineConfig(), cb -> {
      cb.transitionToForcedOpenState();
      assertThat(cb.tryAcquirePermission()).isFalse();
      assertThat(cb.getMetrics().getNumberOfNotPermittedCalls()).isEqualTo(1);
      cb.transitionToDisabledState();
      fail(cb, 10);
      assertThat(cb.tryAcquirePermission()).isTrue();
      assertThat(cb.getState()).isEqualTo(State.DISABLED);
      cb.transitionToMetricsOnlyState();
      fail(cb, 10);
      assertThat(cb.tryAcquirePermission()).isTrue();
      assertThat(cb.getMetrics().getNumberOfFailedCalls()).isEqualTo(5);
      cb.reset();
      assertThat(cb.getState()).isEqualTo(State.CLOSED);
      assertThat(cb.getMetrics().getNumberOfBufferedCalls()).isZero();
    });
  }

  /**
   * resilience4j's metrics scenario: window 10, judged from 10 calls. Two successes, eight calls
   * of which six fail open the breaker at 60 %; the calls still in flight then complete in OPEN
   * and are recorded there, so three more successes bring the rate to 30 %.
   */
  @Test
  void callsCompletingInOpenKeepCountingInItsWindow() {
    onBoth(config(b -> b.slidingWindow(10, 10, SlidingWindowType.COUNT_BASED)), cb -> {
      succeed(cb, 2);
      fail(cb, 6);
      succeed(cb, 2);
      assertThat(cb.getState()).isEqualTo(State.OPEN);
      succeed(cb, 2);
      assertThat(cb.getMetrics().getNumberOfBufferedCalls()).isEqualTo(10);
      assertThat(cb.getMetrics().getFailureRate()).isEqualTo(60f);
      succeed(cb, 3);
      assertThat(cb.getMetrics().getFailureRate()).isEqualTo(30f);
    });
  }

  // ------------------------------------------------------------------ helpers

  private static void runConcurrently(Runnable... tasks) throws InterruptedException {
    AtomicReference<Throwable> error = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    for (Runnable t : tasks) {
      Thread th = new Thread(() -> {
        try {
          t.run();
        } catch (Throwable e) {
          error.compareAndSet(null, e);
        }
      });
      th.setDaemon(true);
      threads.add(th);
      th.start();
    }
    for (Thread th : threads) {
      th.join(TimeUnit.SECONDS.toMillis(30));
      assertThat(th.isAlive()).as("a caller hung").isFalse();
    }
    assertThat(error.get()).isNull();
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
