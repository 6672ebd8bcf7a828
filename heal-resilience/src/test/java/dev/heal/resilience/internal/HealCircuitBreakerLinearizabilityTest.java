package dev.heal.resilience.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import java.io.IOException;
import java.lang.reflect.Method;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.LinCheckerKt;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.strategy.LincheckFailure;
import org.jetbrains.kotlinx.lincheck.strategy.managed.modelchecking.ModelCheckingOptions;
import org.jetbrains.kotlinx.lincheck.strategy.stress.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Lincheck proof that heal's breaker front adds nothing to resilience4j's concurrency: every
 * concurrent history of the operations below, run against {@link HealCircuitBreaker} over a real
 * resilience4j state machine, is explained by some sequential order of the same operations on a
 * plain resilience4j breaker ({@link Spec}). Model checking explores generated interleavings
 * deterministically; the stress run executes generated scenarios on real threads, bounded.
 *
 * <p>The operations: acquire a permission, a fast and a slow success, a failure, an ignored
 * exception, a metrics read (each read is one getter: resilience4j's metrics as a whole are not
 * read atomically), an explicit transition, a reset, and subscribing a consumer.
 *
 * <p>{@link Broken} is the front as it was before issue 13 in miniature: fast successes wait in a
 * counter, and a hand-over takes the counter before recording what it took, so a failure (or a
 * read) on another thread can be recorded ahead of successes that finished before it. Lincheck
 * must reject it, which shows the check can fail.
 */
class HealCircuitBreakerLinearizabilityTest {
  static final RuntimeException FAILURE = new IllegalStateException("down");
  static final IOException IGNORED = new IOException("ignored");
  static final Clock FIXED = Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC);

  /**
   * A time-based window on a fixed clock (no call ages out), slow above 1 s, and thresholds
   * resilience4j never reaches in these scenarios (1,000 calls before it judges, 1,000 half-open
   * trials), so the state changes only through explicit transitions. Transitions made by a
   * recorded outcome are left out on purpose: resilience4j itself is not linearizable there (a
   * caller whose outcome crossed the threshold can return and read CLOSED while another caller is
   * still opening the breaker; {@code ResilienceContractTest} pins that), and a front that only
   * passes calls through cannot be more linearizable than what it passes them to.
   */
  static CircuitBreaker resilience4j() {
    return CircuitBreaker.of("lin", CircuitBreakerConfig.custom()
        .slidingWindow(10, 1000, SlidingWindowType.TIME_BASED)
        .failureRateThreshold(50)
        .slowCallRateThreshold(50)
        .slowCallDurationThreshold(Duration.ofSeconds(1))
        .permittedNumberOfCallsInHalfOpenState(1000)
        .waitDurationInOpenState(Duration.ofHours(1))
        .ignoreExceptions(IOException.class)
        .writableStackTraceEnabled(false)
        .clock(FIXED)
        .build());
  }

  /** The operations, on whatever breaker a subclass passes in. */
  public abstract static class Ops {
    final CircuitBreaker cb;

    Ops(CircuitBreaker cb) {
      this.cb = cb;
    }

    void success(long millis) {
      cb.onResult(millis, TimeUnit.MILLISECONDS, "ok");
    }

    void error(Throwable t) {
      cb.onError(1, TimeUnit.MILLISECONDS, t);
    }

    CircuitBreaker.Metrics metrics() {
      return cb.getMetrics();
    }

    @Operation
    public boolean acquire() {
      return cb.tryAcquirePermission();
    }

    @Operation
    public void fastSuccess() {
      success(1);
    }

    @Operation
    public void slowSuccess() {
      success(5_000);
    }

    @Operation
    public void failure() {
      error(FAILURE);
    }

    @Operation
    public void ignoredException() {
      error(IGNORED);
    }

    @Operation
    public String state() {
      return cb.getState().name();
    }

    @Operation
    public int bufferedCalls() {
      return metrics().getNumberOfBufferedCalls();
    }

    @Operation
    public int failedCalls() {
      return metrics().getNumberOfFailedCalls();
    }

    @Operation
    public int slowCalls() {
      return metrics().getNumberOfSlowCalls();
    }

    @Operation
    public long notPermittedCalls() {
      return metrics().getNumberOfNotPermittedCalls();
    }

  }

  /** The operations plus explicit transitions, a reset and subscribing. */
  public abstract static class AllOps extends Ops {
    AllOps(CircuitBreaker cb) {
      super(cb);
    }

    @Operation
    public void transitionToOpen() {
      cb.transitionToOpenState();
    }

    @Operation
    public void transitionToHalfOpen() {
      cb.transitionToHalfOpenState();
    }

    @Operation
    public void reset() {
      cb.reset();
    }

    @Operation
    public void subscribe() {
      cb.getEventPublisher().onStateTransition(e -> { });
    }
  }


  /** The sequential specification: plain resilience4j. */
  public static class Spec extends Ops {
    public Spec() {
      super(resilience4j());
    }
  }

  /** heal's front over resilience4j's state machine. */
  public static class Front extends Ops {
    public Front() {
      super(watched(HealCircuitBreaker.wrap(resilience4j())));
    }
  }

  /** The front as heal runs it: watched, so every operation also compares states. */
  static HealCircuitBreaker watched(HealCircuitBreaker front) {
    front.watch(new HealCircuitBreaker.Watcher() {
      private final java.util.concurrent.ConcurrentLinkedQueue<CircuitBreaker.State> seen =
          new java.util.concurrent.ConcurrentLinkedQueue<>();

      @Override
      public void queue(CircuitBreaker.State from, CircuitBreaker.State to) {
        seen.add(to);
      }

      @Override
      public void deliver() {
        seen.clear();
      }
    });
    return front;
  }

  /** The sequential specification with every operation. */
  public static class AllSpec extends AllOps {
    public AllSpec() {
      super(resilience4j());
    }
  }

  /** heal's front with every operation. */
  public static class AllFront extends AllOps {
    public AllFront() {
      super(watched(HealCircuitBreaker.wrap(resilience4j())));
    }
  }

  /** A deliberately broken batching front (see the class comment). */
  public static class Broken extends Ops {
    private final AtomicInteger pending = new AtomicInteger();

    public Broken() {
      super(resilience4j());
    }

    @Override
    void success(long millis) {
      if (millis >= 1000 || cb.getState() != CircuitBreaker.State.CLOSED) {
        handOverAll();
        super.success(millis);
      } else if (pending.incrementAndGet() >= 2) {
        handOverAll();
      }
    }

    /** The bug: a stripe another thread has taken but not yet recorded is skipped. */
    private void handOverAll() {
      for (int n = pending.getAndSet(0); n > 0; n--) {
        cb.onSuccess(0, TimeUnit.NANOSECONDS);
      }
    }

    @Override
    void error(Throwable t) {
      handOverAll();
      super.error(t);
    }

    @Override
    CircuitBreaker.Metrics metrics() {
      handOverAll();
      return super.metrics();
    }

    @Override
    public String state() {
      handOverAll();
      return super.state();
    }
  }

  /**
   * Issue 13's first reproduction in miniature: one caller finishes a fast success and is handing
   * over its second when another caller fails and reads the window. The read must count the
   * finished success.
   */
  static ExecutionScenario failureWhileAnotherCallerHandsOver() throws NoSuchMethodException {
    return new ExecutionScenario(List.of(),
        List.of(List.of(actor("fastSuccess"), actor("fastSuccess")),
            List.of(actor("failure"), actor("bufferedCalls"))),
        List.of(actor("failedCalls")), null);
  }

  private static Actor actor(String name) throws NoSuchMethodException {
    Method m = Ops.class.getMethod(name);
    return new Actor(m, List.of());
  }

  private static ModelCheckingOptions modelChecking() throws NoSuchMethodException {
    return new ModelCheckingOptions()
        .iterations(6)
        .invocationsPerIteration(50)
        .threads(2)
        .actorsPerThread(3)
        .actorsBefore(2)
        .actorsAfter(1)
        .addCustomScenario(failureWhileAnotherCallerHandsOver())
        .sequentialSpecification(Spec.class);
  }

  @Test
  void theFrontIsLinearizableAgainstPlainResilience4jUnderModelChecking() throws Exception {
    LinCheckerKt.check(modelChecking(), Front.class);
  }

  @Test
  void theFrontIsLinearizableUnderModelCheckingAtThreeThreads() throws Exception {
    LinCheckerKt.check(modelChecking().iterations(1).invocationsPerIteration(40).threads(3).actorsPerThread(2), Front.class);
  }

  /**
   * Every operation, explicit transitions, resets and subscriptions included, on real threads
   * (2 to 4), bounded. Lincheck's model checker cannot run resilience4j's transitions: it makes
   * identity hash codes deterministic, and resilience4j looks transitions up in a static map keyed
   * by enum pairs built with the real ones, so every transition fails as "illegal" under it.
   */
  @Test
  void theFrontWithTransitionsResetsAndSubscriptionsIsLinearizableOnRealThreads() {
    for (int threads = 2; threads <= 4; threads++) {
      LinCheckerKt.check(new StressOptions()
          .iterations(threads == 2 ? 8 : 3)
          .invocationsPerIteration(400)
          .threads(threads)
          .actorsPerThread(threads == 2 ? 3 : 2)
          .actorsBefore(2)
          .actorsAfter(1)
          .sequentialSpecification(AllSpec.class), AllFront.class);
    }
  }

  @Test
  void aFrontThatSkipsTakenSuccessesIsCaught() throws Exception {
    LincheckFailure failure = LinCheckerKt.checkImpl(modelChecking(), Broken.class);
    assertThat(failure).as("Lincheck must find the skipped hand-over").isNotNull();
    assertThat(failure.toString()).contains("Invalid execution results").contains("failure()");
  }
}
