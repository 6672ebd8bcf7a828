package dev.heal.chaos;

import dev.heal.core.healer.Episode;
import dev.heal.core.healer.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What an {@link Experiment} measured. Offsets are from the experiment's start on the experiment's
 * clock (virtual or real). Immutable and thread-safe.
 *
 * <ul>
 *   <li><b>availability</b>: share of successful requests, overall or among requests that started
 *       inside a fault's window; {@code NaN} when there were no such requests.
 *   <li><b>disturbance</b>: faults whose windows overlap or touch, or between which no steady-state
 *       evaluation ran, form one disturbance, from the first start to the last end. Separate,
 *       back-to-back, overlapping and nested faults are all covered by this one rule.
 *   <li><b>time-to-detect</b> of a fault: from its start to heal's first signal (a health check
 *       turning DEGRADED/DOWN, or an episode opening) at or after the start of its disturbance and
 *       before the next disturbance starts; zero when that signal came before the fault started
 *       (heal was already alarmed), empty if heal never signalled.
 *   <li><b>time-to-recover</b> of a bounded fault: from the end of its disturbance to the first
 *       steady-state evaluation from which the hypothesis holds at every evaluation until the next
 *       disturbance starts (or the experiment ends); zero if it held at the first evaluation, empty
 *       if it never held again, or the disturbance has no end (a fault that is never disarmed).
 * </ul>
 *
 * <pre>
 *   faults        a [=====)                 c [===)
 *                 b      [=====)     (back-to-back, overlapping or nested: one disturbance)
 *   disturbance   [===========)             [===)
 *   steady state  ++++----+-+--+--+++++++++++----+++++++
 *                             |&lt;-&gt;| time-to-recover of a and b: from the end of the disturbance
 *                                   to the first evaluation that holds until c starts
 * </pre>
 */
public record ExperimentResult(
    String name,
    long seed,
    Instant startedAt,
    Duration duration,
    FaultSchedule schedule,
    List<RequestSample> requests,
    List<ProbeSample> probes,
    List<Marker> markers,
    List<Episode> episodes,
    List<FaultReport> faultReports) {

  public ExperimentResult {
    requests = List.copyOf(requests);
    probes = List.copyOf(probes);
    markers = List.copyOf(markers);
    episodes = List.copyOf(episodes);
    faultReports = List.copyOf(faultReports);
  }

  /** Share of successful requests overall; NaN without load. */
  public double availability() {
    return availability(0, Long.MAX_VALUE);
  }

  /** Share of successful requests that started during {@code faultName}'s window. */
  public double availabilityDuring(String faultName) {
    Window w = window(faultName);
    return availability(w.start, w.end);
  }

  /** Number of requests that started during {@code faultName}'s window. */
  public long requestsDuring(String faultName) {
    Window w = window(faultName);
    return requests.stream().filter(r -> r.offsetNanos() >= w.start && r.offsetNanos() < w.end).count();
  }

  /** The {@code q}-quantile (0..1, nearest rank) of all request latencies; zero without load. */
  public Duration latencyPercentile(double q) {
    return percentile(0, Long.MAX_VALUE, q);
  }

  /** The {@code q}-quantile of latencies of requests started during {@code faultName}. */
  public Duration latencyPercentileDuring(String faultName, double q) {
    Window w = window(faultName);
    return percentile(w.start, w.end, q);
  }

  /** From {@code faultName}'s start to heal's first signal in its disturbance (see the class comment). */
  public Optional<Duration> timeToDetect(String faultName) {
    Window w = window(faultName);
    Disturbance d = disturbance(faultName);
    return markers.stream().filter(m -> m.signal() && m.offsetNanos() >= d.start && m.offsetNanos() < d.next)
        .map(m -> Duration.ofNanos(Math.max(0, m.offsetNanos() - w.start))).findFirst();
  }

  /** From the end of {@code faultName}'s disturbance to the steady state holding again for good. */
  public Optional<Duration> timeToRecover(String faultName) {
    Disturbance d = disturbance(faultName);
    if (d.end == Long.MAX_VALUE) {
      return Optional.empty();
    }
    List<ProbeSample> after = probes.stream()
        .filter(p -> p.offsetNanos() >= d.end && p.offsetNanos() < d.next).toList();
    int firstGood = -1;
    for (int i = after.size() - 1; i >= 0 && after.get(i).holds(); i--) {
      firstGood = i;
    }
    if (firstGood < 0) {
      return Optional.empty();
    }
    return Optional.of(firstGood == 0 ? Duration.ZERO : Duration.ofNanos(after.get(firstGood).offsetNanos() - d.end));
  }

  /**
   * The disturbance {@code faultName} belongs to: its start and end offsets (nanoseconds from the
   * experiment's start; the end is {@link Long#MAX_VALUE} when a fault in it is never disarmed) and
   * the names of its faults.
   */
  public Disturbance disturbance(String faultName) {
    window(faultName);
    return disturbances().stream().filter(d -> d.faults().contains(faultName)).findFirst().orElseThrow();
  }

  /** Every disturbance of the experiment, in order of start. */
  public List<Disturbance> disturbances() {
    List<Fault> faults = schedule.faults();
    List<Disturbance> out = new ArrayList<>();
    int i = 0;
    while (i < faults.size()) {
      long start = faults.get(i).start().toNanos();
      long end = endNanos(faults.get(i));
      List<String> names = new ArrayList<>(List.of(faults.get(i).name()));
      int j = i + 1;
      while (j < faults.size() && joins(end, faults.get(j).start().toNanos())) {
        end = Math.max(end, endNanos(faults.get(j)));
        names.add(faults.get(j).name());
        j++;
      }
      long next = j < faults.size() ? faults.get(j).start().toNanos() : Long.MAX_VALUE;
      out.add(new Disturbance(start, end, next, names));
      i = j;
    }
    return out;
  }

  /**
   * Faults that disturb the system together, see the class comment. Immutable.
   *
   * @param start offset of the first fault's start, nanoseconds
   * @param end offset of the last fault's end, nanoseconds; {@link Long#MAX_VALUE} if unbounded
   * @param next offset at which the next disturbance starts; {@link Long#MAX_VALUE} if none
   * @param faults names of its faults, in order of start
   */
  public record Disturbance(long start, long end, long next, List<String> faults) {
    public Disturbance {
      faults = List.copyOf(faults);
    }
  }

  private boolean joins(long end, long nextStart) {
    if (nextStart <= end) {
      return true;
    }
    // No evaluation between the two: the system could not be seen to hold in between.
    return probes.stream().noneMatch(p -> p.offsetNanos() >= end && p.offsetNanos() < nextStart);
  }

  private static long endNanos(Fault f) {
    return f.end().map(Duration::toNanos).orElse(Long.MAX_VALUE);
  }

  /** Whether some episode ran {@code action} and ended RECOVERED. */
  public boolean healedBy(String action) {
    return episodes.stream().anyMatch(e -> e.actions().contains(action) && e.outcome().filter(Outcome::isSuccess).isPresent());
  }

  /** Episodes that ended in anything but RECOVERED, or are still open. */
  public List<Episode> failedEpisodes() {
    return episodes.stream().filter(e -> e.outcome().map(o -> !o.isSuccess()).orElse(true)).toList();
  }

  /** The hit report of the fault named {@code faultName}. */
  public Optional<FaultReport> faultReport(String faultName) {
    return faultReports.stream().filter(r -> r.fault().name().equals(faultName)).findFirst();
  }

  /** One measurement per scheduled fault. */
  public List<FaultMeasurement> measurements() {
    return schedule.faults().stream().map(f -> new FaultMeasurement(f, availabilityDuring(f.name()),
        requestsDuring(f.name()), timeToDetect(f.name()), timeToRecover(f.name()),
        faultReport(f.name()).map(FaultReport::hits).orElse(0L))).toList();
  }

  /**
   * Per-fault measurements. Immutable.
   *
   * @param availability share of successful requests during the fault (NaN without requests)
   */
  public record FaultMeasurement(Fault fault, double availability, long requests, Optional<Duration> timeToDetect,
      Optional<Duration> timeToRecover, long hits) {}

  private record Window(long start, long end) {}

  private Window window(String faultName) {
    Fault f = schedule.find(faultName).orElseThrow(() -> new IllegalArgumentException(
        "no fault named '" + faultName + "' in experiment '" + name + "'; faults: " + schedule.describe()));
    long s = f.start().toNanos();
    return new Window(s, f.end().map(Duration::toNanos).orElse(Long.MAX_VALUE));
  }

  private double availability(long from, long to) {
    long total = 0;
    long ok = 0;
    for (RequestSample r : requests) {
      if (r.offsetNanos() >= from && r.offsetNanos() < to) {
        total++;
        if (r.ok()) {
          ok++;
        }
      }
    }
    return total == 0 ? Double.NaN : (double) ok / total;
  }

  private Duration percentile(long from, long to, double q) {
    if (!(q >= 0 && q <= 1)) {
      throw new IllegalArgumentException("q must be in [0, 1]: " + q);
    }
    long[] l = requests.stream().filter(r -> r.offsetNanos() >= from && r.offsetNanos() < to)
        .mapToLong(RequestSample::latencyNanos).sorted().toArray();
    if (l.length == 0) {
      return Duration.ZERO;
    }
    int rank = (int) Math.ceil(q * l.length);
    return Duration.ofNanos(l[Math.max(0, Math.min(l.length - 1, rank - 1))]);
  }
}
