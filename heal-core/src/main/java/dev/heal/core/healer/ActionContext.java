package dev.heal.core.healer;

import dev.heal.core.time.HealClock;
import java.time.Duration;
import java.util.Objects;

/**
 * What an {@link Action} is told when it runs. Immutable and thread-safe.
 *
 * @param episodeId the episode this attempt belongs to
 * @param target what is being repaired (a check, a component, a dependency)
 * @param trigger the signal that opened the episode
 * @param step the step's name within the plan
 * @param attempt 1 for the first attempt of this step
 * @param dryRun true if the action must only check and report what it would do
 * @param timeout how long the attempt may take before the healer gives up on it
 * @param clock heal's clock
 */
public record ActionContext(
    String episodeId,
    String target,
    Signal trigger,
    String step,
    int attempt,
    boolean dryRun,
    Duration timeout,
    HealClock clock) {
  public ActionContext {
    Objects.requireNonNull(episodeId, "episodeId");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(clock, "clock");
  }
}
