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
 * <p><b>Transitions without events.</b> Subscribing anything to resilience4j's event publisher
 * makes resilience4j build an event object on every recorded call (about 144 B, docs/benchmarks.md
 * run 7). So the front does not subscribe: after every permission request, recorded outcome,
 * explicit transition and {@link #getState()} (the health check's poll and the state gauge call
 * it) it compares resilience4j's state, one volatile read, with the last state it reported, and
 * hands a difference to its {@link Watcher}. Consequences: a transition resilience4j makes on its
 * own (the timed OPEN → HALF_OPEN of {@code automaticTransitionFromOpenToHalfOpenEnabled}, or a
 * call made on {@link #delegate()} directly) is reported at the next call through the front or the
 * next poll; and transitions made by other threads between two of these checks are reported as the
 * one change between the two states seen (a flap OPEN → HALF_OPEN → OPEN completed by two threads
 * before either checks is not reported at all). States, permissions, events and metrics are
 * untouched by this: they are resilience4j's.
 *
 * <p>Thread-safe: as thread-safe as resilience4j's state machine, which every call reaches
 * unchanged. heal takes no lock on the hot path; a noticed state change is queued under a short
 * lock of the front's own (no user code runs under it) and delivered after it is released. The
 * counters are {@link LongAdder}s incremented after resilience4j returns, so a count read while
 * calls are in flight may not include those calls yet; once they have returned, it does.
 */
public final class HealCircuitBreaker implements CircuitBreaker {
  private final CircuitBreaker delegate;
  private final LongAdder successes = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final LongAdder rejections = new LongAdder();

  private final Object noticing = new Object();
  /** The last state handed to the watcher; written under {@link #noticing}. */
  private volatile State seen;
  private volatile Watcher watcher;

  /**
   * Receives the state changes the front notices. {@link #queue} is called under the front's
   * short lock, in the order the states were seen, and must only queue; {@link #deliver} is called
   * right after, outside that lock, and may run user code.
   */
  public interface Watcher {
    /** Queues the change from {@code from} to {@code to}; must not block or run user code. */
    void queue(State from, State to);

    /** Delivers what is queued. */
    void deliver();
  }

  private HealCircuitBreaker(CircuitBreaker delegate) {
    this.delegate = delegate;
    this.seen = delegate.getState();
  }

  /** Sets the one watcher told about state changes (replacing any earlier one). */
  public void watch(Watcher w) {
    synchronized (noticing) {
      this.seen = delegate.getState();
      this.watcher = Objects.requireNonNull(w, "watcher");
    }
  }

  /** Compares resilience4j's state with the last one reported: the hot path's only extra read. */
  private void check() {
    Watcher w = watcher;
    if (w != null && delegate.getState() != seen) {
      notice(w);
    }
  }

  private void notice(Watcher w) {
    synchronized (noticing) {
      State now = delegate.getState();
      State was = seen;
      if (now == was) {
        return;
      }
      seen = now;
      w.queue(was, now);
    }
    w.deliver();
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
    check();
  }

  @Override
  public void onResult(long duration, TimeUnit durationUnit, Object result) {
    delegate.onResult(duration, durationUnit, result);
    successes.increment();
    check();
  }

  @Override
  public void onError(long duration, TimeUnit durationUnit, Throwable throwable) {
    delegate.onError(duration, durationUnit, throwable);
    failures.increment();
    check();
  }

  @Override
  public boolean tryAcquirePermission() {
    boolean permitted = delegate.tryAcquirePermission();
    if (!permitted) {
      rejections.increment();
    }
    check();
    return permitted;
  }

  @Override
  public void acquirePermission() {
    try {
      delegate.acquirePermission();
    } catch (CallNotPermittedException e) {
      rejections.increment();
      throw e;
    } finally {
      check();
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
    try {
      delegate.reset();
    } finally {
      check();
    }
  }

  @Override
  public void transitionToClosedState() {
    try {
      delegate.transitionToClosedState();
    } finally {
      check();
    }
  }

  @Override
  public void transitionToOpenState() {
    try {
      delegate.transitionToOpenState();
    } finally {
      check();
    }
  }

  @Override
  public void transitionToOpenStateFor(Duration waitDuration) {
    try {
      delegate.transitionToOpenStateFor(waitDuration);
    } finally {
      check();
    }
  }

  @Override
  public void transitionToOpenStateUntil(Instant waitUntil) {
    try {
      delegate.transitionToOpenStateUntil(waitUntil);
    } finally {
      check();
    }
  }

  @Override
  public void transitionToHalfOpenState() {
    try {
      delegate.transitionToHalfOpenState();
    } finally {
      check();
    }
  }

  @Override
  public void transitionToDisabledState() {
    try {
      delegate.transitionToDisabledState();
    } finally {
      check();
    }
  }

  @Override
  public void transitionToMetricsOnlyState() {
    try {
      delegate.transitionToMetricsOnlyState();
    } finally {
      check();
    }
  }

  @Override
  public void transitionToForcedOpenState() {
    try {
      delegate.transitionToForcedOpenState();
    } finally {
      check();
    }
  }

  @Override
  public String getName() {
    return delegate.getName();
  }

  @Override
  public State getState() {
    State state = delegate.getState();
    Watcher w = watcher;
    if (w != null && state != seen) {
      notice(w);
    }
    return state;
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
