package dev.heal.resilience;

/**
 * Priority class of a call under an {@link AdaptiveLimiter}: when the limiter is full, lower
 * classes are shed first. Each class may use a share of the current limit: {@link #CRITICAL} all of
 * it, {@link #NORMAL} 90 %, {@link #SHEDDABLE} 70 % (configurable in {@link AdaptiveLimitConfig}).
 */
public enum Priority {
  /** Shed last: health checks of the caller, payments in flight, admin calls. */
  CRITICAL,
  /** The default. */
  NORMAL,
  /** Shed first: prefetching, recommendations, analytics. */
  SHEDDABLE
}
