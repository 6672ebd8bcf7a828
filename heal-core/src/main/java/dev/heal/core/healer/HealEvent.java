package dev.heal.core.healer;

import java.time.Instant;
import java.util.Optional;

/**
 * Every decision the healer makes, as a value. Metrics, spans, the journal file, Kubernetes Events
 * and notifications are all {@link HealerListener}s of these. Immutable and thread-safe.
 *
 * @param type what happened
 * @param episode the episode after the event, if the event belongs to one
 * @param signal the signal involved, if any
 * @param message a human-readable sentence
 * @param at wall time
 * @param nanoTime monotonic time, from the healer's clock
 * @param step for STEP_STARTED, STEP_TIMED_OUT and STEP_FINISHED: the index in the episode's steps of
 *     the attempt the event is about (attempts can finish out of order: one that timed out may
 *     return after the next has started); -1 otherwise
 */
public record HealEvent(
    Type type, Optional<Episode> episode, Optional<Signal> signal, String message, Instant at, long nanoTime,
    int step) {

  /** An event that is about no particular step attempt. */
  public HealEvent(Type type, Optional<Episode> episode, Optional<Signal> signal, String message, Instant at,
      long nanoTime) {
    this(type, episode, signal, message, at, nanoTime, -1);
  }

  /** The step attempt this event is about, as journaled in the event's episode. */
  public Optional<StepRecord> stepRecord() {
    return episode.filter(e -> step >= 0 && step < e.steps().size()).map(e -> e.steps().get(step));
  }

  /** The kinds of decision. */
  public enum Type {
    /** A trigger fired and an episode opened. */
    EPISODE_OPENED,
    /** Another signal fired for a target with an open episode; it joined. */
    SIGNAL_JOINED,
    /** A step attempt started (or, in dry-run, would start). */
    STEP_STARTED,
    /**
     * A step attempt returned: exactly once per started attempt, with what the action really
     * returned or threw (also when it returns after its timeout or after its episode ended).
     */
    STEP_FINISHED,
    /**
     * A step attempt ran past its timeout: it was interrupted and the plan moved on (retry or
     * escalate); its {@link #STEP_FINISHED} follows when it returns.
     */
    STEP_TIMED_OUT,
    /** The step's verification deadline passed without recovery. */
    VERIFICATION_FAILED,
    /** The healer moved on to the plan's next step. */
    ESCALATED,
    /** The episode ended; see its outcome. */
    EPISODE_CLOSED,
    /**
     * The global action budget is spent: at most one such notice per budget window, counting what
     * was refused since the previous one.
     */
    BUDGET_EXHAUSTED,
    /** A trigger fired but a guardrail held it back (cooldown). */
    SUPPRESSED,
    /** A signal matched no plan, or was a replay; nothing was done. */
    IGNORED,
    /** The service's degradation level changed (see {@code Healer.Builder.features}). */
    DEGRADATION_CHANGED,
    /**
     * The fleet guard refused a disruptive step: every slot is held by other replicas, the symptom
     * is fleet-wide, or the guard was unreachable. The step is journaled UNAVAILABLE (or NOT_NOW
     * when the plan waits for a slot) with the guard's sentence; {@link #step} names it.
     */
    FLEET_REFUSED
  }
}
