package dev.heal.resilience;

import dev.heal.resilience.internal.FallbackInvoker;
import dev.heal.resilience.internal.Invoker;

/** What one method or decorator asks for; filled from annotations or a {@link Decoration}. */
final class PipelineSpec {
  String where;
  boolean async;
  // outermost first
  String degradeFeature;
  Invoker degradeSubstitute;
  FallbackInvoker fallback;
  String retry;
  FallbackInvoker retryFallback;
  String retryBudget;
  String circuitBreaker;
  FallbackInvoker circuitBreakerFallback;
  String rateLimiter;
  int rateLimiterPermits = 1;
  FallbackInvoker rateLimiterFallback;
  String timeLimiter;
  FallbackInvoker timeLimiterFallback;
  String bulkhead;
  FallbackInvoker bulkheadFallback;
  String adaptiveLimit;
  Priority priority = Priority.NORMAL;
  FallbackInvoker adaptiveLimitFallback;
}
