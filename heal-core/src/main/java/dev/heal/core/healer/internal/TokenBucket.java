package dev.heal.core.healer.internal;

/**
 * A token bucket on monotonic nanoseconds, in exact integer arithmetic: {@code capacity} tokens,
 * refilled continuously at {@code capacity} per {@code windowNanos}. One token is
 * {@code windowNanos} units of credit and every elapsed nanosecond adds {@code capacity} units, so
 * no rounding ever grants or withholds a token. Not thread-safe: the episode machine owns it.
 */
public final class TokenBucket {
  private long capacity;
  private long windowNanos;
  private long full;
  private long credit;
  private long lastNanos;

  /**
   * @throws IllegalArgumentException if capacity or window is not positive, or if
   *     {@code capacity × windowNanos} does not fit in a long (more than ~9.2e18)
   */
  public TokenBucket(long capacity, long windowNanos, long nowNanos) {
    if (capacity < 1 || windowNanos < 1) {
      throw new IllegalArgumentException("budget capacity and window must be positive: " + capacity + " per "
          + windowNanos + " ns");
    }
    try {
      this.full = Math.multiplyExact(capacity, windowNanos);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("budget of " + capacity + " actions per " + windowNanos
          + " ns is too large to count exactly; use fewer actions or a shorter window");
    }
    this.capacity = capacity;
    this.windowNanos = windowNanos;
    this.credit = full;
    this.lastNanos = nowNanos;
  }

  /** Takes one token if there is one. */
  public boolean tryAcquire(long nowNanos) {
    refill(nowNanos);
    if (credit >= windowNanos) {
      credit -= windowNanos;
      return true;
    }
    return false;
  }

  /** Whole tokens available now. */
  public long available(long nowNanos) {
    refill(nowNanos);
    return credit / windowNanos;
  }

  public long capacity() {
    return capacity;
  }

  public long windowNanos() {
    return windowNanos;
  }

  /** Fills the bucket to its capacity (an operator's refill). */
  public void fill(long nowNanos) {
    refill(nowNanos);
    credit = full;
  }

  /**
   * Changes capacity and window; the whole tokens available now are kept, up to the new capacity
   * (a partly refilled token is dropped).
   *
   * @throws IllegalArgumentException as the constructor does; nothing changes then
   */
  public void resize(long newCapacity, long newWindowNanos, long nowNanos) {
    TokenBucket check = new TokenBucket(newCapacity, newWindowNanos, nowNanos);
    long tokens = available(nowNanos);
    this.capacity = check.capacity;
    this.windowNanos = check.windowNanos;
    this.full = check.full;
    this.credit = Math.min(tokens, newCapacity) * newWindowNanos;
    this.lastNanos = nowNanos;
  }

  private void refill(long nowNanos) {
    long elapsed = nowNanos - lastNanos;
    if (elapsed > 0) {
      // After a whole window the bucket is full whatever it held, so clamping keeps the product in range.
      long add = Math.min(elapsed, windowNanos) * capacity;
      credit = Math.min(full, credit + add);
      lastNanos = nowNanos;
    }
  }
}
