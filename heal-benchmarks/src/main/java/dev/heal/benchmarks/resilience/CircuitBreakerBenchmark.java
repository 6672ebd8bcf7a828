package dev.heal.benchmarks.resilience;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.heal.core.health.HealthRegistry;
import dev.heal.resilience.Resilience;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
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
 * circuit breaker, metrics and the health bridge; heal's programmatic decorator (same); Failsafe 3's
 * circuit breaker (executor and standalone permit API).
 *
 * <p>{@code healProxy} and {@code healDecorator} use heal's defaults (resilience4j's synchronized
 * window behind heal's front, which batches fast successes; slow-call detection; Micrometer
 * gauges; the health bridge); {@code healDecoratorUnbatched} is the decorator with {@code
 * batchSuccesses(name, false)}, every outcome recorded one by one; the {@code LockFree} variants
 * show resilience4j 2.4's lock-free window with and without heal. The {@code OnePercentFailures}
 * rows call resilience4j's {@code executeSupplier} on resilience4j's and on heal's breaker with
 * every 100th call failing, so heal's window is never clean and batches are really recorded.
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

  static final class Impl implements Service {
    @Override
    public String call() {
      return "ok";
    }
  }

  /** Thrown by every 100th call of the "OnePercentFailures" rows; preallocated, no stack trace. */
  static final RuntimeException FAILURE =
      new RuntimeException("1 % of calls fail", null, false, false) { };

  /** Per-thread call counter: every 100th call of a "OnePercentFailures" row fails. */
  @State(Scope.Thread)
  public static class Calls {
    int n;

    String next() {
      if (++n % 100 == 0) {
        throw FAILURE;
      }
      return "ok";
    }
  }

  private final Service direct = new Impl();
  private Supplier<String> r4jRaw;
  private Supplier<String> r4jTagged;
  private Supplier<String> r4jLockFree;
  private LockFreeService healProxyLockFree;
  private Service healProxy;
  private Supplier<String> healDecorator;
  private CircuitBreaker r4jFailing;
  private CircuitBreaker healFailing;
  private FailsafeExecutor<String> failsafe;
  private dev.failsafe.CircuitBreaker<String> failsafeBreaker;
  private HealthRegistry health;

  @Setup(Level.Trial)
  public void setUp() {
    Supplier<String> call = direct::call;
    r4jRaw = CircuitBreaker.decorateSupplier(CircuitBreaker.ofDefaults("raw"), call);

    r4jLockFree = CircuitBreaker.decorateSupplier(CircuitBreaker.of("lockFree",
        CircuitBreakerConfig.custom().slidingWindowSynchronizationStrategy(
            CircuitBreakerConfig.SlidingWindowSynchronizationStrategy.LOCK_FREE).build()), call);

    CircuitBreakerRegistry tagged = CircuitBreakerRegistry.ofDefaults();
    CircuitBreaker taggedCb = tagged.circuitBreaker("tagged");
    TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(tagged).bindTo(new SimpleMeterRegistry());
    r4jTagged = CircuitBreaker.decorateSupplier(taggedCb, call);

    health = HealthRegistry.builder().build(); // checks registered, not started: bridge wired
    r4jFailing = CircuitBreaker.ofDefaults("failing");
    Resilience resilience = Resilience.builder()
        .meterRegistry(new SimpleMeterRegistry())
        .healthRegistry(health)
        .circuitBreaker("proxied")
        .circuitBreaker("decorated")
        .circuitBreaker("failing")
        .circuitBreaker("proxiedLockFree", b -> b.slidingWindowSynchronizationStrategy(
            CircuitBreakerConfig.SlidingWindowSynchronizationStrategy.LOCK_FREE))
        .build();
    healProxyLockFree = resilience.proxy(LockFreeService.class, new LockFreeImpl());
    healProxy = resilience.proxy(Service.class, new Impl());
    healDecorator = resilience.decorate(call).withCircuitBreaker("decorated").build();
    healFailing = resilience.circuitBreaker("failing").orElseThrow();

    failsafeBreaker = dev.failsafe.CircuitBreaker.ofDefaults();
    failsafe = Failsafe.with(dev.failsafe.CircuitBreaker.<String>ofDefaults());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    health.close();
  }

  @Benchmark
  public String direct() {
    return direct.call();
  }

  @Benchmark
  public String r4jCircuitBreaker() {
    return r4jRaw.get();
  }

  @Benchmark
  public String r4jCircuitBreakerTaggedMetrics() {
    return r4jTagged.get();
  }

  @Benchmark
  public String r4jCircuitBreakerLockFree() {
    return r4jLockFree.get();
  }

  @Benchmark
  public String healProxyLockFreeWindow() {
    return healProxyLockFree.call();
  }

  @Benchmark
  public String healProxy() {
    return healProxy.call();
  }

  @Benchmark
  public String healDecorator() {
    return healDecorator.get();
  }

  /** resilience4j's default breaker; every 100th call fails (it never opens: 1 % < 50 %). */
  @Benchmark
  public String r4jCircuitBreakerOnePercentFailures(Calls calls) {
    return guarded(r4jFailing, calls);
  }

  /** heal's default breaker, the same calls: its window is never clean, so batches are recorded. */
  @Benchmark
  public String healCircuitBreakerOnePercentFailures(Calls calls) {
    return guarded(healFailing, calls);
  }

  private static String guarded(CircuitBreaker cb, Calls calls) {
    try {
      return cb.executeSupplier(calls::next);
    } catch (RuntimeException e) {
      return null;
    }
  }

  @Benchmark
  public String failsafeExecutor() {
    return failsafe.get(direct::call);
  }

  @Benchmark
  public String failsafeStandalone() {
    if (!failsafeBreaker.tryAcquirePermit()) {
      return null;
    }
    String r = direct.call();
    failsafeBreaker.recordSuccess();
    return r;
  }
}
