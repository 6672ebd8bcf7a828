package dev.heal.resilience.internal;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * heal's front for a resilience4j {@link CircuitBreaker}: every call goes straight to
 * resilience4j's state machine, at the moment it is made, and the front counts each outcome on the
 * way for heal's meters (calls that returned, calls that threw, calls refused a permission), as
 * cumulative counters that never reset with the breaker's periods.
 *
 * <p>Earlier versions batched fast successes off resilience4j's window lock. That was faster under
 * contention, but not exact: a failure could be judged on a window missing successes that had
 * finished before it, successes completing after the breaker opened were dropped, and batches
 * handed over under heal's lock could run resilience4j's transition (and its event consumers) while
 * heal held that lock. The front was simplified to a pure delegate; docs/resilience.md and
 * docs/benchmarks.md (run 7) give the measured cost.
 *
 * <p>What the front relies on from resilience4j is only its public {@link CircuitBreaker}
 * interface. {@code ResilienceContractTest} pins the resilience4j behaviour heal's meters and
 * observer rely on (per-period not-permitted counts, OPEN keeping the CLOSED window, transition
 * events on the transitioning thread) so an upgrade that changes it fails the build.
 *
 * <p>Thread-safe: as thread-safe as resilience4j's state machine, which every call reaches
 * unchanged; heal takes no lock. The counters are {@link LongAdder}s incremented after
 * resilience4j returns, so a count read while calls are in flight may not include those calls yet;
 * once they have returned, it does.
 */
public final class HealCircuitBreaker implements CircuitBreaker {
  private final CircuitBreaker delegate;
  private final LongAdder successes = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final LongAdder rejections = new LongAdder();

  private HealCircuitBreaker(CircuitBreaker delegate) {
    this.delegate = delegate;
  }

  /** Fronts {@code delegate}, a resilience4j state machine nobody else records outcomes into. */
  public static HealCircuitBreaker wrap(CircuitBreaker delegate) {
    return new HealCircuitBreaker(Objects.requireNonNull(delegate, "delegate"));
  }

  /** resilience4j's state machine behind this front. */
  public CircuitBreaker delegate() {
    return delegate;
  }

  /** Calls that returned (recorded through {@code onResult} or {@code onSuccess}), cumulative. */
  public long successes() {
    return successes.sum();
  }

  /** Calls that threw (recorded through {@code onError}, ignored exceptions included), cumulative. */
  public long failures() {
    return failures.sum();
  }

  /** Calls refused a permission, cumulative (resilience4j's own count restarts every period). */
  public long rejections() {
    return rejections.sum();
  }

  // ------------------------------------------------------------------ recording

  @Override
  public void onSuccess(long duration, TimeUnit durationUnit) {
    delegate.onSuccess(duration, durationUnit);
    successes.increment();
  }

  @Override
  public void onResult(long duration, TimeUnit durationUnit, Object result) {
    delegate.onResult(duration, durationUnit, result);
    successes.increment();
  }

  @Override
  public void onError(long duration, TimeUnit durationUnit, Throwable throwable) {
    delegate.onError(duration, durationUnit, throwable);
    failures.increment();
  }

  @Override
  public boolean tryAcquirePermission() {
    if (delegate.tryAcquirePermission()) {
      return true;
    }
    rejections.increment();
    return false;
  }

  @Override
  public void acquirePermission() {
    try {
      delegate.acquirePermission();
    } catch (CallNotPermittedException e) {
      rejections.increment();
      throw e;
    }
  }

  // ------------------------------------------------------------------ everything else: resilience4j's

  @Override
  public void releasePermission() {
    delegate.releasePermission();
  }

  @Override
  public Metrics getMetrics() {
    return delegate.getMetrics();
  }

  @Override
  public void reset() {
    delegate.reset();
  }

  @Override
  public void transitionToClosedState() {
    delegate.transitionToClosedState();
  }

  @Override
  public void transitionToOpenState() {
    delegate.transitionToOpenState();
  }

  @Override
  public void transitionToOpenStateFor(Duration waitDuration) {
    delegate.transitionToOpenStateFor(waitDuration);
  }

  @Override
  public void transitionToOpenStateUntil(Instant waitUntil) {
    delegate.transitionToOpenStateUntil(waitUntil);
  }

  @Override
  public void transitionToHalfOpenState() {
    delegate.transitionToHalfOpenState();
  }

  @Override
  public void transitionToDisabledState() {
    delegate.transitionToDisabledState();
  }

  @Override
  public void transitionToMetricsOnlyState() {
    delegate.transitionToMetricsOnlyState();
  }

  @Override
  public void transitionToForcedOpenState() {
    delegate.transitionToForcedOpenState();
  }

  @Override
  public String getName() {
    return delegate.getName();
  }

  @Override
  public State getState() {
    return delegate.getState();
  }

  @Override
  public CircuitBreakerConfig getCircuitBreakerConfig() {
    return delegate.getCircuitBreakerConfig();
  }

  @Override
  public Map<String, String> getTags() {
    return delegate.getTags();
  }

  @Override
  public EventPublisher getEventPublisher() {
    return delegate.getEventPublisher();
  }

  @Override
  public long getCurrentTimestamp() {
    return delegate.getCurrentTimestamp();
  }

  @Override
  public TimeUnit getTimestampUnit() {
    return delegate.getTimestampUnit();
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
