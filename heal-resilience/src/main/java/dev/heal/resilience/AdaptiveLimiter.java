package dev.heal.resilience;

import dev.heal.core.time.HealClock;
import dev.heal.resilience.internal.AsyncInvoker;
import dev.heal.resilience.internal.Invoker;
import dev.heal.resilience.internal.Stages;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * An adaptive concurrency limit: admits a call only while fewer than {@code limit} calls are in
 * flight, and moves {@code limit} with the measured latency, shedding load (fail fast) instead of
 * queueing when latency rises.
 *
 * <p>Algorithm (gradient, per window of {@code windowSize} completed calls): {@code sample} is the
 * window's mean RTT; {@code baseline} is the minimum window RTT over the last {@code
 * baselineWindows} windows; {@code gradient = clamp(rttTolerance × baseline / sample, 0.5, 1)}.
 * If {@code gradient < 1} (latency rose) the estimate is {@code limit × gradient}; otherwise, and
 * only if the limit was actually used (peak in-flight ≥ half the limit), {@code limit +
 * sqrt(limit)}. The limit moves toward the estimate by {@code smoothing} and is clamped to
 * {@code [minLimit, maxLimit]}.
 *
 * <p>Against Gradient2's unbounded growth under modest sustained overload (its long-term RTT is an
 * average that catches up with the overloaded RTT, so the gradient returns to 1 and the limit
 * grows again): the baseline here is a windowed minimum, not an average, and every {@code
 * probeInterval} windows one window runs at half the limit (a "probe", like BBR's ProbeRTT) so
 * that queues drain and the baseline sees a real no-load RTT (calls started before the probe do
 * not count in it). The limit never grows while latency
 * is above {@code rttTolerance × baseline}, and never grows while unused.
 *
 * <p>Priorities: a call of priority {@code p} is admitted while in-flight &lt; {@code floor(limit ×
 * share(p))} (at least 1), so sheddable calls are shed first and
 * critical ones last.
 *
 * <p>Thread-safe. {@link #tryAcquire(Priority)} is a lock-free CAS loop; {@link #release(long)}
 * takes a short lock to fold the sample into the window.
 */
public final class AdaptiveLimiter {
  private static final Object[] NO_ARGS = new Object[0];
  /** Returned by {@link #tryAcquire(Priority)} when the call is shed. */
  public static final long REJECTED = Long.MIN_VALUE;

  private final String name;
  private final AdaptiveLimitConfig config;
  private final HealClock clock;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Map<Priority, LongAdder> rejected = new EnumMap<>(Priority.class);
  private final LongAdder admitted = new LongAdder();
  private final long[] windowMins;

  private volatile double limit;
  private volatile int[] thresholds; // per Priority ordinal
  // guarded by this
  private long windowSum;
  private int windowCount;
  private int windowPeak;
  private long windows;
  private boolean probing;
  private double baselineNanos = Double.NaN;

  public AdaptiveLimiter(String name, AdaptiveLimitConfig config, HealClock clock) {
    this.name = Objects.requireNonNull(name, "name");
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
    for (Priority p : Priority.values()) {
      rejected.put(p, new LongAdder());
    }
    this.windowMins = new long[config.baselineWindows()];
    Arrays.fill(windowMins, Long.MAX_VALUE);
    setLimit(config.initialLimit());
  }

  public String name() {
    return name;
  }

  public AdaptiveLimitConfig config() {
    return config;
  }

  /**
   * Tries to admit a call.
   *
   * @return the start time (a {@link HealClock#nanoTime()} value) to pass to {@link #release(long)},
   *     or {@link #REJECTED} if the call must be shed
   */
  public long tryAcquire(Priority priority) {
    int max = thresholds[priority.ordinal()];
    while (true) {
      int cur = inFlight.get();
      if (cur >= max) {
        rejected.get(priority).increment();
        return REJECTED;
      }
      if (inFlight.compareAndSet(cur, cur + 1)) {
        admitted.increment();
        long start = clock.nanoTime();
        if (start == REJECTED) {
          start++;
        }
        return start;
      }
    }
  }

  /** Completes a call admitted at {@code startNanos}, feeding its RTT into the limit. */
  public void release(long startNanos) {
    long rtt = Math.max(0, clock.nanoTime() - startNanos);
    int peak = inFlight.getAndDecrement();
    record(rtt, peak, startNanos);
  }

  /** Completes a call without using its latency (it failed fast, it was cancelled). */
  public void releaseWithoutSample() {
    inFlight.decrementAndGet();
  }

  private synchronized void record(long rtt, int inFlightAtEnd, long startNanos) {
    if (probing && startNanos - probeStartNanos < 0) {
      // started before the probe at the full limit: its RTT says nothing about a drained queue
      return;
    }
    windowSum += rtt;
    windowCount++;
    windowPeak = Math.max(windowPeak, inFlightAtEnd);
    if (windowCount < config.windowSize()) {
      return;
    }
    long sample = Math.max(1, windowSum / windowCount);
    int peak = windowPeak;
    windowSum = 0;
    windowCount = 0;
    windowPeak = 0;
    windowMins[(int) (windows % windowMins.length)] = sample;
    windows++;
    long min = Long.MAX_VALUE;
    for (long m : windowMins) {
      min = Math.min(min, m);
    }
    baselineNanos = min;
    double current = limit;
    if (probing) {
      // the probe window ends; resume from the limit in force before it
      probing = false;
      current = limitBeforeProbe;
    }
    double gradient = Math.max(0.5, Math.min(1.0, config.rttTolerance() * min / (double) sample));
    double estimate;
    if (gradient < 1.0) {
      estimate = current * gradient;
    } else if (peak * 2 >= current) {
      estimate = current + Math.sqrt(current);
    } else {
      estimate = current;
    }
    double next = (1 - config.smoothing()) * current + config.smoothing() * estimate;
    next = Math.max(config.minLimit(), Math.min(config.maxLimit(), next));
    if (windows % config.probeInterval() == 0) {
      probing = true;
      probeStartNanos = clock.nanoTime();
      limitBeforeProbe = next;
      setLimit(Math.max(config.minLimit(), next / 2));
    } else {
      setLimit(next);
    }
  }

  private double limitBeforeProbe;
  private long probeStartNanos;

  private void setLimit(double l) {
    int[] t = new int[Priority.values().length];
    for (Priority p : Priority.values()) {
      int v = (int) Math.floor(l * config.share(p));
      t[p.ordinal()] = Math.max(1, v);
    }
    thresholds = t;
    limit = l;
  }

  /**
   * resilience4j-style decorator: the returned supplier admits each call through this limiter at
   * {@code priority} or throws {@link CallRejectedException}. The same stage as a proxy's or
   * decorator's {@code @AdaptiveLimit}. Thread-safe if {@code call} is.
   */
  @SuppressWarnings("unchecked")
  public <T> Supplier<T> decorateSupplier(Priority priority, Supplier<T> call) {
    Objects.requireNonNull(priority, "priority");
    Objects.requireNonNull(call, "call");
    Invoker staged = Stages.adaptiveLimit(this, priority, () -> {}, args -> call.get());
    return () -> {
      try {
        return (T) staged.invoke(NO_ARGS);
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable t) { // a Supplier cannot throw checked exceptions
        throw new UndeclaredThrowableException(t);
      }
    };
  }

  /**
   * resilience4j-style decorator for asynchronous calls: the permit is held until the stage
   * completes; a shed call returns a stage failed with {@link CallRejectedException}. The same
   * stage as a proxy's or decorator's {@code @AdaptiveLimit} on a {@code CompletionStage} method.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public <T> Supplier<CompletionStage<T>> decorateCompletionStage(Priority priority,
      Supplier<CompletionStage<T>> call) {
    Objects.requireNonNull(priority, "priority");
    Objects.requireNonNull(call, "call");
    AsyncInvoker staged = Stages.adaptiveLimitAsync(this, priority, () -> {},
        args -> (CompletionStage) call.get());
    return () -> (CompletionStage<T>) (CompletionStage) staged.invoke(NO_ARGS);
  }

  /** The current limit (before priority shares), within [minLimit, maxLimit]. */
  public double limit() {
    return limit;
  }

  /** The most calls of {@code p} admitted concurrently right now. */
  public int admissionThreshold(Priority p) {
    return thresholds[p.ordinal()];
  }

  /** Calls in flight now. */
  public int inFlight() {
    return inFlight.get();
  }

  /** Current no-load RTT baseline in nanoseconds, NaN before the first window. */
  public synchronized double baselineNanos() {
    return baselineNanos;
  }

  /** Whether the current window is a probe window (limit halved to drain queues). */
  public synchronized boolean probing() {
    return probing;
  }

  /** Calls admitted since creation. */
  public long admitted() {
    return admitted.sum();
  }

  /** Calls of {@code p} shed since creation. */
  public long rejected(Priority p) {
    return rejected.get(p).sum();
  }

  /** Calls shed since creation, all priorities. */
  public long rejected() {
    long s = 0;
    for (LongAdder a : rejected.values()) {
      s += a.sum();
    }
    return s;
  }

  @Override
  public String toString() {
    return "AdaptiveLimiter[" + name + ", limit=" + limit + ", inFlight=" + inFlight.get() + "]";
  }
}
