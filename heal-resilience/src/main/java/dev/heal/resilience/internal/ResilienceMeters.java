package dev.heal.resilience.internal;

import dev.heal.resilience.AdaptiveLimiter;
import dev.heal.resilience.Priority;
import dev.heal.resilience.Resilience;
import dev.heal.resilience.RetryBudget;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.micrometer.tagged.CircuitBreakerMetricNames;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRateLimiterMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedTimeLimiterMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

/**
 * Every meter heal-resilience registers, in one place. All are gauges or function counters read at
 * scrape time from counters the pipeline already keeps: binding metrics adds no per-call event,
 * timer or allocation.
 *
 * <p>Circuit breakers get resilience4j's own meter names ({@code resilience4j.circuitbreaker.*},
 * the same as {@code TaggedCircuitBreakerMetrics}) minus the per-call {@code calls} timer, plus
 * heal's cumulative call and transition counters. Every meter carries a description (Prometheus
 * HELP text). {@code not.permitted.calls} is heal's cumulative count of refused calls, exact and
 * monotonic; resilience4j's restarts with every state period. Retries, bulkheads, rate limiters and time limiters are bound
 * with resilience4j-micrometer's {@code Tagged*Metrics}.
 */
public final class ResilienceMeters {
  /**
   * Cumulative calls through a heal circuit breaker (proxies, decorators and direct use of the
   * registry's breaker alike); tags name, outcome: success (returned), failure (threw, ignored
   * exceptions included), rejected (not permitted).
   */
  public static final String CIRCUIT_BREAKER_CALLS = "heal.resilience.circuitbreaker.calls";
  /** Circuit breaker state transitions, from resilience4j's transition events; tag name. */
  public static final String CIRCUIT_BREAKER_TRANSITIONS = "heal.resilience.circuitbreaker.transitions";
  private static final String CALLS_HELP = "Calls through the circuit breaker by outcome, cumulative";
  private static final String RETRIES_HELP = "Retries the retry budget granted or refused, cumulative";
  /** Retry budget: requests recorded; tag name. */
  public static final String BUDGET_REQUESTS = "heal.resilience.retry.budget.requests";
  /** Retry budget: retries granted/refused; tags name, outcome. */
  public static final String BUDGET_RETRIES = "heal.resilience.retry.budget.retries";
  /** Retry budget: retries available now; tag name. */
  public static final String BUDGET_AVAILABLE = "heal.resilience.retry.budget.available";
  /** Adaptive limit: current limit; tag name. */
  public static final String LIMIT = "heal.resilience.adaptive.limit";
  /** Adaptive limit: calls in flight; tag name. */
  public static final String LIMIT_IN_FLIGHT = "heal.resilience.adaptive.inflight";
  /** Adaptive limit: admitted calls; tag name. */
  public static final String LIMIT_ADMITTED = "heal.resilience.adaptive.admitted";
  /** Adaptive limit: shed calls; tags name, priority. */
  public static final String LIMIT_REJECTED = "heal.resilience.adaptive.rejected";
  /** Calls answered by a degradation substitute; tag feature. */
  public static final String DEGRADED_CALLS = "heal.resilience.degraded.calls";


  private final Resilience resilience;
  private volatile MeterRegistry registry;

  public ResilienceMeters(Resilience resilience) {
    this.resilience = resilience;
  }

  /**
   * Binds every meter; {@code observers} etc. come from the {@link Resilience} being built. With
   * {@code standardBreakerMeters}, resilience4j's {@code TaggedCircuitBreakerMetrics} is bound too,
   * after heal's meters (so heal's are the ones registered where both define the same gauge); the
   * not-permitted counter is then resilience4j's, an event-driven counter that is cumulative as
   * heal's is (Micrometer refuses two counter types under one name).
   */
  public void bindTo(MeterRegistry registry, Map<String, CircuitBreakerObserver> observers,
      Map<String, RetryBudget> budgets, Map<String, AdaptiveLimiter> limiters,
      Map<String, LongAdder> degraded, boolean standardBreakerMeters) {
    this.registry = registry;
    TaggedRetryMetrics.ofRetryRegistry(resilience.retryRegistry()).bindTo(registry);
    TaggedBulkheadMetrics.ofBulkheadRegistry(resilience.bulkheadRegistry()).bindTo(registry);
    TaggedRateLimiterMetrics.ofRateLimiterRegistry(resilience.rateLimiterRegistry()).bindTo(registry);
    TaggedTimeLimiterMetrics.ofTimeLimiterRegistry(resilience.timeLimiterRegistry()).bindTo(registry);
    CircuitBreakerMetricNames names = CircuitBreakerMetricNames.ofDefaults();
    for (CircuitBreakerObserver o : observers.values()) {
      CircuitBreaker cb = o.circuitBreaker();
      String n = cb.getName();
      for (CircuitBreaker.State s : CircuitBreaker.State.values()) {
        Gauge.builder(names.getStateMetricName(), cb, c -> c.getState() == s ? 1 : 0)
            .tag("name", n).tag("state", s.name().toLowerCase(Locale.ROOT))
            .description("The states of the circuit breaker").register(registry);
      }
      Gauge.builder(names.getFailureRateMetricName(), cb, c -> c.getMetrics().getFailureRate())
          .tag("name", n).description("The failure rate of the circuit breaker").register(registry);
      Gauge.builder(names.getSlowCallRateMetricName(), cb, c -> c.getMetrics().getSlowCallRate())
          .tag("name", n).description("The slow call rate of the circuit breaker")
          .register(registry);
      Gauge.builder(names.getBufferedCallsMetricName(), cb,
              c -> c.getMetrics().getNumberOfSuccessfulCalls())
          .tag("name", n).tag("kind", "successful")
          .description("The number of successful calls in the circuit breaker's window")
          .register(registry);
      Gauge.builder(names.getBufferedCallsMetricName(), cb,
              c -> c.getMetrics().getNumberOfFailedCalls())
          .tag("name", n).tag("kind", "failed")
          .description("The number of failed calls in the circuit breaker's window")
          .register(registry);
      if (!standardBreakerMeters) {
        // heal's cumulative count: resilience4j's metrics count restarts with every period, which
        // would make this counter go backwards
        FunctionCounter.builder(names.getNotPermittedCallsMetricName(), o,
                CircuitBreakerObserver::rejections)
            .tag("name", n).tag("kind", "not_permitted")
            .description("The number of calls the circuit breaker did not permit, cumulative")
            .register(registry);
      }
      FunctionCounter.builder(CIRCUIT_BREAKER_CALLS, o, CircuitBreakerObserver::successes)
          .tag("name", n).tag("outcome", "success").description(CALLS_HELP).register(registry);
      FunctionCounter.builder(CIRCUIT_BREAKER_CALLS, o, CircuitBreakerObserver::failures)
          .tag("name", n).tag("outcome", "failure").description(CALLS_HELP).register(registry);
      FunctionCounter.builder(CIRCUIT_BREAKER_CALLS, o, CircuitBreakerObserver::rejections)
          .tag("name", n).tag("outcome", "rejected").description(CALLS_HELP).register(registry);
      FunctionCounter.builder(CIRCUIT_BREAKER_TRANSITIONS, o, CircuitBreakerObserver::transitions)
          .tag("name", n).description("State transitions of the circuit breaker, cumulative")
          .register(registry);
    }
    budgets.forEach((n, b) -> {
      FunctionCounter.builder(BUDGET_REQUESTS, b, RetryBudget::requests).tag("name", n)
          .description("Requests the retry budget has seen, cumulative").register(registry);
      FunctionCounter.builder(BUDGET_RETRIES, b, RetryBudget::retriesGranted).tag("name", n)
          .tag("outcome", "granted").description(RETRIES_HELP).register(registry);
      FunctionCounter.builder(BUDGET_RETRIES, b, RetryBudget::retriesRefused).tag("name", n)
          .tag("outcome", "refused").description(RETRIES_HELP).register(registry);
      Gauge.builder(BUDGET_AVAILABLE, b, RetryBudget::available).tag("name", n)
          .description("Retries the budget would grant now").register(registry);
    });
    limiters.forEach((n, l) -> {
      Gauge.builder(LIMIT, l, AdaptiveLimiter::limit).tag("name", n)
          .description("The adaptive concurrency limit now, in calls").register(registry);
      Gauge.builder(LIMIT_IN_FLIGHT, l, AdaptiveLimiter::inFlight).tag("name", n)
          .description("Calls in flight under the adaptive limit").register(registry);
      FunctionCounter.builder(LIMIT_ADMITTED, l, AdaptiveLimiter::admitted).tag("name", n)
          .description("Calls the adaptive limit admitted, cumulative").register(registry);
      for (Priority p : Priority.values()) {
        FunctionCounter.builder(LIMIT_REJECTED, l, x -> x.rejected(p)).tag("name", n)
            .tag("priority", p.name().toLowerCase(Locale.ROOT))
            .description("Calls the adaptive limit shed, cumulative").register(registry);
      }
    });
    degraded.forEach(degradedCounter());
    if (standardBreakerMeters) {
      TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(resilience.circuitBreakerRegistry()).bindTo(registry);
    }
  }

  /** Registers the counter of a feature first seen after binding. */
  public void degradedFeatureAdded(String feature, LongAdder counter) {
    if (registry != null) {
      degradedCounter().accept(feature, counter);
    }
  }

  private BiConsumer<String, LongAdder> degradedCounter() {
    return (f, a) -> FunctionCounter.builder(DEGRADED_CALLS, a, LongAdder::sum).tag("feature", f)
        .description("Calls answered by a degradation substitute, cumulative").register(registry);
  }
}
