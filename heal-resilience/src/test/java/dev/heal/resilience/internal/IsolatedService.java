package dev.heal.resilience.internal;

import io.github.resilience4j.circuitbreaker.annotation.CircuitBreaker;

/**
 * A top-level interface {@link DirectCallsTest} loads a second time in a child class loader, to
 * stand for a type heal's class loader cannot see.
 */
public interface IsolatedService {
  @CircuitBreaker(name = "isolated")
  String who();
}
