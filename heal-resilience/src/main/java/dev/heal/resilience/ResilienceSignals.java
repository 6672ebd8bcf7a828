package dev.heal.resilience;

/**
 * The {@link dev.heal.core.healer.Signal} vocabulary of heal-resilience: sources, label keys and
 * label values that recovery plans match on.
 *
 * <ul>
 *   <li>{@link #CIRCUIT_BREAKER}: one signal per state transition, named after the breaker.
 *       {@code firing=true} when it enters OPEN, FORCED_OPEN or HALF_OPEN, {@code firing=false}
 *       when it is CLOSED (or DISABLED/METRICS_ONLY) again. Labels {@link #STATE} (the new state)
 *       and {@link #FROM} (the previous one). A plan such as "circuit {@code payments} OPEN for 30 s"
 *       matches source {@code circuitbreaker}, name {@code payments}, label {@code state=OPEN}.
 *   <li>{@link #RETRY}: {@code firing=true} on the first retry exhaustion (label
 *       {@code reason=exhausted}) or the first refusal by a retry budget ({@code
 *       reason=budget_exhausted}); {@code firing=false} once no such event happened for a quiet
 *       period (default 5 s).
 *   <li>{@link #BULKHEAD}, {@link #RATE_LIMITER}, {@link #ADAPTIVE_LIMIT}: the same episode shape
 *       for rejected calls ({@code reason=rejected}).
 * </ul>
 *
 * <p>Episode signals are throttled on purpose: a rejection storm yields two signals (start, end),
 * never one per call.
 */
public final class ResilienceSignals {
  /** Source of circuit breaker transitions. */
  public static final String CIRCUIT_BREAKER = "circuitbreaker";
  /** Source of retry exhaustion and retry budget refusals. */
  public static final String RETRY = "retry";
  /** Source of bulkhead rejections. */
  public static final String BULKHEAD = "bulkhead";
  /** Source of rate limiter rejections. */
  public static final String RATE_LIMITER = "ratelimiter";
  /** Source of adaptive concurrency limit rejections (load shedding). */
  public static final String ADAPTIVE_LIMIT = "adaptivelimit";

  /** Label: the circuit breaker state after the transition ({@code OPEN}, {@code CLOSED}, ...). */
  public static final String STATE = "state";
  /** Label: the circuit breaker state before the transition. */
  public static final String FROM = "from";
  /** Label: why an episode signal fired. */
  public static final String REASON = "reason";

  /** {@link #REASON} value: a retry ran out of attempts. */
  public static final String EXHAUSTED = "exhausted";
  /** {@link #REASON} value: a retry budget refused a retry. */
  public static final String BUDGET_EXHAUSTED = "budget_exhausted";
  /** {@link #REASON} value: a call was rejected (bulkhead full, rate exceeded, load shed). */
  public static final String REJECTED = "rejected";

  private ResilienceSignals() {}
}
