package dev.heal.chaos;

import java.time.Duration;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * How long a latency fault delays a call: fixed, uniform, exponential or normal. Every draw comes
 * from the fault's own seeded random, so the same seed gives the same delays. Values are immutable
 * and thread-safe; all durations are non-negative and draws are clamped at zero.
 */
public sealed interface LatencyDistribution {

  /** Draws one delay. */
  Duration sample(SplittableRandom random);

  /** The mean delay, used by exports that only know a single latency (Chaos Mesh). */
  Duration mean();

  /** Always {@code delay}. */
  static LatencyDistribution fixed(Duration delay) {
    return new Fixed(delay);
  }

  /** Uniform in {@code [min, max]}. */
  static LatencyDistribution uniform(Duration min, Duration max) {
    return new Uniform(min, max);
  }

  /** Exponential with the given mean (a long tail), capped at {@code cap}. */
  static LatencyDistribution exponential(Duration mean, Duration cap) {
    return new Exponential(mean, cap);
  }

  /** Normal with the given mean and standard deviation, clamped at zero. */
  static LatencyDistribution normal(Duration mean, Duration stdDev) {
    return new Normal(mean, stdDev);
  }

  /** A fixed delay. */
  record Fixed(Duration delay) implements LatencyDistribution {
    public Fixed {
      requireNonNegative(delay, "delay");
    }

    @Override
    public Duration sample(SplittableRandom random) {
      return delay;
    }

    @Override
    public Duration mean() {
      return delay;
    }
  }

  /** A uniform delay in {@code [min, max]}. */
  record Uniform(Duration min, Duration max) implements LatencyDistribution {
    public Uniform {
      requireNonNegative(min, "min");
      requireNonNegative(max, "max");
      if (max.compareTo(min) < 0) {
        throw new IllegalArgumentException("max must be >= min: min=" + min + ", max=" + max);
      }
    }

    @Override
    public Duration sample(SplittableRandom random) {
      long span = max.toNanos() - min.toNanos();
      return span == 0 ? min : min.plusNanos(random.nextLong(span + 1));
    }

    @Override
    public Duration mean() {
      return min.plus(max).dividedBy(2);
    }
  }

  /** An exponential delay with mean {@code mean}, never above {@code cap}. */
  record Exponential(Duration mean, Duration cap) implements LatencyDistribution {
    public Exponential {
      requireNonNegative(mean, "mean");
      requireNonNegative(cap, "cap");
    }

    @Override
    public Duration sample(SplittableRandom random) {
      double u = random.nextDouble();
      long nanos = (long) (-Math.log(1 - u) * mean.toNanos());
      return Duration.ofNanos(Math.min(nanos, cap.toNanos()));
    }
  }

  /** A normal delay, clamped at zero. */
  record Normal(Duration mean, Duration stdDev) implements LatencyDistribution {
    public Normal {
      requireNonNegative(mean, "mean");
      requireNonNegative(stdDev, "stdDev");
    }

    @Override
    public Duration sample(SplittableRandom random) {
      // Box-Muller from two uniform draws: deterministic for a given random.
      double u1 = 1 - random.nextDouble();
      double u2 = random.nextDouble();
      double z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
      return Duration.ofNanos(Math.max(0, (long) (mean.toNanos() + z * stdDev.toNanos())));
    }
  }

  private static void requireNonNegative(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative: " + d);
    }
  }
}
