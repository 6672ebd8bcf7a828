package dev.heal.core.healer;

/** How an episode ended. */
public enum Outcome {
  /** The trigger stopped firing (verified healthy), with or without an action. */
  RECOVERED,
  /** Every step was tried and the target is still unhealthy: a human is needed. */
  GAVE_UP,
  /** The global action budget was spent: no action was taken, loudly. */
  BUDGET_EXHAUSTED,
  /** The episode ran past the healer's maximum episode duration. */
  TIMED_OUT,
  /** The healer was closed while the episode was open. */
  CANCELLED;

  /** Whether the service is healthy at the end. */
  public boolean isSuccess() {
    return this == RECOVERED;
  }
}
