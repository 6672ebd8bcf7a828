package dev.heal.resilience.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;

/**
 * Every test of {@link HealCircuitBreakerTest} (the differential property in sequential schedules,
 * issue 13's reproductions, resilience4j's scenarios, the transition tests) run against the opt-in
 * batching front.
 */
class BatchingCircuitBreakerTest extends HealCircuitBreakerTest {
  @Override
  HealCircuitBreaker front(CircuitBreakerConfig cfg) {
    return HealCircuitBreaker.wrapBatching(CircuitBreaker.of("fronted", cfg));
  }
}
