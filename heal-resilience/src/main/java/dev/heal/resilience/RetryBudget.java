package dev.heal.resilience;

import dev.heal.core.healer.SignalSink;
import dev.heal.core.time.HealClock;
import dev.heal.resilience.internal.EpisodeSignaller;
import dev.heal.resilience.internal.Invoker;
import dev.heal.resilience.internal.SafeSink;
import dev.heal.resilience.internal.Stages;
import io.github.resilience4j.retry.Retry;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * A Finagle-style retry budget shared by every retry against one dependency: each request
 * deposits, each retry withdraws, and when retries would exceed {@code ratio × recent requests +
 * floor} the retry is refused, so retries can never multiply load during an outage.
 *
 * <p>The window is {@link RetryBudgetConfig#ttl()} long, kept as {@link
 * RetryBudgetConfig#buckets()} slots on the injected {@link HealClock}. Guarantee: for every
 * window position, retries granted within it ≤ {@code ratio × requests recorded within it +
 * minRetriesPerSecond × ttlSeconds}.
 *
 * <p>Thread-safe. {@link #recordRequest()} is lock-free except when the window rotates (once per
 * bucket); {@link #tryAcquireRetry()} takes a short lock (retries are the rare path).
 */
public final class RetryBudget {
  private final String name;
  private final RetryBudgetConfig config;
  private final HealClock clock;
  private final long bucketNanos;
  private final Bucket[] buckets;
  private final LongAdder requests = new LongAdder();
  private final LongAdder granted = new LongAdder();
  private final LongAdder refused = new LongAdder();

  private static final class Bucket {
    volatile long epoch = Long.MIN_VALUE;
    final LongAdder requests = new LongAdder();
    long retries; // guarded by the budget's lock
  }

  public RetryBudget(String name, RetryBudgetConfig config, HealClock clock) {
    this.name = Objects.requireNonNull(name, "name");
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.bucketNanos = Math.max(1, config.ttl().toNanos() / config.buckets());
    this.buckets = new Bucket[config.buckets()];
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] = new Bucket();
    }
  }

  public String name() {
    return name;
  }

  public RetryBudgetConfig config() {
    return config;
  }

  /** Records a first attempt (a request); call once per logical call, not per retry. */
  public void recordRequest() {
    requests.increment();
    bucket(clock.nanoTime() / bucketNanos).requests.increment();
  }

  /**
   * Withdraws one retry if the budget allows it.
   *
   * @return true if the caller may retry now, false if it must give up (counted)
   */
  public boolean tryAcquireRetry() {
    long epoch = clock.nanoTime() / bucketNanos;
    synchronized (this) {
      Bucket current = bucket(epoch);
      if (availableAt(epoch) < 1) {
        refused.increment();
        return false;
      }
      current.retries++;
      granted.increment();
      return true;
    }
  }

  /** Retries the budget would grant right now. */
  public long available() {
    long epoch = clock.nanoTime() / bucketNanos;
    synchronized (this) {
      return availableAt(epoch);
    }
  }

  /** ratio × requests + floor, minus retries, over the buckets of the window ending at {@code epoch}; holds this. */
  private long availableAt(long epoch) {
    long reqs = 0;
    long retries = 0;
    for (Bucket b : buckets) {
      if (b.epoch > epoch - buckets.length) {
        reqs += b.requests.sum();
        retries += b.retries;
      }
    }
    double allowed = config.ratio() * reqs + config.floorPerWindow();
    return Math.max(0, (long) Math.floor(allowed + 1e-9) - retries);
  }

  /**
   * resilience4j-style decorator: {@code retry}'s attempts, backoff and predicates, with every
   * retry drawn from this budget. The returned supplier rethrows the last failure when the retry
   * gives up or the budget refuses. Thread-safe if {@code call} is. (In a {@link Resilience},
   * prefer {@code @UseRetryBudget} or {@link Decoration#withRetryBudget(String)}, which also
   * signal exhaustion to the healer.)
   */
  public <T> Supplier<T> decorateSupplier(Retry retry, Supplier<T> call) {
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(call, "call");
    SafeSink none = new SafeSink(SignalSink.NONE);
    Duration quiet = Duration.ofSeconds(5);
    Invoker pipeline = Stages.retry(retry, this,
        new EpisodeSignaller(ResilienceSignals.RETRY, retry.getName(), ResilienceSignals.EXHAUSTED,
            none, clock, quiet),
        new EpisodeSignaller(ResilienceSignals.RETRY, retry.getName(),
            ResilienceSignals.BUDGET_EXHAUSTED, none, clock, quiet),
        args -> call.get());
    return () -> {
      try {
        @SuppressWarnings("unchecked")
        T result = (T) pipeline.invoke(null);
        return result;
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable t) {
        throw new CompletionException(t);
      }
    };
  }

  /** Requests recorded since creation. */
  public long requests() {
    return requests.sum();
  }

  /** Retries granted since creation. */
  public long retriesGranted() {
    return granted.sum();
  }

  /** Retries refused since creation. */
  public long retriesRefused() {
    return refused.sum();
  }

  private Bucket bucket(long epoch) {
    Bucket b = buckets[(int) Math.floorMod(epoch, (long) buckets.length)];
    if (b.epoch != epoch) {
      synchronized (this) {
        if (b.epoch < epoch) {
          b.requests.reset();
          b.retries = 0;
          b.epoch = epoch;
        }
      }
    }
    return b;
  }

  @Override
  public String toString() {
    return "RetryBudget[" + name + ", " + config + "]";
  }
}
