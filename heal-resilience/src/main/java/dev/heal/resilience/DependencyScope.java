package dev.heal.resilience;

/**
 * Who else is affected when a circuit breaker's dependency fails; decides what an OPEN circuit
 * does to readiness. See {@link CircuitBreakerHealth} for the rule.
 */
public enum DependencyScope {
  /**
   * The dependency is shared by every replica (a database, a payment provider, another service).
   * When it fails, all replicas fail alike: taking this one out of rotation cannot help and taking
   * all of them out turns a partial outage into a total one. OPEN ⇒ DEGRADED, never DOWN. The
   * default.
   */
  SHARED,
  /**
   * The dependency belongs to this instance alone (a sidecar, a local cache daemon, this pod's own
   * connection pool or disk). When it fails, this instance is broken and other replicas are not:
   * OPEN ⇒ readiness DOWN, so traffic moves to healthy replicas. Never liveness.
   */
  INSTANCE
}
