package dev.heal.core.healer.internal;

/**
 * A token bucket on monotonic nanoseconds: {@code capacity} tokens, refilled continuously at
 * {@code capacity} per {@code windowNanos}. Not thread-safe: the healer calls it under its lock.
 */
public final class TokenBucket {
  private final long capacity;
  private final long windowNanos;
  private double tokens;
  private long lastNanos;

  public TokenBucket(long capacity, long windowNanos, long nowNanos) {
    if (capacity < 1 || windowNanos < 1) {
      throw new IllegalArgumentException("capacity and window must be positive");
    }
    this.capacity = capacity;
    this.windowNanos = windowNanos;
    this.tokens = capacity;
    this.lastNanos = nowNanos;
  }

  /** Takes one token if there is one. */
  public boolean tryAcquire(long nowNanos) {
    refill(nowNanos);
    if (tokens >= 1.0) {
      tokens -= 1.0;
      return true;
    }
    return false;
  }

  /** Whole tokens available now. */
  public long available(long nowNanos) {
    refill(nowNanos);
    return (long) Math.floor(tokens);
  }

  public long capacity() {
    return capacity;
  }

  private void refill(long nowNanos) {
    long elapsed = nowNanos - lastNanos;
    if (elapsed > 0) {
      tokens = Math.min(capacity, tokens + (double) elapsed * capacity / windowNanos);
      lastNanos = nowNanos;
    }
  }
}
