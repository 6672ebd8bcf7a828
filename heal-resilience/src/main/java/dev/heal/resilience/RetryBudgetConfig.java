package dev.heal.resilience;

import java.time.Duration;
import java.util.Objects;

/**
 * Parameters of a {@link RetryBudget} (Finagle-style). Within any window of {@link #ttl()}, the
 * budget grants at most {@code ratio × requests + minRetriesPerSecond × ttlSeconds} retries, where
 * {@code requests} counts first attempts recorded in that window.
 *
 * <p>Immutable and thread-safe; create with {@link #builder()}.
 *
 * @param ratio retries allowed per request, 0 to 1 (default 0.2: at most 20 % extra load)
 * @param minRetriesPerSecond floor that lets a low-traffic dependency still retry (default 10)
 * @param ttl how long a deposit counts (default 10 s), split into {@link #buckets()} slots
 * @param buckets granularity of the window (default 10)
 */
public record RetryBudgetConfig(double ratio, int minRetriesPerSecond, Duration ttl, int buckets) {

  public RetryBudgetConfig {
    Objects.requireNonNull(ttl, "ttl");
  }

  /** Defaults: ratio 0.2, floor 10 per second, ttl 10 s, 10 buckets. */
  public static RetryBudgetConfig ofDefaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The most retries the budget can grant within one ttl window on top of the ratio. */
  public long floorPerWindow() {
    return (long) minRetriesPerSecond * Math.max(1, ttl.toSeconds());
  }

  /** Builds a {@link RetryBudgetConfig}. Not thread-safe. */
  public static final class Builder {
    private double ratio = 0.2;
    private int minRetriesPerSecond = 10;
    private Duration ttl = Duration.ofSeconds(10);
    private int buckets = 10;

    private Builder() {}

    /** Retries allowed per request (0..1). */
    public Builder ratio(double ratio) {
      this.ratio = ratio;
      return this;
    }

    /** Retries always allowed per second, whatever the traffic (0 or more). */
    public Builder minRetriesPerSecond(int minRetriesPerSecond) {
      this.minRetriesPerSecond = minRetriesPerSecond;
      return this;
    }

    /** How long a request's deposit counts (1 s to 1 h). */
    public Builder ttl(Duration ttl) {
      this.ttl = Objects.requireNonNull(ttl, "ttl");
      return this;
    }

    /** Slots the ttl window is divided into (1..600). */
    public Builder buckets(int buckets) {
      this.buckets = buckets;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the first wrong parameter
     */
    public RetryBudgetConfig build() {
      if (!(ratio >= 0.0 && ratio <= 1.0)) {
        throw new IllegalArgumentException("ratio must be between 0 and 1: " + ratio);
      }
      if (minRetriesPerSecond < 0) {
        throw new IllegalArgumentException(
            "minRetriesPerSecond must not be negative: " + minRetriesPerSecond);
      }
      if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("ttl must be between 1 s and 1 h: " + ttl);
      }
      if (buckets < 1 || buckets > 600) {
        throw new IllegalArgumentException("buckets must be between 1 and 600: " + buckets);
      }
      return new RetryBudgetConfig(ratio, minRetriesPerSecond, ttl, buckets);
    }
  }
}
