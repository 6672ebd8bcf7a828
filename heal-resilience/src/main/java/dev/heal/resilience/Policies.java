package dev.heal.resilience;

import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The per-name settings a {@link Resilience.Builder} collects and a {@link ResilienceConfig}
 * loads: one holder, so the builder and the file format cannot drift apart. Insertion-ordered.
 * Not thread-safe.
 */
final class Policies {
  final Map<String, CircuitBreakerConfig> circuitBreakers = new LinkedHashMap<>();
  final Map<String, RetryConfig> retries = new LinkedHashMap<>();
  final Map<String, BulkheadConfig> bulkheads = new LinkedHashMap<>();
  final Map<String, RateLimiterConfig> rateLimiters = new LinkedHashMap<>();
  final Map<String, TimeLimiterConfig> timeLimiters = new LinkedHashMap<>();
  final Map<String, RetryBudgetConfig> retryBudgets = new LinkedHashMap<>();
  final Map<String, AdaptiveLimitConfig> adaptiveLimits = new LinkedHashMap<>();
  final Map<String, DependencyScope> scopes = new LinkedHashMap<>();
  /** Circuit breakers fronted with the opt-in success batching (true) or exactly (absent/false). */
  final Map<String, Boolean> batchSuccesses = new LinkedHashMap<>();

  /** Adds every setting of {@code other}, replacing same-named ones. */
  void putAll(Policies other) {
    circuitBreakers.putAll(other.circuitBreakers);
    retries.putAll(other.retries);
    bulkheads.putAll(other.bulkheads);
    rateLimiters.putAll(other.rateLimiters);
    timeLimiters.putAll(other.timeLimiters);
    retryBudgets.putAll(other.retryBudgets);
    adaptiveLimits.putAll(other.adaptiveLimits);
    scopes.putAll(other.scopes);
    batchSuccesses.putAll(other.batchSuccesses);
  }
}
