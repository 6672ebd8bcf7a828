package dev.heal.k8s.internal;

import dev.heal.k8s.DisruptionBudget;
import java.time.Instant;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Applies a {@link DisruptionBudget} against the persisted {@link Ledger}. Every grant is written
 * to the store before the caller disrupts anything, so a crash right after a restart still counts
 * it. Thread-safe: all state is in the store, and writes are optimistic.
 */
public final class DisruptionGuard {
  private static final int MAX_CONFLICTS = 5;

  private final DisruptionBudget budget;
  private final LedgerStore store;

  public DisruptionGuard(DisruptionBudget budget, LedgerStore store) {
    this.budget = budget;
    this.store = store;
  }

  /** A guard's answer. {@code reason} says why not, or what was granted. */
  public record Decision(boolean granted, String reason) {}

  public DisruptionBudget budget() {
    return budget;
  }

  /**
   * Checks, without recording anything, whether disrupting one pod of {@code workload} is allowed.
   *
   * @param pods the workload's pods
   * @param unavailableAfter how many of them would be unavailable after the disruption
   */
  public Decision check(String workload, Instant now, int pods, int unavailableAfter) {
    return decide(store.load().ledger(), workload, now, pods, unavailableAfter);
  }

  /** Like {@link #check} but, if allowed, records the disruption at {@code now} first. */
  public Decision reserve(String workload, Instant now, int pods, int unavailableAfter) {
    for (int i = 0; i < MAX_CONFLICTS; i++) {
      LedgerStore.Versioned v = store.load();
      Decision d = decide(v.ledger(), workload, now, pods, unavailableAfter);
      if (!d.granted()) {
        return d;
      }
      Ledger next = v.ledger().pruned(now, budget.window()).withDisruption(workload, now);
      if (store.save(next, v.version())) {
        return d;
      }
    }
    return new Decision(false, "the ledger " + budget.ledgerName()
        + " changed concurrently " + MAX_CONFLICTS + " times; try again");
  }

  /** Takes back a reservation made at {@code at}, when the API refused to disrupt after all. */
  public void release(String workload, Instant at) {
    update(l -> l.withoutDisruption(workload, at), at);
  }

  /** The instant {@code key} cools down until, if it is cooling down at {@code now}. */
  public Optional<Instant> coolingDownUntil(String key, Instant now) {
    Instant until = store.load().ledger().cooldowns().get(key);
    return until != null && until.isAfter(now) ? Optional.of(until) : Optional.empty();
  }

  /** Starts the cooldown of {@code key} at {@code now}. */
  public void startCooldown(String key, Instant now) {
    if (budget.cooldown().isZero()) {
      return;
    }
    update(l -> l.withCooldown(key, now.plus(budget.cooldown())), now);
  }

  private void update(UnaryOperator<Ledger> change, Instant now) {
    for (int i = 0; i < MAX_CONFLICTS; i++) {
      LedgerStore.Versioned v = store.load();
      if (store.save(change.apply(v.ledger()).pruned(now, budget.window()), v.version())) {
        return;
      }
    }
  }

  private Decision decide(Ledger ledger, String workload, Instant now, int pods, int unavailableAfter) {
    int recent = ledger.disruptionsWithin(workload, now, budget.window());
    if (recent >= budget.maxDisruptionsPerWindow()) {
      return new Decision(false, workload + " was disrupted " + recent + " time(s) in the last "
          + budget.window() + " (limit " + budget.maxDisruptionsPerWindow() + ")");
    }
    int max = budget.maxUnavailable(pods);
    if (unavailableAfter > max) {
      return new Decision(false, unavailableAfter + " of " + pods + " pods of " + workload
          + " would be unavailable (limit " + max + ", " + (int) (budget.maxUnavailableShare() * 100)
          + " %): likely a shared cause, not restarting the fleet");
    }
    return new Decision(true, "disruption " + (recent + 1) + " of " + budget.maxDisruptionsPerWindow()
        + " in " + budget.window() + " for " + workload + "; " + unavailableAfter + " of " + pods
        + " pods unavailable after it (limit " + max + ")");
  }
}
