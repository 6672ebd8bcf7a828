package dev.heal.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Generates {@link FaultSchedule}s from constraints ("1 to 3 faults of 100 ms to 2 s each, on these
 * targets, with these effects, all within 10 s"). The same seed always gives the same schedule.
 * Starts and durations are multiples of {@code granularity}, so schedules read well and shrink in
 * clean steps.
 *
 * <p>A plain value: drive it from {@code @ChaosProperty}, from QuickTheories ({@code
 * longs().all().map(generator::generate)}) or from any other engine. Immutable and thread-safe.
 */
public final class ScheduleGenerator {
  private final int minFaults;
  private final int maxFaults;
  private final List<String> targets;
  private final List<Effect> effects;
  private final Duration minDuration;
  private final Duration maxDuration;
  private final Duration horizon;
  private final Duration granularity;

  private ScheduleGenerator(Builder b) {
    this.minFaults = b.minFaults;
    this.maxFaults = b.maxFaults;
    this.targets = List.copyOf(b.targets);
    this.effects = List.copyOf(b.effects);
    this.minDuration = b.minDuration;
    this.maxDuration = b.maxDuration;
    this.horizon = b.horizon;
    this.granularity = b.granularity;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The schedule for {@code seed}. */
  public FaultSchedule generate(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int n = minFaults + r.nextInt(maxFaults - minFaults + 1);
    long g = granularity.toNanos();
    long minTicks = Math.max(1, ceilDiv(minDuration.toNanos(), g));
    long maxTicks = Math.max(minTicks, maxDuration.toNanos() / g);
    long horizonTicks = horizon.toNanos() / g;
    List<Fault> faults = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String target = targets.get(r.nextInt(targets.size()));
      Effect effect = effects.get(r.nextInt(effects.size()));
      long dur = minTicks + r.nextLong(maxTicks - minTicks + 1);
      long start = r.nextLong(horizonTicks - dur + 1);
      faults.add(new Fault("f" + (i + 1) + "-" + target + "-" + effect.kind(), target, effect, 1.0,
          Duration.ofNanos(start * g), java.util.Optional.of(Duration.ofNanos(dur * g))));
    }
    return new FaultSchedule(faults);
  }

  /** A shrinker that respects this generator's granularity and minimum duration. */
  public ScheduleShrinker shrinker() {
    return new ScheduleShrinker(granularity, minDuration);
  }

  public Duration horizon() {
    return horizon;
  }

  @Override
  public String toString() {
    return "ScheduleGenerator[" + minFaults + ".." + maxFaults + " faults of " + minDuration + ".." + maxDuration
        + " on " + targets + " with " + effects.stream().map(Effect::kind).toList() + " within " + horizon + "]";
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }

  /**
   * Builds a {@link ScheduleGenerator}. Defaults: 1 to 3 faults, 100 ms to 2 s each, within 10 s,
   * granularity 100 ms. Targets and effects are required. Not thread-safe.
   */
  public static final class Builder {
    private int minFaults = 1;
    private int maxFaults = 3;
    private final List<String> targets = new ArrayList<>();
    private final List<Effect> effects = new ArrayList<>();
    private Duration minDuration = Duration.ofMillis(100);
    private Duration maxDuration = Duration.ofSeconds(2);
    private Duration horizon = Duration.ofSeconds(10);
    private Duration granularity = Duration.ofMillis(100);

    private Builder() {}

    public Builder faults(int min, int max) {
      this.minFaults = min;
      this.maxFaults = max;
      return this;
    }

    public Builder targets(String... targets) {
      this.targets.addAll(List.of(targets));
      return this;
    }

    public Builder effects(Effect... effects) {
      this.effects.addAll(List.of(effects));
      return this;
    }

    public Builder effects(List<Effect> effects) {
      this.effects.addAll(effects);
      return this;
    }

    public Builder faultDuration(Duration min, Duration max) {
      this.minDuration = Objects.requireNonNull(min, "min");
      this.maxDuration = Objects.requireNonNull(max, "max");
      return this;
    }

    /** Every fault starts and ends within {@code [0, horizon]}. */
    public Builder horizon(Duration horizon) {
      this.horizon = Objects.requireNonNull(horizon, "horizon");
      return this;
    }

    public Builder granularity(Duration granularity) {
      this.granularity = Objects.requireNonNull(granularity, "granularity");
      return this;
    }

    /** @throws IllegalArgumentException naming the invalid parameter */
    public ScheduleGenerator build() {
      if (minFaults < 0 || maxFaults < minFaults) {
        throw new IllegalArgumentException("faults must satisfy 0 <= min <= max: min=" + minFaults + ", max=" + maxFaults);
      }
      if (targets.isEmpty()) {
        throw new IllegalArgumentException("targets must not be empty");
      }
      if (effects.isEmpty()) {
        throw new IllegalArgumentException("effects must not be empty");
      }
      for (Effect e : effects) {
        Objects.requireNonNull(e, "effects must not contain null");
      }
      if (granularity.isNegative() || granularity.isZero()) {
        throw new IllegalArgumentException("granularity must be positive: " + granularity);
      }
      if (minDuration.isNegative() || minDuration.isZero() || maxDuration.compareTo(minDuration) < 0) {
        throw new IllegalArgumentException("faultDuration must satisfy 0 < min <= max: min=" + minDuration + ", max=" + maxDuration);
      }
      if (horizon.compareTo(maxDuration) < 0) {
        throw new IllegalArgumentException("horizon (" + horizon + ") must be at least the maximum fault duration (" + maxDuration + ")");
      }
      return new ScheduleGenerator(this);
    }
  }
}
