package dev.heal.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A list of faults, each with a start offset and a duration, sorted by start: the fault part of an
 * {@link Experiment}, and what {@link ScheduleGenerator} generates and {@link ScheduleShrinker}
 * shrinks. Fault names are unique within a schedule.
 *
 * <p>Immutable and thread-safe.
 */
public record FaultSchedule(List<Fault> faults) {

  private static final Comparator<Fault> ORDER =
      Comparator.comparing(Fault::start).thenComparing(Fault::name);

  public FaultSchedule {
    Objects.requireNonNull(faults, "faults");
    List<Fault> sorted = new ArrayList<>(faults);
    sorted.sort(ORDER);
    Set<String> names = new HashSet<>();
    for (Fault f : sorted) {
      if (!names.add(f.name())) {
        throw new IllegalArgumentException("fault names must be unique in a schedule: '" + f.name() + "' appears twice");
      }
    }
    faults = List.copyOf(sorted);
  }

  public static FaultSchedule of(Fault... faults) {
    return new FaultSchedule(List.of(faults));
  }

  public static FaultSchedule empty() {
    return new FaultSchedule(List.of());
  }

  public int size() {
    return faults.size();
  }

  public boolean isEmpty() {
    return faults.isEmpty();
  }

  /** When the last bounded fault ends (zero for an empty schedule). */
  public Duration end() {
    return faults.stream().map(f -> f.end().orElse(f.start())).max(Comparator.naturalOrder()).orElse(Duration.ZERO);
  }

  /** Sum of the durations of bounded faults. */
  public Duration totalFaultTime() {
    return faults.stream().map(f -> f.duration().orElse(Duration.ZERO)).reduce(Duration.ZERO, Duration::plus);
  }

  /** The fault named {@code name}. */
  public java.util.Optional<Fault> find(String name) {
    return faults.stream().filter(f -> f.name().equals(name)).findFirst();
  }

  /** One line per fault, e.g. for failure messages. */
  public String describe() {
    if (faults.isEmpty()) {
      return "(no faults)";
    }
    return faults.stream().map(Fault::describe).collect(Collectors.joining("; "));
  }

  @Override
  public String toString() {
    return "FaultSchedule[" + describe() + "]";
  }
}
