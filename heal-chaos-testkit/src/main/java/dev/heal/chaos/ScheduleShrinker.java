package dev.heal.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Shrinks a failing {@link FaultSchedule} to a <b>1-minimal</b> one: a schedule that still fails
 * while none of its neighbours does. The neighbours of a schedule are the schedules one step
 * smaller:
 *
 * <ul>
 *   <li><b>remove</b> one fault (tried first as chunks, halving, as in delta debugging);
 *   <li><b>merge</b> two faults with the same target, effect and rate whose windows overlap or touch
 *       into one covering both;
 *   <li><b>trim</b> a bounded fault's start or end by one {@code granularity} (tried first with
 *       halving amounts, bisecting the window), never below {@code minDuration};
 *   <li><b>split</b> a bounded fault in two by cutting one {@code granularity} out of its middle.
 * </ul>
 *
 * <p>Every step makes the schedule strictly smaller by (total fault time, number of faults),
 * lexicographically, so shrinking always terminates. {@link #minimize} takes the first failing
 * neighbour and starts again from it; when a full pass over the neighbours finds none that fails,
 * the result is 1-minimal ({@link Shrunk#oneMinimal()}). Faults never move or grow.
 *
 * <p>A plain value: {@link #candidates} plugs into any property-testing engine's shrinking, {@link
 * #minimize} is a shrink loop of its own. Immutable and thread-safe.
 *
 * @param granularity starts, ends and trims move in multiples of this
 * @param minDuration a fault is never shortened below this
 */
public record ScheduleShrinker(Duration granularity, Duration minDuration) {

  public ScheduleShrinker {
    Objects.requireNonNull(granularity, "granularity");
    Objects.requireNonNull(minDuration, "minDuration");
    if (granularity.isNegative() || granularity.isZero()) {
      throw new IllegalArgumentException("granularity must be positive: " + granularity);
    }
    if (minDuration.isNegative()) {
      throw new IllegalArgumentException("minDuration must not be negative: " + minDuration);
    }
  }

  /** The neighbours of {@code s}, most aggressive first. Empty when {@code s} cannot shrink. */
  public List<FaultSchedule> candidates(FaultSchedule s) {
    Set<FaultSchedule> out = new LinkedHashSet<>();
    List<Fault> faults = s.faults();
    int n = faults.size();
    for (int chunk = Math.max(1, n / 2); chunk >= 1; chunk = chunk == 1 ? 0 : Math.max(1, chunk / 2)) {
      for (int from = 0; from + chunk <= n; from += chunk) {
        List<Fault> fewer = new ArrayList<>(faults.subList(0, from));
        fewer.addAll(faults.subList(from + chunk, n));
        out.add(new FaultSchedule(fewer));
      }
    }
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        merge(faults, i, j).ifPresent(out::add);
      }
    }
    long g = granularity.toNanos();
    long min = Math.max(g, ceilTo(minDuration.toNanos(), g));
    for (int i = 0; i < n; i++) {
      Fault f = faults.get(i);
      if (f.duration().isEmpty()) {
        continue;
      }
      long d = f.duration().get().toNanos();
      for (long cut = (d / 2) / g * g; cut >= g; cut = cut == g ? 0 : Math.max(g, (cut / 2) / g * g)) {
        if (d - cut < min) {
          continue;
        }
        out.add(replace(faults, i, f.lasting(Duration.ofNanos(d - cut))));
        out.add(replace(faults, i, f.startingAt(f.start().plusNanos(cut)).lasting(Duration.ofNanos(d - cut))));
      }
    }
    for (int i = 0; i < n; i++) {
      Fault f = faults.get(i);
      if (f.duration().isEmpty()) {
        continue;
      }
      long d = f.duration().get().toNanos();
      for (long left = min; d - left - g >= min; left += g) {
        List<Fault> copy = new ArrayList<>(faults);
        copy.set(i, f.lasting(Duration.ofNanos(left)));
        copy.add(f.named(freshName(faults, f.name())).startingAt(f.start().plusNanos(left + g))
            .lasting(Duration.ofNanos(d - left - g)));
        out.add(new FaultSchedule(copy));
      }
    }
    out.remove(s);
    return List.copyOf(out);
  }

  /**
   * Shrinks {@code failing}: repeatedly takes the first neighbour for which {@code fails} is true,
   * until a full pass finds none (the result is then 1-minimal) or {@code maxSteps} neighbours were
   * tried.
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
    while (true) {
      boolean progress = false;
      for (FaultSchedule c : candidates(current)) {
        if (tried >= maxSteps) {
          return new Shrunk(failing, current, tried, accepted, false);
        }
        tried++;
        if (fails.test(c)) {
          current = c;
          accepted++;
          progress = true;
          break;
        }
      }
      if (!progress) {
        return new Shrunk(failing, current, tried, accepted, true);
      }
    }
  }

  /**
   * The result of {@link #minimize}. Immutable.
   *
   * @param original the schedule shrinking started from
   * @param minimal the smallest failing schedule found
   * @param tried neighbours evaluated
   * @param accepted shrink steps taken
   * @param oneMinimal whether no neighbour of {@code minimal} fails (false when the step budget ran
   *     out first)
   */
  public record Shrunk(FaultSchedule original, FaultSchedule minimal, int tried, int accepted, boolean oneMinimal) {}

  private static Optional<FaultSchedule> merge(List<Fault> faults, int i, int j) {
    Fault a = faults.get(i);
    Fault b = faults.get(j);
    if (!a.target().equals(b.target()) || !a.effect().equals(b.effect()) || a.rate() != b.rate()
        || a.end().isEmpty() || b.end().isEmpty()) {
      return Optional.empty();
    }
    Duration start = min(a.start(), b.start());
    Duration end = max(a.end().get(), b.end().get());
    if (b.start().compareTo(a.end().get()) > 0 || a.start().compareTo(b.end().get()) > 0) {
      return Optional.empty(); // a gap: merging would add fault time
    }
    List<Fault> copy = new ArrayList<>(faults);
    copy.remove(j);
    copy.set(i, a.startingAt(start).lasting(end.minus(start)));
    return Optional.of(new FaultSchedule(copy));
  }

  private static String freshName(List<Fault> faults, String base) {
    for (int k = 2; ; k++) {
      String candidate = base + "." + k;
      if (faults.stream().noneMatch(f -> f.name().equals(candidate))) {
        return candidate;
      }
    }
  }

  private static long ceilTo(long v, long g) {
    return -Math.floorDiv(-v, g) * g;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static FaultSchedule replace(List<Fault> faults, int i, Fault f) {
    List<Fault> copy = new ArrayList<>(faults);
    copy.set(i, f);
    return new FaultSchedule(copy);
  }
}
