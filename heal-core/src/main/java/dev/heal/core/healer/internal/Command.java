package dev.heal.core.healer.internal;

import dev.heal.core.fleet.FleetGuard;
import dev.heal.core.healer.Action;
import dev.heal.core.healer.EpisodeAware;
import dev.heal.core.healer.Episode;
import dev.heal.core.healer.HealEvent;
import dev.heal.core.healer.Outcome;
import dev.heal.core.healer.Signal;
import dev.heal.core.healer.Verification;
import java.time.Duration;
import java.util.Set;

/**
 * What the {@link EpisodeMachine} asks the world to do. The machine only decides; the engine
 * carries these out, in order. Immutable values.
 */
public sealed interface Command {

  /** How loudly the engine logs an emitted event. */
  enum Loudness { DEBUG, INFO, WARN }

  /** Journal the event's episode (or note), then hand the event to the listeners. */
  record Emit(HealEvent event, Loudness loudness) implements Command {}

  /** A log line that is no event (a step waiting for its target, a refusal inside a notice window). */
  record Log(Loudness loudness, String message) implements Command {}

  /** Keep a refused episode in the journal; no event goes to the listeners (storm hygiene). */
  record Record(Episode episode) implements Command {}

  /**
   * Queue attempt {@code token} of an action on the action pool. It must not run unless
   * {@link EpisodeMachine#attemptStarting} permits it when a pool thread picks it up.
   */
  record StartAttempt(long token, Action action, String episodeId, String target, Signal trigger, String step,
      int attempt, boolean dryRun, Duration timeout) implements Command {}

  /** Attempt {@code token} will never run (its episode ended while it was queued): forget it. */
  record Dropped(long token) implements Command {}

  /** Interrupt the thread running attempt {@code token}: its episode ended, or it timed out. */
  record Interrupt(long token) implements Command {}

  /** Fire {@link EpisodeMachine#timer(long, EpisodeMachine.Now)} with {@code id} after {@code delay}. */
  record Schedule(long id, Duration delay) implements Command {}

  /** Cancel timer {@code id}; a firing that races the cancel is ignored by the machine anyway. */
  record CancelTimer(long id) implements Command {}

  /** Ask the health registry for an early run of {@code check} (verification after an action). */
  record Recheck(String check) implements Command {}

  /** Call a step's verification and feed the answer to {@link EpisodeMachine#verified}. */
  record Poll(long episode, long generation, Verification verification) implements Command {}

  /** Tell an action that held something for episode {@code episodeId} that the episode ended. */
  record Release(EpisodeAware action, String episodeId, Outcome outcome) implements Command {}

  /**
   * Ask the fleet guard for a slot (after the lock) and feed the answer to
   * {@link EpisodeMachine#slotAnswered} with {@code ask}.
   */
  record AcquireSlot(long ask, FleetGuard.SlotRequest request) implements Command {}

  /** Give back the fleet slot of episode {@code episodeId} (after the lock). */
  record ReleaseSlot(String episodeId) implements Command {}

  /** Publish the shared symptoms this replica sees failing (after the lock). */
  record PublishSymptoms(Set<String> failing) implements Command {}
}
