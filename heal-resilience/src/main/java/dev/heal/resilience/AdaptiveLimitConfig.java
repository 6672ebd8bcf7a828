package dev.heal.resilience;

/**
 * Parameters of an {@link AdaptiveLimiter}. Immutable and thread-safe; create with {@link
 * #builder()}.
 *
 * @param initialLimit starting concurrency limit (default 20)
 * @param minLimit the limit never goes below this (default 1)
 * @param maxLimit the limit never goes above this (default 200)
 * @param smoothing weight of a new estimate in the limit, 0 &lt; s ≤ 1 (default 0.2)
 * @param rttTolerance how much slower than the baseline a window may be before the limit shrinks,
 *     ≥ 1 (default 1.5)
 * @param windowSize completed calls per measurement window (default 50)
 * @param baselineWindows windows the no-load RTT baseline (a minimum) is taken over (default 20)
 * @param probeInterval every this many windows one window runs at half the limit so that queues
 *     drain and a true no-load RTT can be seen (default 10; must be below baselineWindows)
 * @param normalShare share of the limit {@link Priority#NORMAL} calls may use (default 0.9)
 * @param sheddableShare share of the limit {@link Priority#SHEDDABLE} calls may use (default 0.7)
 */
public record AdaptiveLimitConfig(
    int initialLimit,
    int minLimit,
    int maxLimit,
    double smoothing,
    double rttTolerance,
    int windowSize,
    int baselineWindows,
    int probeInterval,
    double normalShare,
    double sheddableShare) {

  public static AdaptiveLimitConfig ofDefaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The share of the limit calls of {@code p} may use. */
  public double share(Priority p) {
    return switch (p) {
      case CRITICAL -> 1.0;
      case NORMAL -> normalShare;
      case SHEDDABLE -> sheddableShare;
    };
  }

  /** Builds an {@link AdaptiveLimitConfig}. Not thread-safe. */
  public static final class Builder {
    private int initialLimit = 20;
    private int minLimit = 1;
    private int maxLimit = 200;
    private double smoothing = 0.2;
    private double rttTolerance = 1.5;
    private int windowSize = 50;
    private int baselineWindows = 20;
    private int probeInterval = 10;
    private double normalShare = 0.9;
    private double sheddableShare = 0.7;

    private Builder() {}

    public Builder initialLimit(int v) {
      initialLimit = v;
      return this;
    }

    public Builder minLimit(int v) {
      minLimit = v;
      return this;
    }

    public Builder maxLimit(int v) {
      maxLimit = v;
      return this;
    }

    public Builder smoothing(double v) {
      smoothing = v;
      return this;
    }

    public Builder rttTolerance(double v) {
      rttTolerance = v;
      return this;
    }

    public Builder windowSize(int v) {
      windowSize = v;
      return this;
    }

    public Builder baselineWindows(int v) {
      baselineWindows = v;
      return this;
    }

    public Builder probeInterval(int v) {
      probeInterval = v;
      return this;
    }

    public Builder normalShare(double v) {
      normalShare = v;
      return this;
    }

    public Builder sheddableShare(double v) {
      sheddableShare = v;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the first wrong parameter
     */
    public AdaptiveLimitConfig build() {
      if (minLimit < 1) {
        throw new IllegalArgumentException("minLimit must be at least 1: " + minLimit);
      }
      if (maxLimit < minLimit) {
        throw new IllegalArgumentException(
            "maxLimit must be at least minLimit (" + minLimit + "): " + maxLimit);
      }
      if (initialLimit < minLimit || initialLimit > maxLimit) {
        throw new IllegalArgumentException(
            "initialLimit must be between minLimit and maxLimit [" + minLimit + ", " + maxLimit
                + "]: " + initialLimit);
      }
      if (!(smoothing > 0.0 && smoothing <= 1.0)) {
        throw new IllegalArgumentException("smoothing must be in (0, 1]: " + smoothing);
      }
      if (!(rttTolerance >= 1.0 && rttTolerance <= 10.0)) {
        throw new IllegalArgumentException("rttTolerance must be in [1, 10]: " + rttTolerance);
      }
      if (windowSize < 1) {
        throw new IllegalArgumentException("windowSize must be at least 1: " + windowSize);
      }
      if (baselineWindows < 2) {
        throw new IllegalArgumentException("baselineWindows must be at least 2: " + baselineWindows);
      }
      if (probeInterval < 1 || probeInterval >= baselineWindows) {
        throw new IllegalArgumentException(
            "probeInterval must be between 1 and baselineWindows - 1 (" + (baselineWindows - 1)
                + "): " + probeInterval);
      }
      if (!(sheddableShare > 0.0 && sheddableShare <= normalShare && normalShare <= 1.0)) {
        throw new IllegalArgumentException(
            "shares must satisfy 0 < sheddableShare <= normalShare <= 1: sheddableShare="
                + sheddableShare + ", normalShare=" + normalShare);
      }
      return new AdaptiveLimitConfig(initialLimit, minLimit, maxLimit, smoothing, rttTolerance,
          windowSize, baselineWindows, probeInterval, normalShare, sheddableShare);
    }
  }
}
