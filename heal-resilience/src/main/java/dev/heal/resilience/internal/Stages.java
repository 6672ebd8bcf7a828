package dev.heal.resilience.internal;

import dev.heal.core.time.HealClock;
import dev.heal.resilience.AdaptiveLimiter;
import dev.heal.resilience.CallRejectedException;
import dev.heal.resilience.FeatureToggles;
import dev.heal.resilience.Priority;
import dev.heal.resilience.RetryBudget;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * The pipeline stages, synchronous and asynchronous. Each wraps the next one; all are built once
 * (at proxy or decorator creation) and hold only final fields, so the call path does no lookups.
 */
public final class Stages {
  private Stages() {}

  // ---------------------------------------------------------------- circuit breaker

  /**
   * resilience4j's decorator semantics: an {@link Exception} is recorded through {@code onError}
   * (resilience4j's predicates then decide failure or ignored), a returned value through {@code
   * onResult}; an {@link Error} (any other {@link Throwable}) is not recorded, as resilience4j's decorators leave it, but the
   * permission it took is released, so a half-open breaker does not lose a trial call to it.
   */
  public static Invoker circuitBreaker(CircuitBreakerObserver obs, Invoker next) {
    HealCircuitBreaker cb = obs.circuitBreaker();
    return args -> {
      if (!cb.tryAcquirePermission()) {
        throw CallNotPermittedException.createCallNotPermittedException(cb);
      }
      long start = cb.getCurrentTimestamp();
      Object result;
      try {
        result = next.invoke(args);
      } catch (Throwable t) {
        recordFailure(cb, start, t);
        throw t;
      }
      cb.onResult(cb.getCurrentTimestamp() - start, cb.getTimestampUnit(), result);
      return result;
    };
  }

  /** The same rules as {@link #circuitBreaker}, on completion of the returned stage. */
  public static AsyncInvoker circuitBreakerAsync(CircuitBreakerObserver obs, AsyncInvoker next) {
    HealCircuitBreaker cb = obs.circuitBreaker();
    return args -> {
      if (!cb.tryAcquirePermission()) {
        return CompletableFuture.failedFuture(
            CallNotPermittedException.createCallNotPermittedException(cb));
      }
      long start = cb.getCurrentTimestamp();
      CompletableFuture<Object> out = new CompletableFuture<>();
      next.invoke(args).whenComplete((r, e) -> {
        if (e != null) {
          Throwable cause = unwrap(e);
          recordFailure(cb, start, cause);
          out.completeExceptionally(cause);
        } else {
          cb.onResult(cb.getCurrentTimestamp() - start, cb.getTimestampUnit(), r);
          out.complete(r);
        }
      });
      return out;
    };
  }

  /** The one failure rule of both breaker stages: an Exception is an outcome, an Error is not. */
  private static void recordFailure(HealCircuitBreaker cb, long start, Throwable t) {
    if (t instanceof Exception) {
      cb.onError(cb.getCurrentTimestamp() - start, cb.getTimestampUnit(), t);
    } else { // an Error (or a bare Throwable): not an outcome of the call
      cb.releasePermission();
    }
  }

  // ---------------------------------------------------------------- retry (+ budget)

  /**
   * The retry rules the synchronous and asynchronous stages share: the budget deposit per logical
   * call, and for each failure whether resilience4j may handle it (retry it or give up) or the
   * budget refuses the retry; the exhausted and budget-refused signals. Only an {@link Exception}
   * is retried: an {@link Error} fails the call at once, on both paths (as resilience4j's
   * synchronous decorators leave it). The budget is asked only when a retry would really happen,
   * so refusals and grants are exact.
   */
  private static final class RetryRules {
    private final int max;
    private final Predicate<Throwable> retryOn;
    private final RetryBudget budget;
    private final EpisodeSignaller exhausted;
    private final EpisodeSignaller budgetRefused;

    RetryRules(Retry retry, RetryBudget budget, EpisodeSignaller exhausted, EpisodeSignaller budgetRefused) {
      this.max = retry.getRetryConfig().getMaxAttempts();
      this.retryOn = retry.getRetryConfig().getExceptionPredicate();
      this.budget = budget;
      this.exhausted = exhausted;
      this.budgetRefused = budgetRefused;
    }

    void start() {
      if (budget != null) {
        budget.recordRequest();
      }
    }

    /** Whether resilience4j's context gets this failure of {@code attempt}; false: fail with it now. */
    boolean handOver(int attempt, Throwable failure) {
      if (!(failure instanceof Exception)) {
        return false;
      }
      boolean wouldRetry = attempt < max && retryOn.test(failure);
      if (wouldRetry && budget != null && !budget.tryAcquireRetry()) {
        budgetRefused.onEvent();
        return false;
      }
      if (!wouldRetry && attempt >= max && retryOn.test(failure)) {
        exhausted.onEvent();
      }
      return true;
    }
  }

  /**
   * resilience4j's retry semantics (attempts, interval function, exception and result
   * predicates, metrics) with {@link RetryRules}; waits on the caller's thread.
   */
  public static Invoker retry(Retry retry, RetryBudget budget, EpisodeSignaller exhausted,
      EpisodeSignaller budgetRefused, Invoker next) {
    RetryRules rules = new RetryRules(retry, budget, exhausted, budgetRefused);
    return args -> {
      rules.start();
      @SuppressWarnings("unchecked")
      Retry.Context<Object> ctx = retry.context();
      for (int attempt = 1; ; attempt++) {
        Object result;
        try {
          result = next.invoke(args);
        } catch (Throwable t) {
          if (!rules.handOver(attempt, t)) {
            throw t;
          }
          ctx.onError((Exception) t); // sleeps the interval and returns, or rethrows
          continue;
        }
        if (!ctx.onResult(result)) {
          ctx.onComplete();
          return result;
        }
      }
    };
  }

  /** The same rules as {@link #retry}, waiting on the {@link HealClock} between attempts. */
  public static AsyncInvoker retryAsync(Retry retry, RetryBudget budget, EpisodeSignaller exhausted,
      EpisodeSignaller budgetRefused, HealClock clock, AsyncInvoker next) {
    RetryRules rules = new RetryRules(retry, budget, exhausted, budgetRefused);
    return args -> {
      rules.start();
      CompletableFuture<Object> out = new CompletableFuture<>();
      @SuppressWarnings("unchecked")
      Retry.AsyncContext<Object> ctx = retry.asyncContext();
      new AsyncAttempt(ctx, rules, clock, next, args, out).run();
      return out;
    };
  }

  private static final class AsyncAttempt implements Runnable {
    private final Retry.AsyncContext<Object> ctx;
    private final RetryRules rules;
    private final HealClock clock;
    private final AsyncInvoker next;
    private final Object[] args;
    private final CompletableFuture<Object> out;
    private int attempt = 1;

    AsyncAttempt(Retry.AsyncContext<Object> ctx, RetryRules rules, HealClock clock, AsyncInvoker next,
        Object[] args, CompletableFuture<Object> out) {
      this.ctx = ctx;
      this.rules = rules;
      this.clock = clock;
      this.next = next;
      this.args = args;
      this.out = out;
    }

    @Override
    public void run() {
      next.invoke(args).whenComplete((r, e) -> {
        long delay;
        if (e == null) {
          delay = ctx.onResult(r);
          if (delay < 0) {
            ctx.onComplete();
            out.complete(r);
            return;
          }
        } else {
          Throwable cause = unwrap(e);
          delay = rules.handOver(attempt, cause) ? ctx.onError(cause) : -1;
          if (delay < 0) {
            out.completeExceptionally(cause);
            return;
          }
        }
        attempt++;
        clock.schedule(Duration.ofMillis(delay), this);
      });
    }
  }

  // ---------------------------------------------------------------- bulkhead

  public static Invoker bulkhead(Bulkhead bulkhead, EpisodeSignaller rejected, Invoker next) {
    return args -> {
      if (!bulkhead.tryAcquirePermission()) {
        rejected.onEvent();
        throw BulkheadFullException.createBulkheadFullException(bulkhead);
      }
      try {
        return next.invoke(args);
      } finally {
        bulkhead.onComplete();
      }
    };
  }

  public static AsyncInvoker bulkheadAsync(Bulkhead bulkhead, EpisodeSignaller rejected,
      AsyncInvoker next) {
    return args -> {
      if (!bulkhead.tryAcquirePermission()) {
        rejected.onEvent();
        return CompletableFuture.failedFuture(
            BulkheadFullException.createBulkheadFullException(bulkhead));
      }
      CompletionStage<Object> s;
      try {
        s = next.invoke(args);
      } catch (RuntimeException | Error e) { // a contract breach, but the permit must come back
        bulkhead.onComplete();
        throw e;
      }
      return s.whenComplete((r, e) -> bulkhead.onComplete());
    };
  }

  // ---------------------------------------------------------------- rate limiter

  public static Invoker rateLimiter(RateLimiter limiter, int permits, EpisodeSignaller rejected,
      Invoker next) {
    return args -> {
      if (!limiter.acquirePermission(permits)) {
        rejected.onEvent();
        throw RequestNotPermitted.createRequestNotPermitted(limiter);
      }
      return next.invoke(args);
    };
  }

  public static AsyncInvoker rateLimiterAsync(RateLimiter limiter, int permits,
      EpisodeSignaller rejected, AsyncInvoker next) {
    return args -> {
      if (!limiter.acquirePermission(permits)) {
        rejected.onEvent();
        return CompletableFuture.failedFuture(RequestNotPermitted.createRequestNotPermitted(limiter));
      }
      return next.invoke(args);
    };
  }

  // ---------------------------------------------------------------- time limiter (async only)

  /**
   * resilience4j's time limiter on heal's clock: the timeout is scheduled on the {@link HealClock},
   * so tests drive it with a manual clock.
   */
  public static AsyncInvoker timeLimiterAsync(TimeLimiter tl, HealClock clock, AsyncInvoker next) {
    Duration timeout = tl.getTimeLimiterConfig().getTimeoutDuration();
    boolean cancel = tl.getTimeLimiterConfig().shouldCancelRunningFuture();
    return args -> {
      CompletableFuture<Object> out = new CompletableFuture<>();
      CompletionStage<Object> inner = next.invoke(args);
      HealClock.Cancellable timer = clock.schedule(timeout, () -> {
        TimeoutException te = TimeLimiter.createdTimeoutExceptionWithName(tl.getName(), null);
        if (out.completeExceptionally(te)) {
          tl.onError(te);
          if (cancel) {
            try {
              inner.toCompletableFuture().cancel(true);
            } catch (UnsupportedOperationException e) {
              // a stage that cannot be cancelled keeps running; the caller already has its timeout
            }
          }
        }
      });
      inner.whenComplete((r, e) -> {
        timer.cancel();
        if (e == null) {
          if (out.complete(r)) {
            tl.onSuccess();
          }
        } else {
          Throwable cause = unwrap(e);
          if (out.completeExceptionally(cause)) {
            tl.onError(cause);
          }
        }
      });
      return out;
    };
  }

  // ---------------------------------------------------------------- adaptive limit

  /**
   * The adaptive-limit stage, the one implementation behind proxies, decorators and {@link
   * AdaptiveLimiter}'s own decorators: admit at {@code priority} or shed with {@link
   * CallRejectedException} (telling {@code rejected}); the permit is released, with the call's
   * latency as a sample, however the call ends, {@link Error}s included.
   */
  public static Invoker adaptiveLimit(AdaptiveLimiter limiter, Priority priority, Runnable rejected,
      Invoker next) {
    String message = shedMessage(limiter, priority);
    return args -> {
      long start = limiter.tryAcquire(priority);
      if (start == AdaptiveLimiter.REJECTED) {
        rejected.run();
        throw new CallRejectedException(limiter.name(), message);
      }
      try {
        return next.invoke(args);
      } finally {
        limiter.release(start);
      }
    };
  }

  /**
   * The same rules as {@link #adaptiveLimit}, holding the permit until the returned stage
   * completes; a shed call returns a failed stage. A {@code next} that throws instead of returning
   * a stage (a contract breach: an {@link Error} or an unchecked exception from user code) still
   * gives its permit back.
   */
  public static AsyncInvoker adaptiveLimitAsync(AdaptiveLimiter limiter, Priority priority,
      Runnable rejected, AsyncInvoker next) {
    String message = shedMessage(limiter, priority);
    return args -> {
      long start = limiter.tryAcquire(priority);
      if (start == AdaptiveLimiter.REJECTED) {
        rejected.run();
        return CompletableFuture.failedFuture(new CallRejectedException(limiter.name(), message));
      }
      CompletionStage<Object> s;
      try {
        s = next.invoke(args);
      } catch (RuntimeException | Error e) {
        limiter.release(start);
        throw e;
      }
      return s.whenComplete((r, e) -> limiter.release(start));
    };
  }

  private static String shedMessage(AdaptiveLimiter limiter, Priority priority) {
    return "adaptive limit '" + limiter.name() + "' shed a " + priority + " call";
  }

  // ---------------------------------------------------------------- fallback and degradation

  public static Invoker fallback(FallbackInvoker fallback, Invoker next) {
    return args -> {
      try {
        return next.invoke(args);
      } catch (Throwable t) {
        return fallback.recover(args, t);
      }
    };
  }

  public static AsyncInvoker fallbackAsync(FallbackInvoker fallback, AsyncInvoker next) {
    return args -> {
      CompletionStage<Object> s;
      try {
        s = next.invoke(args);
      } catch (RuntimeException | Error e) { // recovered like a failed stage, as the sync stage does
        s = CompletableFuture.failedFuture(e);
      }
      return s.handle((r, e) -> {
        if (e == null) {
          return CompletableFuture.completedFuture(r);
        }
        Throwable cause = unwrap(e);
        try {
          return asStage(fallback.recover(args, cause));
        } catch (Throwable t) {
          return CompletableFuture.failedFuture(t);
        }
      }).thenCompose(x -> x);
    };
  }

  @SuppressWarnings("unchecked")
  static CompletionStage<Object> asStage(Object o) {
    return o == null ? CompletableFuture.completedFuture(null) : (CompletionStage<Object>) o;
  }

  public static Invoker degradable(FeatureToggles toggles, String feature,
      Counter degradedCount, Invoker substitute, Invoker next) {
    return args -> {
      if (!toggles.isEnabled(feature)) {
        degradedCount.increment();
        return substitute.invoke(args);
      }
      return next.invoke(args);
    };
  }

  public static AsyncInvoker degradableAsync(FeatureToggles toggles, String feature,
      Counter degradedCount, Invoker substitute, AsyncInvoker next) {
    return args -> {
      if (!toggles.isEnabled(feature)) {
        degradedCount.increment();
        try {
          return asStage(substitute.invoke(args));
        } catch (Throwable t) {
          return CompletableFuture.failedFuture(t);
        }
      }
      return next.invoke(args);
    };
  }

  /** A counter; the pipeline's view of a metric it bumps on a rare path. */
  public interface Counter {
    void increment();
  }

  /** The cause of a {@link CompletionException}, else {@code t}. */
  public static Throwable unwrap(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
