package dev.heal.resilience.internal;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerEvent;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnCallNotPermittedEvent;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnErrorEvent;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnFailureRateExceededEvent;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnIgnoredErrorEvent;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnResetEvent;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnSlowCallRateExceededEvent;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnStateTransitionEvent;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnSuccessEvent;
import io.github.resilience4j.core.EventConsumer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * heal's front for a resilience4j {@link CircuitBreaker}: it counts every outcome for heal's
 * meters, and it takes fast successes off the shared sliding window's lock. resilience4j's breaker
 * records every outcome into one window under one lock; at two threads that lock is contended on
 * every call and the threads park (docs/benchmarks.md). The front keeps resilience4j's state
 * machine as the single source of truth — states, thresholds, half-open trials, events, metrics,
 * configuration — and, when batching, changes only <em>when</em> a fast success reaches it:
 *
 * <ul>
 *   <li>In CLOSED, with a count-based window that already holds {@code minimumNumberOfCalls}
 *       calls, a success no slower than the slow-call threshold is counted in a per-thread stripe
 *       (one uncontended atomic add) and handed to the state machine in batches of {@value
 *       #BATCH}, one thread at a time.
 *   <li>Every other outcome — a failure, an ignored or recorded exception, a slow success, any
 *       call outside CLOSED, any call before the window holds {@code minimumNumberOfCalls} — first
 *       hands over every pending success, then goes to the state machine as resilience4j would.
 *   <li>Reading {@link #getMetrics()} or {@link #successes()} hands over every pending success
 *       first, so metrics, gauges and health checks read exact counts.
 *   <li>A hand-over records nothing while the window is <em>clean</em> — full, and holding only
 *       fast successes — because one more fast success there changes no count and no rate. The
 *       front knows the window is clean once {@code slidingWindowSize} fast successes have been
 *       recorded since the last other outcome. So in the steady state of a healthy dependency a
 *       call costs an atomic add on its own stripe and two clock reads, and no lock at all.
 * </ul>
 *
 * <p>Why this keeps resilience4j's decisions: once the window holds {@code minimumNumberOfCalls}
 * calls, a fast success can only lower the failure and slow-call rates, so it can never open the
 * breaker; the outcomes that can are recorded only after every success that completed before
 * them. Pending successes from a CLOSED period that has ended (a transition, a reset) are dropped
 * from the window (not from {@link #successes()}), so they never count as half-open trial calls.
 * Batching is off — every call goes straight to the state machine — when the front is built
 * without it, for time-based windows, for a custom {@code recordResult} predicate or {@code
 * transitionOnResult} function (they must see each result), and from the moment anyone subscribes
 * to {@code onSuccess} or {@code onEvent} events (they expect one event per call, with its
 * duration). Batched successes are recorded with a duration of zero; resilience4j's public
 * metrics do not expose durations.
 *
 * <p>Thread-safe.
 */
public final class HealCircuitBreaker implements CircuitBreaker {
  /** Fast successes a thread collects before handing them over. */
  static final int BATCH = 32;
  private static final int PAD = 16; // longs per stripe: 128 bytes, two cache lines
  private static final VarHandle EPOCH;

  static {
    try {
      EPOCH = MethodHandles.lookup()
          .findVarHandle(HealCircuitBreaker.class, "epoch", Epoch.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static final Epoch OFF = new Epoch(null, 0, 0, 0);
  private static final CircuitBreakerConfig DEFAULTS = CircuitBreakerConfig.ofDefaults();

  private final CircuitBreaker delegate;
  private final long slowCallNanos;
  private final int stripes;
  private final int warmAfter;
  private final int windowSize;
  private final Object recording = new Object(); // orders direct records and hand-overs
  private long handedOver; // guarded by recording
  private final AtomicBoolean handingOver = new AtomicBoolean();
  private final LongAdder batchedSuccesses = new LongAdder();
  private final LongAdder directSuccesses = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final LongAdder rejections = new LongAdder();
  private final Events events;
  @SuppressWarnings("unused") // through EPOCH
  private volatile Epoch epoch;

  /**
   * One CLOSED period of the state machine (its window is {@link #metrics}): pending fast
   * successes per stripe; whether the window holds {@code minimumNumberOfCalls} calls; and how
   * many more fast successes must be recorded, one by one, before the window is clean.
   */
  private static final class Epoch {
    final Metrics metrics;
    final AtomicLongArray pending;
    final int warmAfter;
    volatile boolean warm;
    long untilClean; // guarded by recording

    Epoch(Metrics metrics, int stripes, int warmAfter, int windowSize) {
      this.metrics = metrics;
      this.pending = new AtomicLongArray((stripes + 1) * PAD);
      this.warmAfter = warmAfter;
      this.warm = warmAfter == 0;
      this.untilClean = windowSize;
    }
  }

  private HealCircuitBreaker(CircuitBreaker delegate, int stripes, boolean batch) {
    this.delegate = delegate;
    CircuitBreakerConfig c = delegate.getCircuitBreakerConfig();
    this.slowCallNanos = c.getSlowCallDurationThreshold().toNanos();
    this.stripes = stripes;
    this.windowSize = c.getSlidingWindowSize();
    this.warmAfter = Math.min(c.getMinimumNumberOfCalls(), windowSize);
    this.events = new Events(delegate.getEventPublisher());
    EPOCH.setVolatile(this, batch && batchable(c) ? newEpoch(delegate.getMetrics()) : OFF);
  }

  /**
   * Fronts {@code delegate}, a resilience4j state machine nobody else records outcomes into. With
   * {@code batch}, fast successes are batched when {@code delegate}'s configuration allows it (see
   * the class comment); without, every outcome goes straight to {@code delegate}.
   */
  public static HealCircuitBreaker wrap(CircuitBreaker delegate, boolean batch) {
    Objects.requireNonNull(delegate, "delegate");
    // two stripes per processor, a power of two, at most 64: threads rarely share one
    int wanted = Math.min(64, 2 * Runtime.getRuntime().availableProcessors());
    int stripes = Integer.highestOneBit(wanted) == wanted ? wanted : Integer.highestOneBit(wanted) << 1;
    return new HealCircuitBreaker(delegate, stripes, batch);
  }

  static boolean batchable(CircuitBreakerConfig c) {
    return c.getSlidingWindowType() == SlidingWindowType.COUNT_BASED
        && c.getRecordResultPredicate() == DEFAULTS.getRecordResultPredicate()
        && c.getTransitionOnResult() == DEFAULTS.getTransitionOnResult();
  }

  /** Whether fast successes are currently batched. */
  public boolean batching() {
    return epoch != OFF;
  }

  /** Fast successes counted but not yet handed to the state machine (for tests and debugging). */
  public long pendingSuccesses() {
    Epoch e = epoch;
    long n = 0;
    for (int s = 1; e != OFF && s <= stripes; s++) {
      n += e.pending.get(s * PAD);
    }
    return n;
  }

  /** Batched successes recorded into the state machine so far (for tests). */
  long handedOver() {
    synchronized (recording) {
      return handedOver;
    }
  }

  /** Calls that returned (recorded through {@code onResult} or {@code onSuccess}), cumulative. */
  public long successes() {
    handOverAll();
    return batchedSuccesses.sum() + directSuccesses.sum();
  }

  /** Calls that threw (recorded through {@code onError}, ignored exceptions included), cumulative. */
  public long failures() {
    return failures.sum();
  }

  /** Calls refused a permission, cumulative. */
  public long rejections() {
    return rejections.sum();
  }

  // ------------------------------------------------------------------ recording

  @Override
  public void onSuccess(long duration, TimeUnit durationUnit) {
    if (!tryBatch(duration, durationUnit)) {
      directSuccesses.increment();
      Epoch e = handOverAll();
      if (e == OFF) {
        delegate.onSuccess(duration, durationUnit);
        return;
      }
      synchronized (recording) {
        delegate.onSuccess(duration, durationUnit);
        recorded(e, durationUnit.toNanos(duration) <= slowCallNanos);
      }
    }
  }

  @Override
  public void onResult(long duration, TimeUnit durationUnit, Object result) {
    if (!tryBatch(duration, durationUnit)) {
      directSuccesses.increment();
      Epoch e = handOverAll();
      if (e == OFF) {
        delegate.onResult(duration, durationUnit, result);
        return;
      }
      synchronized (recording) { // batching means the default recordResult: a success
        delegate.onResult(duration, durationUnit, result);
        recorded(e, durationUnit.toNanos(duration) <= slowCallNanos);
      }
    }
  }

  @Override
  public void onError(long duration, TimeUnit durationUnit, Throwable throwable) {
    failures.increment();
    Epoch e = handOverAll();
    if (e == OFF) {
      delegate.onError(duration, durationUnit, throwable);
      return;
    }
    synchronized (recording) {
      delegate.onError(duration, durationUnit, throwable);
      recorded(e, false); // failure, ignored or recorded as a success: assume the worst
    }
  }

  /**
   * Bookkeeping after an outcome went straight to the state machine; holds {@link #recording}.
   * Outcomes recorded before {@code e}'s period began need none: a new period starts unclean.
   */
  private void recorded(Epoch e, boolean fastSuccess) {
    if (e.metrics != delegate.getMetrics()) {
      return; // the period ended, perhaps by this very outcome
    }
    e.untilClean = fastSuccess ? e.untilClean - 1 : windowSize;
    if (!e.warm && e.metrics.getNumberOfBufferedCalls() >= e.warmAfter) {
      e.warm = true; // for good: a count-based window never shrinks
    }
  }

  private boolean tryBatch(long duration, TimeUnit unit) {
    Epoch e = epoch;
    if (e == OFF || unit.toNanos(duration) > slowCallNanos) {
      return false;
    }
    if (e.metrics != delegate.getMetrics()) {
      e = renew(e);
      if (e == null) {
        return false;
      }
    }
    if (!e.warm) {
      return false;
    }
    int i = stripe();
    if (e.pending.incrementAndGet(i) >= BATCH && handingOver.compareAndSet(false, true)) {
      try {
        handOver(e, take(e, i));
      } finally {
        handingOver.set(false);
      }
    }
    if (epoch != e) { // the epoch ended meanwhile: nobody else will take this stripe
      handOver(e, take(e, i));
    }
    return true;
  }

  /** Starts a new epoch if the state machine is in a new CLOSED period; null if not CLOSED. */
  private Epoch renew(Epoch seen) {
    if (delegate.getState() != State.CLOSED) {
      return null;
    }
    Metrics m = delegate.getMetrics();
    Epoch fresh = newEpoch(m);
    if (EPOCH.compareAndSet(this, seen, fresh)) {
      for (int s = 1; seen != OFF && s <= stripes; s++) {
        take(seen, s * PAD); // counted as successes, dropped from the ended period's window
      }
      return fresh;
    }
    Epoch now = epoch; // another thread renewed, or batching was turned off
    return now != OFF && now.metrics == m ? now : null;
  }

  private Epoch newEpoch(Metrics m) {
    return new Epoch(m, stripes, warmAfter, windowSize);
  }

  private int stripe() {
    return (((int) Thread.currentThread().getId() & (stripes - 1)) + 1) * PAD;
  }

  /** Empties stripe {@code i} of {@code e}, counting what it held as successes; returns that. */
  private long take(Epoch e, int i) {
    long n = e.pending.getAndSet(i, 0);
    if (n != 0) {
      batchedSuccesses.add(n);
    }
    return n;
  }

  /** Hands every pending success of the current epoch to the state machine; returns the epoch. */
  private Epoch handOverAll() {
    Epoch e = epoch;
    if (e == OFF) {
      return e;
    }
    for (int s = 1; s <= stripes; s++) {
      int i = s * PAD;
      if (e.pending.get(i) != 0) {
        handOver(e, take(e, i));
      }
    }
    return e;
  }

  /**
   * Records {@code n} fast successes of period {@code e}: none once the window is clean (full of
   * fast successes, where one more changes no count and no rate), none if the period has ended.
   */
  private void handOver(Epoch e, long n) {
    if (n == 0) {
      return;
    }
    synchronized (recording) {
      for (long k = 0; k < n && e.untilClean > 0; k++) {
        if (e.metrics != delegate.getMetrics() || delegate.getState() != State.CLOSED) {
          return;
        }
        delegate.onSuccess(0, TimeUnit.NANOSECONDS);
        e.untilClean--;
        handedOver++;
      }
    }
  }

  private void stopBatching() {
    Epoch e = (Epoch) EPOCH.getAndSet(this, OFF);
    if (e != OFF) {
      for (int s = 1; s <= stripes; s++) {
        handOver(e, take(e, s * PAD));
      }
    }
  }

  // ------------------------------------------------------------------ everything else: resilience4j's

  @Override
  public Metrics getMetrics() {
    handOverAll();
    return delegate.getMetrics();
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
  public void releasePermission() {
    delegate.releasePermission();
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
    return events;
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

  /** resilience4j's publisher; a per-call subscription turns batching off first. */
  private final class Events implements EventPublisher {
    private final EventPublisher target;

    Events(EventPublisher target) {
      this.target = target;
    }

    @Override
    public void onEvent(EventConsumer<CircuitBreakerEvent> consumer) {
      stopBatching();
      target.onEvent(consumer);
    }

    @Override
    public EventPublisher onSuccess(EventConsumer<CircuitBreakerOnSuccessEvent> consumer) {
      stopBatching();
      target.onSuccess(consumer);
      return this;
    }

    @Override
    public EventPublisher onError(EventConsumer<CircuitBreakerOnErrorEvent> consumer) {
      target.onError(consumer);
      return this;
    }

    @Override
    public EventPublisher onStateTransition(
        EventConsumer<CircuitBreakerOnStateTransitionEvent> consumer) {
      target.onStateTransition(consumer);
      return this;
    }

    @Override
    public EventPublisher onReset(EventConsumer<CircuitBreakerOnResetEvent> consumer) {
      target.onReset(consumer);
      return this;
    }

    @Override
    public EventPublisher onIgnoredError(EventConsumer<CircuitBreakerOnIgnoredErrorEvent> consumer) {
      target.onIgnoredError(consumer);
      return this;
    }

    @Override
    public EventPublisher onCallNotPermitted(
        EventConsumer<CircuitBreakerOnCallNotPermittedEvent> consumer) {
      target.onCallNotPermitted(consumer);
      return this;
    }

    @Override
    public EventPublisher onFailureRateExceeded(
        EventConsumer<CircuitBreakerOnFailureRateExceededEvent> consumer) {
      target.onFailureRateExceeded(consumer);
      return this;
    }

    @Override
    public EventPublisher onSlowCallRateExceeded(
        EventConsumer<CircuitBreakerOnSlowCallRateExceededEvent> consumer) {
      target.onSlowCallRateExceeded(consumer);
      return this;
    }
  }
}
