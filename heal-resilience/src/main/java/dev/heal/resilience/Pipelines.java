package dev.heal.resilience;

import dev.heal.resilience.internal.AsyncInvoker;
import dev.heal.resilience.internal.CircuitBreakerObserver;
import dev.heal.resilience.internal.FallbackInvoker;
import dev.heal.resilience.internal.Invoker;
import dev.heal.resilience.internal.Stages;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * Builds a pipeline from a {@link PipelineSpec}, in resilience4j's documented aspect order:
 * {@code Degradable(Fallback(Retry(CircuitBreaker(RateLimiter(TimeLimiter(Bulkhead(AdaptiveLimit(call))))))))},
 * each annotation's own {@code fallbackMethod} wrapping its own stage. Every policy is resolved
 * here, so misconfiguration fails now and the call path holds only final references.
 */
final class Pipelines {
  private Pipelines() {}

  static Invoker sync(Resilience r, PipelineSpec s, Invoker call) {
    if (s.timeLimiter != null) {
      throw new ResilienceException(s.where + ": @TimeLimiter needs a CompletionStage return type"
          + " (resilience4j's time limiter cannot interrupt a synchronous call); use an async"
          + " method or remove @TimeLimiter");
    }
    Invoker i = call;
    if (s.adaptiveLimit != null) {
      AdaptiveLimiter l = require(r.adaptiveLimiter(s.adaptiveLimit), s, "@AdaptiveLimit",
          "adaptive limit", s.adaptiveLimit, r.adaptiveLimiters().keySet());
      i = fb(Stages.adaptiveLimit(l, s.priority,
          r.signaller(ResilienceSignals.ADAPTIVE_LIMIT, l.name(), ResilienceSignals.REJECTED)::onEvent, i),
          s.adaptiveLimitFallback, r);
    }
    if (s.bulkhead != null) {
      Bulkhead b = require(r.bulkhead(s.bulkhead), s, "@Bulkhead", "bulkhead", s.bulkhead,
          r.bulkheadRegistry().getAllBulkheads().stream().map(Bulkhead::getName).toList());
      i = fb(Stages.bulkhead(b,
          r.signaller(ResilienceSignals.BULKHEAD, b.getName(), ResilienceSignals.REJECTED), i),
          s.bulkheadFallback, r);
    }
    if (s.rateLimiter != null) {
      RateLimiter l = require(r.rateLimiter(s.rateLimiter), s, "@RateLimiter", "rate limiter",
          s.rateLimiter,
          r.rateLimiterRegistry().getAllRateLimiters().stream().map(RateLimiter::getName).toList());
      i = fb(Stages.rateLimiter(l, s.rateLimiterPermits,
          r.signaller(ResilienceSignals.RATE_LIMITER, l.getName(), ResilienceSignals.REJECTED), i),
          s.rateLimiterFallback, r);
    }
    if (s.circuitBreaker != null) {
      CircuitBreakerObserver o = require(r.observer(s.circuitBreaker), s, "@CircuitBreaker",
          "circuit breaker", s.circuitBreaker, r.observers().keySet());
      i = fb(Stages.circuitBreaker(o, i), s.circuitBreakerFallback, r);
    }
    if (s.retry != null) {
      Retry retry = retry(r, s);
      RetryBudget budget = budget(r, s);
      i = fb(Stages.retry(retry, budget,
          r.signaller(ResilienceSignals.RETRY, retry.getName(), ResilienceSignals.EXHAUSTED),
          r.signaller(ResilienceSignals.RETRY, retry.getName(), ResilienceSignals.BUDGET_EXHAUSTED),
          i), s.retryFallback, r);
    } else if (s.retryBudget != null) {
      throw new ResilienceException(s.where + ": @UseRetryBudget(\"" + s.retryBudget
          + "\") needs @Retry on the same method");
    }
    i = fb(i, s.fallback, r);
    if (s.degradeFeature != null) {
      i = Stages.degradable(r.features(), s.degradeFeature, counter(r.degradedCounter(s.degradeFeature)),
          s.degradeSubstitute, i);
    }
    return i;
  }

  static AsyncInvoker async(Resilience r, PipelineSpec s, AsyncInvoker call) {
    AsyncInvoker i = call;
    if (s.adaptiveLimit != null) {
      AdaptiveLimiter l = require(r.adaptiveLimiter(s.adaptiveLimit), s, "@AdaptiveLimit",
          "adaptive limit", s.adaptiveLimit, r.adaptiveLimiters().keySet());
      i = fbAsync(Stages.adaptiveLimitAsync(l, s.priority,
          r.signaller(ResilienceSignals.ADAPTIVE_LIMIT, l.name(), ResilienceSignals.REJECTED)::onEvent, i),
          s.adaptiveLimitFallback, r);
    }
    if (s.bulkhead != null) {
      Bulkhead b = require(r.bulkhead(s.bulkhead), s, "@Bulkhead", "bulkhead", s.bulkhead,
          r.bulkheadRegistry().getAllBulkheads().stream().map(Bulkhead::getName).toList());
      i = fbAsync(Stages.bulkheadAsync(b,
          r.signaller(ResilienceSignals.BULKHEAD, b.getName(), ResilienceSignals.REJECTED), i),
          s.bulkheadFallback, r);
    }
    if (s.timeLimiter != null) {
      TimeLimiter t = require(r.timeLimiter(s.timeLimiter), s, "@TimeLimiter", "time limiter",
          s.timeLimiter,
          r.timeLimiterRegistry().getAllTimeLimiters().stream().map(TimeLimiter::getName).toList());
      i = fbAsync(Stages.timeLimiterAsync(t, r.clock(), i), s.timeLimiterFallback, r);
    }
    if (s.rateLimiter != null) {
      RateLimiter l = require(r.rateLimiter(s.rateLimiter), s, "@RateLimiter", "rate limiter",
          s.rateLimiter,
          r.rateLimiterRegistry().getAllRateLimiters().stream().map(RateLimiter::getName).toList());
      i = fbAsync(Stages.rateLimiterAsync(l, s.rateLimiterPermits,
          r.signaller(ResilienceSignals.RATE_LIMITER, l.getName(), ResilienceSignals.REJECTED), i),
          s.rateLimiterFallback, r);
    }
    if (s.circuitBreaker != null) {
      CircuitBreakerObserver o = require(r.observer(s.circuitBreaker), s, "@CircuitBreaker",
          "circuit breaker", s.circuitBreaker, r.observers().keySet());
      i = fbAsync(Stages.circuitBreakerAsync(o, i), s.circuitBreakerFallback, r);
    }
    if (s.retry != null) {
      Retry retry = retry(r, s);
      RetryBudget budget = budget(r, s);
      i = fbAsync(Stages.retryAsync(retry, budget,
          r.signaller(ResilienceSignals.RETRY, retry.getName(), ResilienceSignals.EXHAUSTED),
          r.signaller(ResilienceSignals.RETRY, retry.getName(), ResilienceSignals.BUDGET_EXHAUSTED),
          r.clock(), i), s.retryFallback, r);
    } else if (s.retryBudget != null) {
      throw new ResilienceException(s.where + ": @UseRetryBudget(\"" + s.retryBudget
          + "\") needs @Retry on the same method");
    }
    i = fbAsync(i, s.fallback, r);
    if (s.degradeFeature != null) {
      i = Stages.degradableAsync(r.features(), s.degradeFeature, counter(r.degradedCounter(s.degradeFeature)),
          s.degradeSubstitute, i);
    }
    return i;
  }

  private static Retry retry(Resilience r, PipelineSpec s) {
    return require(r.retry(s.retry), s, "@Retry", "retry", s.retry,
        r.retryRegistry().getAllRetries().stream().map(Retry::getName).toList());
  }

  private static RetryBudget budget(Resilience r, PipelineSpec s) {
    if (s.retryBudget == null) {
      return null;
    }
    return require(r.retryBudget(s.retryBudget), s, "@UseRetryBudget", "retry budget",
        s.retryBudget, r.retryBudgets().keySet());
  }

  private static Stages.Counter counter(LongAdder a) {
    return a::increment;
  }

  private static Invoker fb(Invoker i, FallbackInvoker f, Resilience r) {
    return f == null ? i : Stages.fallback(f, i);
  }

  private static AsyncInvoker fbAsync(AsyncInvoker i, FallbackInvoker f, Resilience r) {
    return f == null ? i : Stages.fallbackAsync(f, i);
  }

  private static <T> T require(Optional<T> found, PipelineSpec s, String annotation, String kind,
      String name, Iterable<String> configured) {
    return found.orElseThrow(() -> new ResilienceException(s.where + ": " + annotation
        + "(name = \"" + name + "\") names no configured " + kind + "; configured: "
        + configured + ". Declare it with Resilience.builder()." + camel(kind)
        + "(\"" + name + "\", ...) or in the configuration file"));
  }

  private static String camel(String kind) {
    String[] parts = kind.split(" ");
    StringBuilder b = new StringBuilder(parts[0]);
    for (int k = 1; k < parts.length; k++) {
      b.append(Character.toUpperCase(parts[k].charAt(0))).append(parts[k].substring(1));
    }
    return b.toString();
  }
}
