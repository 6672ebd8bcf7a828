package dev.heal.benchmarks.resilience;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.heal.core.health.HealthRegistry;
import dev.heal.resilience.Resilience;
import dev.heal.resilience.internal.HealCircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A trivial protected call (returns a constant) through: nothing; resilience4j's default circuit
 * breaker; the same with {@code TaggedCircuitBreakerMetrics}; heal's annotated proxy with a
 * circuit breaker, metrics and the health bridge (health checks running every 100 ms, so the
 * bridge reads the breaker during the run); heal's programmatic decorator (same); Failsafe 3's
 * circuit breaker (executor and standalone permit API).
 *
 * <p>heal's breaker is resilience4j's state machine behind a front that passes every call
 * straight through (run 7 on; runs 5 and 6 measured a front that batched fast successes, dropped
 * in issue 13 because it was not exact). The {@code ColdWindow} rows reset their breaker every
 * 100 calls, so every call is among the first {@code minimumNumberOfCalls} of a CLOSED period.
 * The {@code OnePercentFailures} rows fail every 100th call, through resilience4j's {@code
 * executeSupplier} and through heal's proxy.
 *
 * <p>{@code healProxyStandardMeters} is heal's proxy on a heal instance built with {@code
 * resilience4jCircuitBreakerMeters(true)} (resilience4j's {@code TaggedCircuitBreakerMetrics}, whose
 * timer subscribes to the breaker's events).
 *
 * <p>Every row counts the calls it makes; at the end of each fork the breaker must be CLOSED and,
 * for heal's rows, heal's counters must equal the calls made, or the fork fails.
 *
 * <p>Run with {@code -t 1} and {@code -t 2}, and {@code -prof gc} for B/op. See docs/benchmarks.md
 * for the exact command and recorded results.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class CircuitBreakerBenchmark {

  /** The protected service. */
  public interface Service {
    @io.github.resilience4j.circuitbreaker.annotation.CircuitBreaker(name = "proxied")
    String call();
  }

  /** The same service, protected by a breaker with resilience4j 2.4's LOCK_FREE window. */
  public interface LockFreeService {
    @io.github.resilience4j.circuitbreaker.annotation.CircuitBreaker(name = "proxiedLockFree")
    String call();
  }

  static final class LockFreeImpl implements LockFreeService {
    @Override
    public String call() {
      return "ok";
    }
  }

  /** The same service behind a heal instance with resilience4j's standard breaker meters on. */
  public interface StandardMetersService {
    @io.github.resilience4j.circuitbreaker.annotation.CircuitBreaker(name = "proxiedStandardMeters")
    String call();
  }

  /** The same service on a breaker the cold-window row resets every 100 calls. */
  public interface ColdService {
    @io.github.resilience4j.circuitbreaker.annotation.CircuitBreaker(name = "proxiedCold")
    String call();
  }

  /** The same service on a breaker with heal's opt-in success batching. */
  public interface BatchedService {
    @io.github.resilience4j.circuitbreaker.annotation.CircuitBreaker(name = "proxiedBatched")
    String call();
  }

  /** Batching, its breaker reset every 100 calls (never past minimumNumberOfCalls). */
  public interface BatchedColdService {
    @io.github.resilience4j.circuitbreaker.annotation.CircuitBreaker(name = "proxiedBatchedCold")
    String call();
  }

  /** Batching, every 100th call failing. */
  public interface BatchedFailingService {
    @io.github.resilience4j.circuitbreaker.annotation.CircuitBreaker(name = "proxiedBatchedFailing")
    String call(Calls calls);
  }

  /** Batching, the calling threads sent back to stripe 0 every 1,000 calls. */
  public interface BatchedCollisionService {
    @io.github.resilience4j.circuitbreaker.annotation.CircuitBreaker(name = "proxiedBatchedCollision")
    String call();
  }

  /** Every 1,000th call slow (20 µs) against a 5 µs slow-call threshold, behind heal's proxy. */
  public interface SlowService {
    @io.github.resilience4j.circuitbreaker.annotation.CircuitBreaker(name = "proxiedSlow")
    String call(Calls calls);
  }

  /** The same, with the opt-in success batching. */
  public interface BatchedSlowService {
    @io.github.resilience4j.circuitbreaker.annotation.CircuitBreaker(name = "proxiedBatchedSlow")
    String call(Calls calls);
  }

  /** A service whose every 100th call fails, behind heal's proxy. */
  public interface FailingService {
    @io.github.resilience4j.circuitbreaker.annotation.CircuitBreaker(name = "proxiedFailing")
    String call(Calls calls);
  }

  static final class FailingImpl implements FailingService {
    @Override
    public String call(Calls calls) {
      return calls.next();
    }
  }

  static final class Impl implements Service {
    @Override
    public String call() {
      return "ok";
    }
  }

  /** Thrown by every 100th call of the "OnePercentFailures" rows; preallocated, no stack trace. */
  static final RuntimeException FAILURE =
      new RuntimeException("1 % of calls fail", null, false, false) { };

  /** How long the slow calls of the "SlowCalls" rows take: 4× their breakers' threshold. */
  static final long SLOW_NANOS = 20_000;

  /** The slow-call threshold of the "SlowCalls" rows' breakers. */
  static final Duration SLOW_THRESHOLD = Duration.ofNanos(5_000);

  /** Every thread's {@link Calls} of this fork; summed once all threads have stopped. */
  static final Queue<Calls> CALLERS = new ConcurrentLinkedQueue<>();

  /**
   * Per-thread call counter: every row counts its calls here; every 100th call of a
   * "OnePercentFailures" row fails.
   */
  @State(Scope.Thread)
  public static class Calls {
    long made;
    int n;

    String next() {
      if (++n % 100 == 0) {
        throw FAILURE;
      }
      return "ok";
    }

    /** Every 1,000th call spins for {@link #SLOW_NANOS}; the others return at once. */
    String slowly() {
      if (++n % 1000 == 0) {
        long until = System.nanoTime() + SLOW_NANOS;
        while (System.nanoTime() < until) {
          Thread.onSpinWait();
        }
      }
      return "ok";
    }

    @Setup(Level.Trial)
    public void register() {
      CALLERS.add(this);
    }
  }

  private final Service direct = new Impl();
  private Supplier<String> r4jRaw;
  private Supplier<String> r4jTagged;
  private Supplier<String> r4jLockFree;
  private LockFreeService healProxyLockFree;
  private Service healProxy;
  private Supplier<String> healDecorator;
  private FailingService healProxyFailing;
  private ColdService healProxyCold;
  private CircuitBreaker healCold;
  private CircuitBreaker r4jCold;
  private Supplier<String> r4jColdCall;
  private Resilience resilience;
  private Resilience withStandardMeters;
  private StandardMetersService healProxyStandardMeters;
  private CircuitBreaker r4jDefault;
  private CircuitBreaker r4jFailing;
  private CircuitBreaker healFailing;
  private FailsafeExecutor<String> failsafe;
  private dev.failsafe.CircuitBreaker<String> failsafeBreaker;
  private HealthRegistry health;
  private BatchedService healProxyBatched;
  private Supplier<String> healDecoratorBatched;
  private BatchedColdService healProxyBatchedCold;
  private CircuitBreaker healBatchedCold;
  private BatchedFailingService healProxyBatchedFailing;
  private BatchedCollisionService healProxyBatchedCollision;
  private CircuitBreaker r4jSlow;
  private SlowService healProxySlow;
  private BatchedSlowService healProxyBatchedSlow;
  private static final String[] BATCHED = {"proxiedBatchedSlow", "proxiedBatched", "decoratedBatched",
      "proxiedBatchedCold", "proxiedBatchedFailing", "proxiedBatchedCollision"};

  @Setup(Level.Trial)
  public void setUp() {
    Supplier<String> call = direct::call;
    r4jDefault = CircuitBreaker.ofDefaults("raw");
    r4jRaw = CircuitBreaker.decorateSupplier(r4jDefault, call);
    r4jCold = CircuitBreaker.ofDefaults("cold");
    r4jColdCall = CircuitBreaker.decorateSupplier(r4jCold, call);

    r4jLockFree = CircuitBreaker.decorateSupplier(CircuitBreaker.of("lockFree",
        CircuitBreakerConfig.custom().slidingWindowSynchronizationStrategy(
            CircuitBreakerConfig.SlidingWindowSynchronizationStrategy.LOCK_FREE).build()), call);

    CircuitBreakerRegistry tagged = CircuitBreakerRegistry.ofDefaults();
    CircuitBreaker taggedCb = tagged.circuitBreaker("tagged");
    TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(tagged).bindTo(new SimpleMeterRegistry());
    r4jTagged = CircuitBreaker.decorateSupplier(taggedCb, call);

    health = HealthRegistry.builder().build();
    r4jFailing = CircuitBreaker.ofDefaults("failing");
    r4jSlow = CircuitBreaker.of("slow", CircuitBreakerConfig.custom()
        .slowCallDurationThreshold(SLOW_THRESHOLD).slowCallRateThreshold(100).build());
    resilience = Resilience.builder()
        .meterRegistry(new SimpleMeterRegistry())
        .healthRegistry(health)
        .healthCheckInterval(Duration.ofMillis(100))
        .circuitBreaker("proxied")
        .circuitBreaker("decorated")
        .circuitBreaker("failing")
        .circuitBreaker("proxiedFailing")
        .circuitBreaker("proxiedCold")
        .circuitBreaker("proxiedLockFree", b -> b.slidingWindowSynchronizationStrategy(
            CircuitBreakerConfig.SlidingWindowSynchronizationStrategy.LOCK_FREE))
        .circuitBreaker("proxiedSlow", b -> b.slowCallDurationThreshold(SLOW_THRESHOLD)
            .slowCallRateThreshold(100))
        .circuitBreaker("proxiedBatchedSlow", b -> b.slowCallDurationThreshold(SLOW_THRESHOLD)
            .slowCallRateThreshold(100)).batchSuccesses("proxiedBatchedSlow", true)
        .circuitBreaker("proxiedBatched").batchSuccesses("proxiedBatched", true)
        .circuitBreaker("decoratedBatched").batchSuccesses("decoratedBatched", true)
        .circuitBreaker("proxiedBatchedCold").batchSuccesses("proxiedBatchedCold", true)
        .circuitBreaker("proxiedBatchedFailing").batchSuccesses("proxiedBatchedFailing", true)
        .circuitBreaker("proxiedBatchedCollision").batchSuccesses("proxiedBatchedCollision", true)
        .build();
    healProxyBatched = resilience.proxy(BatchedService.class, () -> "ok");
    healDecoratorBatched = resilience.decorate(call).withCircuitBreaker("decoratedBatched").build();
    healProxyBatchedCold = resilience.proxy(BatchedColdService.class, () -> "ok");
    healBatchedCold = resilience.circuitBreaker("proxiedBatchedCold").orElseThrow();
    healProxyBatchedFailing = resilience.proxy(BatchedFailingService.class, Calls::next);
    healProxyBatchedCollision = resilience.proxy(BatchedCollisionService.class, () -> "ok");
    healProxySlow = resilience.proxy(SlowService.class, Calls::slowly);
    healProxyBatchedSlow = resilience.proxy(BatchedSlowService.class, Calls::slowly);
    for (String name : BATCHED) {
      if (!((HealCircuitBreaker) resilience.circuitBreaker(name).orElseThrow()).batching()) {
        throw new IllegalStateException("breaker '" + name + "' does not batch");
      }
    }
    healProxyLockFree = resilience.proxy(LockFreeService.class, new LockFreeImpl());
    healProxy = resilience.proxy(Service.class, new Impl());
    healDecorator = resilience.decorate(call).withCircuitBreaker("decorated").build();
    healFailing = resilience.circuitBreaker("failing").orElseThrow();
    healProxyFailing = resilience.proxy(FailingService.class, new FailingImpl());
    healProxyCold = resilience.proxy(ColdService.class, () -> "ok");
    healCold = resilience.circuitBreaker("proxiedCold").orElseThrow();
    withStandardMeters = Resilience.builder()
        .meterRegistry(new SimpleMeterRegistry())
        .resilience4jCircuitBreakerMeters(true)
        .healthRegistry(health)
        .healthCheckInterval(Duration.ofMillis(100))
        .circuitBreaker("proxiedStandardMeters")
        .build();
    healProxyStandardMeters = withStandardMeters.proxy(StandardMetersService.class, () -> "ok");
    health.start(); // the bridge reads every breaker's state and metrics every 100 ms

    failsafeBreaker = dev.failsafe.CircuitBreaker.ofDefaults();
    failsafe = Failsafe.with(dev.failsafe.CircuitBreaker.<String>ofDefaults());
  }

  /** Fails the fork unless every breaker is CLOSED and heal counted exactly the calls made. */
  @TearDown(Level.Trial)
  public void tearDown() {
    health.close();
    for (CircuitBreaker cb : new CircuitBreaker[] {r4jDefault, r4jFailing, r4jCold, r4jSlow}) {
      requireClosed(cb);
    }
    requireFewSlowCalls(r4jSlow);
    requireFewSlowCalls(resilience.circuitBreaker("proxiedSlow").orElseThrow());
    requireFewSlowCalls(resilience.circuitBreaker("proxiedBatchedSlow").orElseThrow());
    long counted = 0;
    for (String name : new String[] {"proxied", "decorated", "failing", "proxiedFailing",
        "proxiedCold", "proxiedLockFree", "proxiedBatched", "decoratedBatched", "proxiedBatchedCold",
        "proxiedBatchedFailing", "proxiedBatchedCollision", "proxiedSlow", "proxiedBatchedSlow"}) {
      HealCircuitBreaker cb = (HealCircuitBreaker) resilience.circuitBreaker(name).orElseThrow();
      requireClosed(cb);
      counted += cb.successes() + cb.failures() + cb.rejections();
    }
    HealCircuitBreaker standard =
        (HealCircuitBreaker) withStandardMeters.circuitBreaker("proxiedStandardMeters").orElseThrow();
    requireClosed(standard);
    counted += standard.successes() + standard.failures() + standard.rejections();
    long made = 0;
    for (Calls c : CALLERS) {
      made += c.made;
    }
    boolean healRow = counted > 0;
    if (healRow && counted != made) {
      throw new IllegalStateException("heal counted " + counted + " calls, " + made + " were made");
    }
  }

  /**
   * One call in 1,000 is slow; a window of 100 calls holding more than 10 slow ones means fast
   * calls were timed as slow (issue 13: a cold window that slow opened breakers).
   */
  private static void requireFewSlowCalls(CircuitBreaker cb) {
    int slow = cb.getMetrics().getNumberOfSlowCalls();
    if (slow > 10) {
      throw new IllegalStateException("breaker '" + cb.getName() + "' holds " + slow
          + " slow calls in its window of " + cb.getMetrics().getNumberOfBufferedCalls()
          + "; 1 in 1,000 calls is slow");
    }
  }

  private static void requireClosed(CircuitBreaker cb) {
    if (cb.getState() != CircuitBreaker.State.CLOSED) {
      throw new IllegalStateException("breaker '" + cb.getName() + "' ended " + cb.getState());
    }
  }

  @Benchmark
  public String direct(Calls calls) {
    calls.made++;
    return direct.call();
  }

  @Benchmark
  public String r4jCircuitBreaker(Calls calls) {
    calls.made++;
    return r4jRaw.get();
  }

  @Benchmark
  public String r4jCircuitBreakerTaggedMetrics(Calls calls) {
    calls.made++;
    return r4jTagged.get();
  }

  @Benchmark
  public String r4jCircuitBreakerLockFree(Calls calls) {
    calls.made++;
    return r4jLockFree.get();
  }

  @Benchmark
  public String healProxyLockFreeWindow(Calls calls) {
    calls.made++;
    return healProxyLockFree.call();
  }

  @Benchmark
  public String healProxy(Calls calls) {
    calls.made++;
    return healProxy.call();
  }

  /** heal's proxy with {@code resilience4jCircuitBreakerMeters(true)}: resilience4j's timer too. */
  @Benchmark
  public String healProxyStandardMeters(Calls calls) {
    calls.made++;
    return healProxyStandardMeters.call();
  }

  @Benchmark
  public String healDecorator(Calls calls) {
    calls.made++;
    return healDecorator.get();
  }

  /** resilience4j's default breaker; every 100th call fails (it never opens: 1 % < 50 %). */
  @Benchmark
  public String r4jCircuitBreakerOnePercentFailures(Calls calls) {
    calls.made++;
    return guarded(r4jFailing, calls);
  }

  /** heal's default breaker, the same calls through resilience4j's executeSupplier. */
  @Benchmark
  public String healCircuitBreakerOnePercentFailures(Calls calls) {
    calls.made++;
    return guarded(healFailing, calls);
  }

  /** heal's annotated proxy, every 100th call failing. */
  @Benchmark
  public String healProxyOnePercentFailures(Calls calls) {
    calls.made++;
    try {
      return healProxyFailing.call(calls);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** resilience4j's default breaker, reset every 100 calls: always in its first 100 calls. */
  @Benchmark
  public String r4jCircuitBreakerColdWindow(Calls calls) {
    if (++calls.made % 100 == 0) {
      r4jCold.reset();
    }
    return r4jColdCall.get();
  }

  /** heal's proxy, its breaker reset every 100 calls. */
  @Benchmark
  public String healProxyColdWindow(Calls calls) {
    if (++calls.made % 100 == 0) {
      healCold.reset();
    }
    return healProxyCold.call();
  }

  /** heal's proxy with the opt-in success batching (a warm window after the first 100 calls). */
  @Benchmark
  public String healProxyBatched(Calls calls) {
    calls.made++;
    return healProxyBatched.call();
  }

  /** heal's decorator with the opt-in success batching. */
  @Benchmark
  public String healDecoratorBatched(Calls calls) {
    calls.made++;
    return healDecoratorBatched.get();
  }

  /** Batching, reset every 100 calls: always cold, so every call goes straight to resilience4j. */
  @Benchmark
  public String healProxyBatchedColdWindow(Calls calls) {
    if (++calls.made % 100 == 0) {
      healBatchedCold.reset();
    }
    return healProxyBatchedCold.call();
  }

  /** Batching, every 100th call failing (each failure drains the stripes first). */
  @Benchmark
  public String healProxyBatchedOnePercentFailures(Calls calls) {
    calls.made++;
    try {
      return healProxyBatchedFailing.call(calls);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * Batching, every thread sent back to stripe 0 every 1,000 calls, so the threads keep
   * colliding and must move apart again by CAS failures.
   */
  @Benchmark
  public String healProxyBatchedStripeCollision(Calls calls) {
    if (++calls.made % 1000 == 0) {
      HealCircuitBreaker.startOnStripeZero();
    }
    return healProxyBatchedCollision.call();
  }

  /** resilience4j's breaker with a 5 µs slow-call threshold; every 1,000th call takes 20 µs. */
  @Benchmark
  public String r4jCircuitBreakerSlowCalls(Calls calls) {
    calls.made++;
    return r4jSlow.executeSupplier(calls::slowly);
  }

  /** heal's proxy, the same breaker settings and calls. */
  @Benchmark
  public String healProxySlowCalls(Calls calls) {
    calls.made++;
    return healProxySlow.call(calls);
  }

  /** heal's proxy with success batching, the same breaker settings and calls. */
  @Benchmark
  public String healProxyBatchedSlowCalls(Calls calls) {
    calls.made++;
    return healProxyBatchedSlow.call(calls);
  }

  private static String guarded(CircuitBreaker cb, Calls calls) {
    try {
      return cb.executeSupplier(calls::next);
    } catch (RuntimeException e) {
      return null;
    }
  }

  @Benchmark
  public String failsafeExecutor(Calls calls) {
    calls.made++;
    return failsafe.get(direct::call);
  }

  @Benchmark
  public String failsafeStandalone(Calls calls) {
    calls.made++;
    if (!failsafeBreaker.tryAcquirePermit()) {
      return null;
    }
    String r = direct.call();
    failsafeBreaker.recordSuccess();
    return r;
  }
}
