package dev.heal.http.internal;

import dev.heal.core.healer.Episode;
import dev.heal.core.healer.HealEvent;
import dev.heal.core.healer.StepRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An episode on the wire: the format of {@code /heal/episodes}, the JSON-lines journal and the
 * generic webhook. Times are RFC 3339 strings, durations whole milliseconds, absent values null.
 * Immutable. Not API.
 */
public record EpisodeJson(
    String id, String plan, String target, boolean dryRun, Trigger trigger, String firstFailingAt,
    String detectedAt, long timeToDetectMs, String outcome, String endedAt, Long timeToRecoverMs,
    List<Step> steps, List<String> joined) {

  /** The signal that opened the episode. */
  public record Trigger(String source, String name, String message, Map<String, String> labels) {}

  /** One attempt of one step. */
  public record Step(
      int step, String name, String action, int attempt, String startedAt, String endedAt, String status,
      String message, boolean verified, boolean dryRun) {}

  /** A journal note (a signal no plan matched, a refusal, ...). */
  public record Note(String type, String at, String message) {
    public static Note of(HealEvent n) {
      return new Note(n.type().name(), n.at().toString(), n.message());
    }
  }

  private static String time(Optional<Instant> t) {
    return t.map(Instant::toString).orElse(null);
  }

  public static EpisodeJson of(Episode e) {
    List<Step> steps = e.steps().stream().map(EpisodeJson::step).toList();
    return new EpisodeJson(e.id(), e.plan(), e.target(), e.dryRun(),
        new Trigger(e.trigger().source(), e.trigger().name(), e.trigger().message(), e.trigger().labels()),
        e.firstFailingAt().toString(), e.detectedAt().toString(), e.timeToDetect().toMillis(),
        e.outcome().map(Enum::name).orElse(null), time(e.endedAt()),
        e.timeToRecover().map(Duration::toMillis).orElse(null), steps, e.joined());
  }

  private static Step step(StepRecord s) {
    return new Step(s.step(), s.name(), s.action(), s.attempt(), s.startedAt().toString(), time(s.endedAt()),
        s.status().map(Enum::name).orElse(null), s.message(), s.verified(), s.dryRun());
  }
}
