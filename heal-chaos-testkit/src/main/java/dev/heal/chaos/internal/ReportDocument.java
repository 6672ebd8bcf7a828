package dev.heal.chaos.internal;

import dev.heal.chaos.ExperimentResult;
import dev.heal.chaos.Fault;
import dev.heal.chaos.FaultReport;
import dev.heal.core.healer.Episode;
import dev.heal.core.healer.StepRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The chaos report's JSON document ({@code dev.heal.chaos.ChaosReport}), property by property in
 * wire order. Times are milliseconds ({@code ...Ms}); ratios 0..1, {@code null} when undefined.
 * Not API. Immutable.
 *
 * @param episodes heal's episodes, in the format of heal's episode journal ({@code /heal/episodes})
 */
public record ReportDocument(String experiment, long seed, String startedAt, long durationMs,
    List<ScheduledFault> schedule, Measurements measurements, List<EpisodeEntry> episodes,
    List<MarkerEntry> markers, List<Bucket> timeline) {

  /** One fault of the schedule; {@code durationMs} is null for a fault that lasts to the end. */
  public record ScheduledFault(String name, String target, String kind, String effect, double rate, long startMs,
      Long durationMs) {}

  public record Measurements(int requests, long failures, Double availability, Latency latencyMs,
      List<FaultEntry> faults) {}

  /** Latency percentiles over all requests, in milliseconds. */
  public record Latency(double p50, double p90, double p95, double p99, double max) {}

  public record FaultEntry(String fault, Double availability, long requests, long hits, long opportunities,
      Double timeToDetectMs, Double timeToRecoverMs) {}

  public record MarkerEntry(double atMs, String kind, String label, boolean signal) {}

  public record Bucket(double atMs, double widthMs, int requests, int errors, double p50Ms, double p99Ms) {}

  /**
   * One episode as heal's journal writes it (heal-http's {@code /heal/episodes} and JSON lines use the
   * same fields; the testkit does not depend on heal-http). Times are RFC 3339, durations whole
   * milliseconds, absent values null.
   */
  public record EpisodeEntry(String id, String plan, String target, boolean dryRun, Trigger trigger,
      String firstFailingAt, String detectedAt, long timeToDetectMs, String outcome, String endedAt,
      Long timeToRecoverMs, List<Step> steps, List<String> joined) {

    public record Trigger(String source, String name, String message, Map<String, String> labels) {}

    public record Step(int step, String name, String action, int attempt, String startedAt, String endedAt,
        String status, String message, boolean verified, boolean dryRun) {}

    static EpisodeEntry of(Episode e) {
      return new EpisodeEntry(e.id(), e.plan(), e.target(), e.dryRun(),
          new Trigger(e.trigger().source(), e.trigger().name(), e.trigger().message(), e.trigger().labels()),
          e.firstFailingAt().toString(), e.detectedAt().toString(), e.timeToDetect().toMillis(),
          e.outcome().map(Enum::name).orElse(null), time(e.endedAt()),
          e.timeToRecover().map(Duration::toMillis).orElse(null),
          e.steps().stream().map(EpisodeEntry::step).toList(), e.joined());
    }

    private static Step step(StepRecord s) {
      return new Step(s.step(), s.name(), s.action(), s.attempt(), s.startedAt().toString(), time(s.endedAt()),
          s.status().map(Enum::name).orElse(null), s.message(), s.verified(), s.dryRun());
    }

    private static String time(Optional<Instant> t) {
      return t.map(Instant::toString).orElse(null);
    }
  }

  /** The document for {@code r}. */
  public static ReportDocument of(ExperimentResult r) {
    List<ScheduledFault> schedule = r.schedule().faults().stream().map(ReportDocument::scheduled).toList();
    List<FaultEntry> perFault = r.measurements().stream().map(fm -> new FaultEntry(fm.fault().name(),
        ratio(fm.availability()), fm.requests(), fm.hits(),
        r.faultReport(fm.fault().name()).map(FaultReport::opportunities).orElse(0L),
        fm.timeToDetect().map(ReportDocument::millis).orElse(null),
        fm.timeToRecover().map(ReportDocument::millis).orElse(null))).toList();
    Latency latency = new Latency(millis(r.latencyPercentile(0.5)), millis(r.latencyPercentile(0.9)),
        millis(r.latencyPercentile(0.95)), millis(r.latencyPercentile(0.99)), millis(r.latencyPercentile(1.0)));
    Measurements measurements = new Measurements(r.requests().size(),
        r.requests().stream().filter(s -> !s.ok()).count(), ratio(r.availability()), latency, perFault);
    return new ReportDocument(r.name(), r.seed(), r.startedAt().toString(), r.duration().toMillis(), schedule,
        measurements, r.episodes().stream().map(EpisodeEntry::of).toList(),
        r.markers().stream().map(mk -> new MarkerEntry(mk.offsetNanos() / 1_000_000.0, mk.kind(), mk.label(),
            mk.signal())).toList(),
        Timeline.of(r).stream().map(b -> new Bucket(b.startNanos() / 1_000_000.0, b.coveredNanos() / 1_000_000.0,
            b.requests(), b.errors(), b.p50Millis(), b.p99Millis())).toList());
  }

  private static ScheduledFault scheduled(Fault f) {
    return new ScheduledFault(f.name(), f.target(), f.effect().kind(), f.effect().toString(), f.rate(),
        f.start().toMillis(), f.duration().map(Duration::toMillis).orElse(null));
  }

  private static Double ratio(double v) {
    return Double.isNaN(v) ? null : v;
  }

  private static double millis(Duration d) {
    return d.toNanos() / 1_000_000.0;
  }
}
