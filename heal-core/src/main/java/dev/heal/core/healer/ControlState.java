package dev.heal.core.healer;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What an operator can change on a running {@link Healer}, as it is at one instant: the
 * healer-wide dry-run switch, the action budget, and each plan's switches. Read with
 * {@link Healer#control()}; changed with {@link Healer#enablePlan}, {@link Healer#disablePlan},
 * {@link Healer#dryRun(boolean)}, {@link Healer#dryRun(String, boolean)},
 * {@link Healer#refillBudget()} and {@link Healer#resizeBudget(int, Duration)}. The values are read
 * together under the healer's decision lock, so they are consistent with each other.
 *
 * <p>Immutable and thread-safe.
 *
 * @param dryRun whether the whole healer is in dry-run
 * @param budgetRemaining whole actions the budget allows right now
 * @param budgetCapacity actions the budget allows per {@code budgetWindow}
 * @param budgetWindow the window over which the budget refills completely
 * @param refusedActions actions the budget refused so far
 * @param plans every plan, in configuration order
 */
public record ControlState(boolean dryRun, long budgetRemaining, long budgetCapacity, Duration budgetWindow,
    long refusedActions, List<PlanState> plans) {

  public ControlState {
    Objects.requireNonNull(budgetWindow, "budgetWindow");
    plans = List.copyOf(plans);
  }

  /**
   * One plan's switches.
   *
   * @param name the plan's name
   * @param enabled false while an operator has disabled it (it opens no episode)
   * @param dryRun whether its attempts are dry runs now (by itself or because the healer is)
   * @param episodeOpen whether it has an open episode now
   */
  public record PlanState(String name, boolean enabled, boolean dryRun, boolean episodeOpen) {
    public PlanState {
      Objects.requireNonNull(name, "name");
    }
  }
}
