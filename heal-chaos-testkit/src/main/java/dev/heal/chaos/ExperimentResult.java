package dev.heal.chaos;

import dev.heal.core.healer.Episode;
import dev.heal.core.healer.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What an {@link Experiment} measured. Offsets are from the experiment's start on the experiment's
 * clock (virtual or real). Immutable and thread-safe.
 *
 * <ul>
 *   <li><b>availability</b>: share of successful requests, overall or among requests that started
 *       inside a fault's window; {@code NaN} when there were no such requests.
 *   <li><b>time-to-detect</b>: from a fault's start to heal's first signal at or after it (a health
 *       check turning DEGRADED/DOWN, or an episode opening).
 *   <li><b>time-to-recover</b>: from a fault's end to the first steady-state evaluation from which
 *       the hypothesis holds until the next fault starts (or the experiment ends); zero if it held
 *       right away, empty if it never held again.
 * </ul>
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

  /** From {@code faultName}'s start to heal's first signal at or after it. */
  public Optional<Duration> timeToDetect(String faultName) {
    Window w = window(faultName);
    return markers.stream().filter(m -> m.signal() && m.offsetNanos() >= w.start)
        .map(m -> Duration.ofNanos(m.offsetNanos() - w.start)).findFirst();
  }

  /** From {@code faultName}'s end to the steady state holding again for good. */
  public Optional<Duration> timeToRecover(String faultName) {
    Window w = window(faultName);
    if (w.end == Long.MAX_VALUE) {
      return Optional.empty();
    }
    long horizon = schedule.faults().stream().map(f -> f.start().toNanos()).filter(s -> s >= w.end)
        .min(Long::compare).orElse(Long.MAX_VALUE);
    List<ProbeSample> after = probes.stream()
        .filter(p -> p.offsetNanos() >= w.end && p.offsetNanos() < horizon).toList();
    int firstGood = -1;
    for (int i = after.size() - 1; i >= 0 && after.get(i).holds(); i--) {
      firstGood = i;
    }
    if (firstGood < 0) {
      return Optional.empty();
    }
    return Optional.of(firstGood == 0 ? Duration.ZERO : Duration.ofNanos(after.get(firstGood).offsetNanos() - w.end));
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
