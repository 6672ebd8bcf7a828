package dev.heal.core.healer;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One healing episode: what triggered it, each step attempt, and how it ended. A snapshot:
 * immutable and thread-safe; the healer publishes a new one with every event.
 *
 * @param id unique within the process, e.g. {@code ep-42}
 * @param plan the plan's name
 * @param target what was repaired; at most one open episode per target
 * @param trigger the signal that opened the episode
 * @param firstFailingAt when the trigger's signal first failed (start of time-to-recover)
 * @param detectedAt when the episode opened
 * @param steps every attempt, in order
 * @param joined other signals that fired for the same target while open
 * @param outcome how it ended; empty while open
 * @param endedAt when it ended; empty while open
 * @param dryRun whether the healer was in dry-run mode
 */
public record Episode(
    String id,
    String plan,
    String target,
    Signal trigger,
    Instant firstFailingAt,
    Instant detectedAt,
    List<StepRecord> steps,
    List<String> joined,
    Optional<Outcome> outcome,
    Optional<Instant> endedAt,
    boolean dryRun) {

  public Episode {
    steps = List.copyOf(steps);
    joined = List.copyOf(joined);
  }

  public boolean isOpen() {
    return outcome.isEmpty();
  }

  /** From the first failing signal to the episode opening. */
  public Duration timeToDetect() {
    return Duration.between(firstFailingAt, detectedAt);
  }

  /** From the first failing signal to verified recovery; empty unless RECOVERED. */
  public Optional<Duration> timeToRecover() {
    return outcome.filter(Outcome::isSuccess).flatMap(o -> endedAt).map(e -> Duration.between(firstFailingAt, e));
  }

  /** Names of the actions that ran (or would have, in dry-run), in order. */
  public List<String> actions() {
    return steps.stream().map(StepRecord::action).toList();
  }
}
