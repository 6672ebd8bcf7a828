package dev.heal.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Shrinks a failing {@link FaultSchedule} towards a minimal one that still fails: fewer faults,
 * then shorter faults (halved, then one {@code granularity} less, never below {@code
 * minDuration}), then later faults (half the slack to {@code horizon}). Every candidate is strictly
 * smaller than its parent in that order, so shrinking always terminates.
 *
 * <p>A plain value: {@link #candidates} plugs into any property-testing engine's shrinking, {@link
 * #minimize} is a greedy shrink loop of its own. Immutable and thread-safe.
 *
 * @param granularity durations and starts move in multiples of this
 * @param minDuration a fault is never shortened below this
 * @param horizon a fault is never moved to end after this
 */
public record ScheduleShrinker(Duration granularity, Duration minDuration, Duration horizon) {

  public ScheduleShrinker {
    Objects.requireNonNull(granularity, "granularity");
    Objects.requireNonNull(minDuration, "minDuration");
    Objects.requireNonNull(horizon, "horizon");
    if (granularity.isNegative() || granularity.isZero()) {
      throw new IllegalArgumentException("granularity must be positive: " + granularity);
    }
  }

  /** Smaller schedules to try, most aggressive first. Empty when {@code s} cannot shrink. */
  public List<FaultSchedule> candidates(FaultSchedule s) {
    List<FaultSchedule> out = new ArrayList<>();
    List<Fault> faults = s.faults();
    for (int i = 0; i < faults.size(); i++) {
      List<Fault> fewer = new ArrayList<>(faults);
      fewer.remove(i);
      out.add(new FaultSchedule(fewer));
    }
    long g = granularity.toNanos();
    for (int i = 0; i < faults.size(); i++) {
      Fault f = faults.get(i);
      if (f.duration().isEmpty()) {
        continue;
      }
      long d = f.duration().get().toNanos();
      long half = Math.max(minDuration.toNanos(), (d / 2) / g * g);
      long less = Math.max(minDuration.toNanos(), d - g);
      if (half > 0 && half < d) {
        out.add(replace(faults, i, f.lasting(Duration.ofNanos(half))));
      }
      if (less > 0 && less < d && less != half) {
        out.add(replace(faults, i, f.lasting(Duration.ofNanos(less))));
      }
    }
    for (int i = 0; i < faults.size(); i++) {
      Fault f = faults.get(i);
      Optional<Duration> end = f.end();
      if (end.isEmpty()) {
        continue;
      }
      long slack = horizon.toNanos() - end.get().toNanos();
      if (slack >= g) {
        long move = Math.max(g, (slack / 2) / g * g);
        out.add(replace(faults, i, f.startingAt(f.start().plusNanos(move))));
      }
    }
    return out;
  }

  /**
   * Greedy shrinking: repeatedly takes the first candidate for which {@code fails} is true, until
   * no candidate fails or {@code maxSteps} candidates were tried.
   *
   * @param failing a schedule for which {@code fails} is true
   * @return the smallest failing schedule found, and how it was found
   */
  public Shrunk minimize(FaultSchedule failing, Predicate<FaultSchedule> fails, int maxSteps) {
    Objects.requireNonNull(failing, "failing");
    Objects.requireNonNull(fails, "fails");
    FaultSchedule current = failing;
    int tried = 0;
    int accepted = 0;
    boolean progress = true;
    while (progress && tried < maxSteps) {
      progress = false;
      for (FaultSchedule c : candidates(current)) {
        if (tried >= maxSteps) {
          break;
        }
        tried++;
        if (fails.test(c)) {
          current = c;
          accepted++;
          progress = true;
          break;
        }
      }
    }
    return new Shrunk(failing, current, tried, accepted);
  }

  /**
   * The result of {@link #minimize}. Immutable.
   *
   * @param original the schedule shrinking started from
   * @param minimal the smallest failing schedule found
   * @param tried candidates evaluated
   * @param accepted shrink steps taken
   */
  public record Shrunk(FaultSchedule original, FaultSchedule minimal, int tried, int accepted) {}

  private static FaultSchedule replace(List<Fault> faults, int i, Fault f) {
    List<Fault> copy = new ArrayList<>(faults);
    copy.set(i, f);
    return new FaultSchedule(copy);
  }
}
