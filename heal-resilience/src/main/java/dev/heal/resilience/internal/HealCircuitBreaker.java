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
import io.github.resilience4j.core.EventProcessor;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
 *   <li>A hand-over records nothing while the window is <em>clean</em> — full, and holding only
 *       fast successes — because one more fast success there changes no count and no rate. The
 *       front knows the window is clean once {@code slidingWindowSize} fast successes have been
 *       recorded since the last other outcome finished recording, and none is being recorded. So
 *       in the steady state of a healthy dependency a call costs two clock reads and an atomic add
 *       on its own stripe, and takes no lock.
 *   <li>Every other outcome — a failure, an ignored or recorded exception, a slow success, any
 *       call outside CLOSED, any call before the window holds {@code minimumNumberOfCalls} — first
 *       hands over every pending success, then goes to the state machine as resilience4j would,
 *       on the caller's thread and without holding any heal lock (resilience4j may run event
 *       consumers there).
 *   <li>Reading {@link #getMetrics()} (each getter of what it returns) or {@link #successes()}
 *       hands over every pending success first, so metrics, gauges and health checks read exact
 *       counts.
 * </ul>
 *
 * <p>Why this keeps resilience4j's decisions: once the window holds {@code minimumNumberOfCalls}
 * calls, a fast success can only lower the failure and slow-call rates, so it can never open the
 * breaker; the outcomes that can are recorded only after every success that completed before
 * them. Pending successes of a CLOSED period that has ended (a transition, a reset) are dropped
 * from the window, not handed to the next period (they still count in {@link #successes()}).
 * Batching is off — every call goes straight to the state machine — when the front is built
 * without it, for time-based windows, for a custom {@code recordResult} predicate or {@code
 * transitionOnResult} function (they must see each result), when the state machine already has
 * event consumers, and from the moment anyone subscribes to {@code onSuccess} or {@code onEvent}
 * events through the front (they expect one event per call, with its duration). Batched successes
 * are recorded with a duration of zero; resilience4j's public metrics do not expose durations.
 *
 * <p>Thread-safe. The only lock heal takes ({@code recording}) is held while batches are handed
 * over and for bookkeeping; no user code runs under it.
 */
public final class HealCircuitBreaker implements CircuitBreaker {
  /** Fast successes a thread collects before handing them over. */
  static final int BATCH = 32;
  private static final int PAD = 16; // longs per stripe: 128 bytes, two cache lines
  private static final Epoch OFF = new Epoch(null, 0, 0, 0);
  private static final CircuitBreakerConfig DEFAULTS = CircuitBreakerConfig.ofDefaults();

  private final CircuitBreaker delegate;
  private final long slowCallNanos;
  private final int stripes;
  private final int warmAfter;
  private final int windowSize;
  /** Orders hand-overs, epoch changes and the clean bookkeeping. Never held around user code. */
  private final Object recording = new Object();
  private final AtomicBoolean handingOver = new AtomicBoolean();
  /** Outcomes other than fast successes being recorded right now, one by one. */
  private final AtomicInteger othersInFlight = new AtomicInteger();
  private volatile long othersRecorded; // written under recording
  private long handedOver; // guarded by recording
  private final LongAdder batchedSuccesses = new LongAdder();
  private final LongAdder directSuccesses = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final LongAdder rejections = new LongAdder();
  private final Events events;
  private volatile Epoch epoch; // written under recording (and in the constructor)

  /**
   * One CLOSED period of the state machine (its window is {@link #metrics}; null until bound):
   * pending fast successes per stripe; whether the window holds {@code minimumNumberOfCalls}
   * calls; and how many more fast successes must be recorded before the window is clean.
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
    boolean consumers = delegate.getEventPublisher() instanceof EventProcessor<?> p
        && p.hasConsumers();
    // unbound: the first fast success binds it to a CLOSED period (see renew)
    this.epoch = batch && batchable(c) && !consumers ? newEpoch(null) : OFF;
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

  /**
   * Calls that returned (recorded through {@code onResult} or {@code onSuccess}) and finished
   * recording, cumulative.
   */
  public long successes() {
    synchronized (recording) {
      handOverAll();
      return batchedSuccesses.sum() + directSuccesses.sum();
    }
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

  /** The same as {@code onResult(duration, durationUnit, null)}, as in resilience4j. */
  @Override
  public void onSuccess(long duration, TimeUnit durationUnit) {
    onResult(duration, durationUnit, null);
  }

  @Override
  public void onResult(long duration, TimeUnit durationUnit, Object result) {
    if (tryBatch(duration, durationUnit)) {
      return;
    }
    directSuccesses.increment();
    if (handOverAll() == OFF) {
      delegate.onResult(duration, durationUnit, result);
    } else if (durationUnit.toNanos(duration) <= slowCallNanos) {
      // batching means the default recordResult predicate: a returned call is a success
      long recordedBefore = othersRecorded;
      Metrics window = delegate.getMetrics();
      delegate.onResult(duration, durationUnit, result);
      fastSuccessRecorded(recordedBefore, window);
    } else {
      othersInFlight.incrementAndGet();
      try {
        delegate.onResult(duration, durationUnit, result);
      } finally {
        otherRecorded();
      }
    }
  }

  @Override
  public void onError(long duration, TimeUnit durationUnit, Throwable throwable) {
    failures.increment();
    if (handOverAll() == OFF) {
      delegate.onError(duration, durationUnit, throwable);
      return;
    }
    othersInFlight.incrementAndGet();
    try {
      delegate.onError(duration, durationUnit, throwable); // failure, ignored, or a success
    } finally {
      otherRecorded();
    }
  }

  /**
   * After a fast success went straight into window {@code window}: it brings the window one step
   * closer to clean, unless another outcome finished recording meanwhile (it may have come
   * after this success) or the window is no longer the current period's.
   */
  private void fastSuccessRecorded(long recordedBefore, Metrics window) {
    synchronized (recording) {
      Epoch cur = epoch;
      if (cur == OFF || cur.metrics != window || delegate.getMetrics() != window) {
        return;
      }
      if (othersRecorded == recordedBefore) {
        cur.untilClean--;
      }
      warmUp(cur);
    }
  }

  /** After any other outcome went straight to the state machine: the window is unclean again. */
  private void otherRecorded() {
    synchronized (recording) {
      Epoch cur = epoch;
      if (cur != OFF) {
        cur.untilClean = windowSize; // a period bound later starts unclean anyway
        if (cur.metrics == delegate.getMetrics()) {
          warmUp(cur);
        }
      }
      othersRecorded++;
      othersInFlight.decrementAndGet();
    }
  }

  /** Holds recording; {@code e} is the current period's. */
  private static void warmUp(Epoch e) {
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
      e = renew();
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
    if (epoch != e) { // the period ended meanwhile: nobody else will take this stripe
      handOver(e, take(e, i));
    }
    return true;
  }

  /**
   * Binds a new epoch to the state machine's current window if that window is a CLOSED period's;
   * returns it, or null. A metrics object never comes back once replaced, so reading the same one
   * before and after seeing CLOSED proves it is the CLOSED period's.
   */
  private Epoch renew() {
    Metrics m = delegate.getMetrics();
    if (delegate.getState() != State.CLOSED || delegate.getMetrics() != m) {
      return null;
    }
    synchronized (recording) {
      Epoch now = epoch;
      if (now == OFF || delegate.getMetrics() != m) {
        return null;
      }
      if (now.metrics == m) {
        return now; // another thread bound it
      }
      Epoch fresh = newEpoch(m);
      epoch = fresh;
      for (int s = 1; s <= stripes; s++) {
        take(now, s * PAD); // counted as successes, dropped from the ended period's window
      }
      return fresh;
    }
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
   * Records {@code n} fast successes of period {@code e}: none once its window is clean, none if
   * the period has ended. A skip is taken only while {@code e} is current and no other outcome is
   * being recorded: at that moment the window is clean, and the skipped successes, all completed
   * before, count as recorded then. Counts made while another outcome is in flight are undone
   * when it finishes.
   */
  private void handOver(Epoch e, long n) {
    if (n == 0) {
      return;
    }
    if (epoch == OFF) {
      // a straggler after stopBatching: no bookkeeping needed, and recorded outside the lock
      // because a new onSuccess subscriber may hear of it (with a zero duration)
      for (long k = 0; k < n && current(e); k++) {
        delegate.onSuccess(0, TimeUnit.NANOSECONDS);
      }
      return;
    }
    synchronized (recording) {
      for (long k = 0; k < n; k++) {
        if (e.untilClean <= 0 && epoch == e && othersInFlight.get() == 0) {
          return;
        }
        if (!current(e)) {
          return;
        }
        // in a warm CLOSED window a fast success cannot open the breaker, and nobody listens to
        // onSuccess while batching: no event, so no user code runs under the lock
        delegate.onSuccess(0, TimeUnit.NANOSECONDS);
        e.untilClean--;
        handedOver++;
      }
    }
  }

  /** Whether {@code e}'s CLOSED period is still the state machine's. */
  private boolean current(Epoch e) {
    return e.metrics == delegate.getMetrics() && delegate.getState() == State.CLOSED;
  }

  private void stopBatching() {
    synchronized (recording) {
      Epoch e = epoch;
      if (e == OFF) {
        return;
      }
      epoch = OFF; // from here on handOver(e, ..) records everything pending
      for (int s = 1; s <= stripes; s++) {
        handOver(e, take(e, s * PAD));
      }
    }
  }

  // ------------------------------------------------------------------ everything else: resilience4j's

  @Override
  public Metrics getMetrics() {
    Metrics m = delegate.getMetrics();
    return epoch == OFF ? m : new HandingOver(m);
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

  /** resilience4j's metrics of one period, read after every pending success is handed over. */
  private final class HandingOver implements Metrics {
    private final Metrics m;

    HandingOver(Metrics m) {
      this.m = m;
    }

    @Override
    public float getFailureRate() {
      handOverAll();
      return m.getFailureRate();
    }

    @Override
    public float getSlowCallRate() {
      handOverAll();
      return m.getSlowCallRate();
    }

    @Override
    public int getNumberOfSlowCalls() {
      handOverAll();
      return m.getNumberOfSlowCalls();
    }

    @Override
    public int getNumberOfSlowSuccessfulCalls() {
      handOverAll();
      return m.getNumberOfSlowSuccessfulCalls();
    }

    @Override
    public int getNumberOfSlowFailedCalls() {
      handOverAll();
      return m.getNumberOfSlowFailedCalls();
    }

    @Override
    public int getNumberOfBufferedCalls() {
      handOverAll();
      return m.getNumberOfBufferedCalls();
    }

    @Override
    public int getNumberOfFailedCalls() {
      handOverAll();
      return m.getNumberOfFailedCalls();
    }

    @Override
    public long getNumberOfNotPermittedCalls() {
      handOverAll();
      return m.getNumberOfNotPermittedCalls();
    }

    @Override
    public int getNumberOfSuccessfulCalls() {
      handOverAll();
      return m.getNumberOfSuccessfulCalls();
    }
  }
}
