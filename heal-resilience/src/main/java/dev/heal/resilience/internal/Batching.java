package dev.heal.resilience.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.Metrics;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * The opt-in success batching of {@link HealCircuitBreaker#wrapBatching} ({@code
 * heal.resilience.circuitbreaker.instances.<name>.batch-successes: true}). Fast successes of a warm
 * CLOSED period wait in striped counters and are handed over to resilience4j in batches, off the
 * callers' contention on resilience4j's window lock.
 *
 * <p>What is batched: a success (not recorded as a failure by {@code recordResultPredicate})
 * faster than {@code slowCallDurationThreshold}, while resilience4j is CLOSED in a COUNT_BASED
 * window, once that CLOSED period has buffered at least {@code minimumNumberOfCalls} calls (so the
 * cold window runs at resilience4j's own cost, plus a sampled check for warmth). Everything else
 * goes straight to resilience4j, at the moment it happens.
 *
 * <p>The protocol, without any heal lock: a stripe's count is taken atomically (CAS to 0) by the
 * caller that fills it to {@link #BATCH} or by a drain, and recorded by that thread with no lock
 * held, so resilience4j, its transitions and its consumers never run under a heal lock. A failure,
 * a slow success, a metrics read and an explicit transition first drain: they take and record
 * every stripe, then wait for hand-overs other threads are recording, bounded by {@link #SPINS}
 * spins; past the bound they go on (counted in {@link #waitsGivenUp}), so a consumer that waits for
 * another thread cannot deadlock it, and that failure may then be judged before successes another
 * thread took but has not recorded yet: the one relaxation of linearizability, measured in
 * docs/resilience.md.
 *
 * <p>Periods: each batch belongs to the CLOSED period (identified by resilience4j's metrics object)
 * it was started in. When the breaker has left that period, the batch is retired: successes still
 * pending in it are recorded into resilience4j if its period's metrics are still resilience4j's
 * (OPEN entered from that period, which resilience4j records late completions into), and otherwise
 * not recorded at all (counted in {@link #dropped}); heal's own counters count them either way. A
 * hand-over re-checks the period before each success it records; a period that begins between that
 * check and the record (another thread's permission request opening HALF_OPEN at that instant) can
 * still receive it, as a plain resilience4j call completing at that instant would be.
 *
 * <p>A clean window: once a hand-over finds the COUNT_BASED window full of fast successes (no
 * failure, no slow call) and nothing recorded straight into it meanwhile, further fast successes
 * are not recorded at all until the next failure or slow call: each would replace the oldest
 * call, a fast success, by a fast success, which changes no count or rate resilience4j reports.
 *
 * <p>Asking the front for resilience4j's event publisher (to subscribe) stops batching for good:
 * subscribers must see resilience4j's events in call order, and a subscriber makes resilience4j
 * build an event per call anyway. A subscriber added on the delegate directly is not seen.
 *
 * <p>Stripes are chosen by contention, as {@link LongAdder} does: every thread starts on stripe 0
 * and a failed CAS moves it to another stripe.
 *
 * <p>Thread-safe and lock-free; counters are exact once the calls have returned.
 */
final class Batching {
  /** Successes a stripe holds before its filler hands them over. */
  static final int BATCH = 32;
  /** Stripes (a power of two). */
  static final int STRIPES = 8;
  /** Spins a drain waits for hand-overs in progress on other threads before going on. */
  static final int SPINS = 1 << 14;
  /** longs between two stripes, against false sharing. */
  private static final int PAD = 16;
  /** Cold successes between two checks of whether the CLOSED period has warmed up. */
  private static final int WARM_CHECK_EVERY = 8;

  private static final ThreadLocal<int[]> PROBE = ThreadLocal.withInitial(() -> new int[2]);

  /** Batching on: a COUNT_BASED window and nobody has asked for the event publisher. */
  volatile boolean on;
  private final CircuitBreaker delegate;
  private final long slowNanos;
  private final int minimumCalls;
  private final int windowSize;
  private final Predicate<Object> recordResult;
  private volatile Batch current;
  final LongAdder dropped = new LongAdder();
  final LongAdder recordedLate = new LongAdder();
  final LongAdder waitsGivenUp = new LongAdder();
  final LongAdder moves = new LongAdder();

  /** One CLOSED period's pending successes. */
  static final class Batch {
    final Metrics period;
    final AtomicLongArray stripes = new AtomicLongArray(STRIPES * PAD);
    final AtomicInteger handing = new AtomicInteger();
    /** Outcomes recorded straight into this period's window (failures, slow calls), counted. */
    final AtomicLong dirty = new AtomicLong();
    /** The {@link #dirty} count at which the window was seen full of fast successes, or -1. */
    volatile long cleanAt = -1;
    volatile boolean warm;
    volatile boolean retired;

    Batch(Metrics period) {
      this.period = period;
    }
  }

  Batching(HealCircuitBreaker front, CircuitBreaker delegate) {
    CircuitBreakerConfig cfg = delegate.getCircuitBreakerConfig();
    this.delegate = delegate;
    this.on = cfg.getSlidingWindowType() == SlidingWindowType.COUNT_BASED;
    this.slowNanos = cfg.getSlowCallDurationThreshold().toNanos();
    this.minimumCalls = Math.min(cfg.getMinimumNumberOfCalls(), cfg.getSlidingWindowSize());
    this.windowSize = cfg.getSlidingWindowSize();
    this.recordResult = cfg.getRecordResultPredicate();
    this.current = new Batch(delegate.getMetrics());
  }

  boolean recordsAsFailure(Object result) {
    return recordResult.test(result);
  }

  /**
   * Takes a success of {@code nanos}: true if it was batched (or recorded) here, false if the
   * caller must record it in resilience4j now (this has then drained first if it is slow).
   */
  boolean success(long nanos) {
    if (!on) {
      return false;
    }
    if (nanos >= slowNanos) {
      beforeDirectRecord();
      return false;
    }
    Batch b = current;
    State s = delegate.getState();
    Metrics m = delegate.getMetrics();
    if (m != b.period) {
      renew(b, m);
      return false;
    }
    if (s != State.CLOSED) {
      if (!b.retired) {
        retire(b);
      }
      return false;
    }
    if (b.retired) {
      return false;
    }
    int[] probe = PROBE.get();
    if (!b.warm) {
      if (++probe[1] % WARM_CHECK_EVERY == 0) {
        delegate.onSuccess(0, TimeUnit.NANOSECONDS);
        if (delegate.getMetrics() == b.period
            && delegate.getMetrics().getNumberOfBufferedCalls() >= minimumCalls) {
          b.warm = true;
        }
        return true;
      }
      return false;
    }
    if (b.cleanAt == b.dirty.get()) {
      return true; // a full window of fast successes: one more is no change at all
    }
    AtomicLongArray stripes = b.stripes;
    for (int attempt = 0; attempt < 3; attempt++) {
      int i = (probe[0] & (STRIPES - 1)) * PAD;
      long v = stripes.get(i);
      if (v + 1 >= BATCH) {
        b.handing.incrementAndGet();
        try {
          if (stripes.compareAndSet(i, v, 0)) {
            record(b, v + 1);
            seeIfClean(b);
            return true;
          }
        } finally {
          b.handing.decrementAndGet();
        }
      } else if (stripes.compareAndSet(i, v, v + 1)) {
        if (b.retired) { // retired while this was adding: take the stripe back
          takeAndRecord(b, i);
        }
        return true;
      }
      probe[0] = next(probe[0]); // contention: move to another stripe
      moves.increment();
    }
    return false;
  }

  /**
   * Marks the window clean if it is full of fast successes and nothing was recorded straight
   * into it meanwhile: in a COUNT_BASED window, recording a fast success then replaces the oldest
   * call, a fast success, by another, which changes no count resilience4j reports, so further
   * fast successes are not recorded until the next failure or slow call ({@link #dirty}).
   */
  private void seeIfClean(Batch b) {
    long v = b.dirty.get();
    Metrics m = delegate.getMetrics();
    if (m == b.period && delegate.getState() == State.CLOSED
        && m.getNumberOfBufferedCalls() == windowSize && m.getNumberOfFailedCalls() == 0
        && m.getNumberOfSlowCalls() == 0 && b.dirty.get() == v) {
      b.cleanAt = v;
    }
  }

  /**
   * Before an outcome is recorded straight into resilience4j (a failure, an ignored exception, a
   * slow success, a result recorded as a failure): the window is no longer known clean, and every
   * pending success is recorded first.
   */
  void beforeDirectRecord() {
    if (on) {
      current.dirty.incrementAndGet();
    }
    drain();
  }

  private static int next(int probe) {
    int x = probe == 0 ? 0x9E3779B9 : probe; // xorshift, as LongAdder rehashes its probe
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x;
  }

  static void startOnStripeZero() {
    PROBE.get()[0] = 0;
  }

  /** The stripe the calling thread adds to now (for tests). */
  static int currentStripe() {
    return PROBE.get()[0] & (STRIPES - 1);
  }

  /** Starts a batch for the period resilience4j is in now and retires {@code old}. */
  private void renew(Batch old, Metrics now) {
    Batch fresh = new Batch(now);
    synchronized (this) { // a short lock around two field writes, no resilience4j call under it
      if (current == old) {
        current = fresh;
      }
    }
    retire(old);
  }

  private void retire(Batch b) {
    b.retired = true;
    drainBatch(b);
  }

  /** Records every success pending in the current batch (and retires it if its period ended). */
  void drain() {
    Batch b = current;
    if (b.retired && b.handing.get() == 0 && !on) {
      return; // off and nothing left: the pass-through cost
    }
    if (!on || delegate.getMetrics() != b.period || delegate.getState() != State.CLOSED) {
      b.retired = true;
    }
    drainBatch(b);
  }

  /**
   * Stops batching for good (someone asked for resilience4j's event publisher: its events must
   * come in call order) and records what is pending.
   */
  void stop() {
    if (on) {
      on = false;
      drain();
    }
  }

  private void drainBatch(Batch b) {
    b.handing.incrementAndGet();
    try {
      for (int s = 0; s < STRIPES; s++) {
        takeAndRecord(b, s * PAD);
      }
    } finally {
      b.handing.decrementAndGet();
    }
    for (int spin = 0; b.handing.get() > 0; spin++) {
      if (spin >= SPINS) {
        waitsGivenUp.increment();
        return;
      }
      if ((spin & 63) == 63) {
        Thread.yield();
      } else {
        Thread.onSpinWait();
      }
    }
  }

  private void takeAndRecord(Batch b, int i) {
    if (b.stripes.get(i) != 0) {
      record(b, b.stripes.getAndSet(i, 0));
    }
  }

  /** Records {@code n} taken successes of {@code b}'s period, or drops them once it is over. */
  private void record(Batch b, long n) {
    for (long k = 0; k < n; k++) {
      if (delegate.getMetrics() != b.period) {
        dropped.add(n - k);
        return;
      }
      if (delegate.getState() != State.CLOSED) {
        recordedLate.increment();
      }
      delegate.onSuccess(0, TimeUnit.NANOSECONDS);
    }
  }

  /** Successes pending in the current batch (for tests). */
  long pending() {
    Batch b = current;
    long n = 0;
    for (int s = 0; s < STRIPES; s++) {
      n += b.stripes.get(s * PAD);
    }
    return n;
  }
}
