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
      } catch (Exception e) {
        cb.onError(cb.getCurrentTimestamp() - start, cb.getTimestampUnit(), e);
        throw e;
      } catch (Throwable t) { // an Error (or a bare Throwable): not an outcome of the call
        cb.releasePermission();
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
        long d = cb.getCurrentTimestamp() - start;
        if (e != null) {
          Throwable cause = unwrap(e);
          if (cause instanceof Exception) {
            cb.onError(d, cb.getTimestampUnit(), cause);
          } else {
            cb.releasePermission();
          }
          out.completeExceptionally(cause);
        } else {
          cb.onResult(d, cb.getTimestampUnit(), r);
          out.complete(r);
        }
      });
      return out;
    };
  }

  // ---------------------------------------------------------------- retry (+ budget)

  /**
   * resilience4j's retry semantics (attempts, interval function, exception and result
   * predicates, metrics), with an optional budget consulted before each retry. The budget is asked
   * only when a retry would really happen, so refusals and grants are exact.
   */
  public static Invoker retry(Retry retry, RetryBudget budget, EpisodeSignaller exhausted,
      EpisodeSignaller budgetRefused, Invoker next) {
    int max = retry.getRetryConfig().getMaxAttempts();
    Predicate<Throwable> retryOn = retry.getRetryConfig().getExceptionPredicate();
    return args -> {
      if (budget != null) {
        budget.recordRequest();
      }
      @SuppressWarnings("unchecked")
      Retry.Context<Object> ctx = retry.context();
      int attempt = 1;
      while (true) {
        Object result;
        try {
          result = next.invoke(args);
        } catch (Exception e) {
          boolean wouldRetry = attempt < max && retryOn.test(e);
          if (wouldRetry && budget != null && !budget.tryAcquireRetry()) {
            budgetRefused.onEvent();
            throw e;
          }
          if (!wouldRetry && attempt >= max && retryOn.test(e)) {
            exhausted.onEvent();
          }
          ctx.onError(e); // sleeps the interval and returns, or rethrows
          attempt++;
          continue;
        }
        if (ctx.onResult(result)) {
          attempt++;
          continue;
        }
        ctx.onComplete();
        return result;
      }
    };
  }

  public static AsyncInvoker retryAsync(Retry retry, RetryBudget budget, EpisodeSignaller exhausted,
      EpisodeSignaller budgetRefused, HealClock clock, AsyncInvoker next) {
    int max = retry.getRetryConfig().getMaxAttempts();
    Predicate<Throwable> retryOn = retry.getRetryConfig().getExceptionPredicate();
    return args -> {
      if (budget != null) {
        budget.recordRequest();
      }
      CompletableFuture<Object> out = new CompletableFuture<>();
      @SuppressWarnings("unchecked")
      Retry.AsyncContext<Object> ctx = retry.asyncContext();
      new AsyncAttempt(ctx, max, retryOn, budget, exhausted, budgetRefused, clock, next, args, out)
          .run();
      return out;
    };
  }

  private static final class AsyncAttempt implements Runnable {
    private final Retry.AsyncContext<Object> ctx;
    private final int max;
    private final Predicate<Throwable> retryOn;
    private final RetryBudget budget;
    private final EpisodeSignaller exhausted;
    private final EpisodeSignaller budgetRefused;
    private final HealClock clock;
    private final AsyncInvoker next;
    private final Object[] args;
    private final CompletableFuture<Object> out;
    private int attempt = 1;

    AsyncAttempt(Retry.AsyncContext<Object> ctx, int max, Predicate<Throwable> retryOn,
        RetryBudget budget, EpisodeSignaller exhausted, EpisodeSignaller budgetRefused,
        HealClock clock, AsyncInvoker next, Object[] args, CompletableFuture<Object> out) {
      this.ctx = ctx;
      this.max = max;
      this.retryOn = retryOn;
      this.budget = budget;
      this.exhausted = exhausted;
      this.budgetRefused = budgetRefused;
      this.clock = clock;
      this.next = next;
      this.args = args;
      this.out = out;
    }

    @Override
    public void run() {
      next.invoke(args).whenComplete((r, e) -> {
        if (e == null) {
          long delay = ctx.onResult(r);
          if (delay < 0) {
            ctx.onComplete();
            out.complete(r);
          } else {
            attempt++;
            clock.schedule(Duration.ofMillis(delay), this);
          }
          return;
        }
        Throwable cause = unwrap(e);
        boolean wouldRetry = attempt < max && retryOn.test(cause);
        if (wouldRetry && budget != null && !budget.tryAcquireRetry()) {
          budgetRefused.onEvent();
          out.completeExceptionally(cause);
          return;
        }
        if (!wouldRetry && attempt >= max && retryOn.test(cause)) {
          exhausted.onEvent();
        }
        long delay = ctx.onError(cause);
        if (delay < 0) {
          out.completeExceptionally(cause);
        } else {
          attempt++;
          clock.schedule(Duration.ofMillis(delay), this);
        }
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
      } catch (RuntimeException e) {
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

  public static Invoker adaptiveLimit(AdaptiveLimiter limiter, Priority priority,
      EpisodeSignaller rejected, Invoker next) {
    String message = "adaptive limit '" + limiter.name() + "' shed a " + priority + " call";
    return args -> {
      long start = limiter.tryAcquire(priority);
      if (start == AdaptiveLimiter.REJECTED) {
        rejected.onEvent();
        throw new CallRejectedException(limiter.name(), message);
      }
      try {
        return next.invoke(args);
      } finally {
        limiter.release(start);
      }
    };
  }

  public static AsyncInvoker adaptiveLimitAsync(AdaptiveLimiter limiter, Priority priority,
      EpisodeSignaller rejected, AsyncInvoker next) {
    String message = "adaptive limit '" + limiter.name() + "' shed a " + priority + " call";
    return args -> {
      long start = limiter.tryAcquire(priority);
      if (start == AdaptiveLimiter.REJECTED) {
        rejected.onEvent();
        return CompletableFuture.failedFuture(new CallRejectedException(limiter.name(), message));
      }
      CompletionStage<Object> s;
      try {
        s = next.invoke(args);
      } catch (RuntimeException e) {
        limiter.release(start);
        throw e;
      }
      return s.whenComplete((r, e) -> limiter.release(start));
    };
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
      } catch (RuntimeException e) {
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
