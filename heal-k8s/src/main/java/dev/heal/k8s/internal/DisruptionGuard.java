package dev.heal.k8s.internal;

import dev.heal.k8s.DisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a {@link DisruptionBudget} against the persisted {@link Ledger}. Every grant is written
 * to the store before the caller disrupts anything, so a crash right after a restart still counts
 * it. Thread-safe: all state is in the store, and writes are optimistic.
 *
 * <p>API errors while reading or writing the ledger are retried as {@link ApiRetry} says (429 after
 * its {@code Retry-After}, 5xx and timeouts with backoff, bounded); when the retries run out, or a
 * write's outcome is unknown, {@link #reserve} refuses with a reason saying so rather than
 * disrupting without a record. 403, 404 and 422 are thrown, for {@link ApiErrors} to explain.
 */
public final class DisruptionGuard {
  private static final Logger log = LoggerFactory.getLogger(DisruptionGuard.class);
  private static final int MAX_CONFLICTS = 5;

  private final DisruptionBudget budget;
  private final LedgerStore store;
  private final ApiRetry.Pause pause;

  public DisruptionGuard(DisruptionBudget budget, LedgerStore store) {
    this(budget, store, ApiRetry.Pause.SLEEP);
  }

  DisruptionGuard(DisruptionBudget budget, LedgerStore store, ApiRetry.Pause pause) {
    this.budget = budget;
    this.store = store;
    this.pause = pause;
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
    return transact(l -> decide(l, workload, now, pods, unavailableAfter), l -> l.withDisruption(workload, now), now);
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
    Decision d = transact(l -> new Decision(true, "updated"), change, now);
    if (!d.granted()) {
      log.warn("heal-k8s: ledger {} not updated: {}", budget.ledgerName(), d.reason());
    }
  }

  /**
   * Load, decide, compare-and-set: again on a conflict (at most {@link #MAX_CONFLICTS}), again after
   * a pause on a retryable API error (at most {@link ApiRetry#MAX_ERRORS}).
   */
  private Decision transact(Function<Ledger, Decision> decision, UnaryOperator<Ledger> change, Instant now) {
    int conflicts = 0;
    int errors = 0;
    while (true) {
      try {
        LedgerStore.Versioned v = store.load();
        Decision d = decision.apply(v.ledger());
        if (!d.granted()) {
          return d;
        }
        if (store.save(change.apply(v.ledger()).pruned(now, budget.window()), v.version())) {
          return d;
        }
        if (++conflicts >= MAX_CONFLICTS) {
          return new Decision(false, "the ledger " + budget.ledgerName()
              + " changed concurrently " + MAX_CONFLICTS + " times; try again");
        }
      } catch (LedgerStore.OutcomeUnknown e) {
        return new Decision(false, e.getMessage() + "; not disrupting (it may count once)");
      } catch (KubernetesClientException e) {
        if (!ApiRetry.retryable(e)) {
          throw e;
        }
        errors++;
        String what = ApiErrors.map(e, "the ledger " + budget.ledgerName()).message();
        if (errors >= ApiRetry.MAX_ERRORS) {
          return new Decision(false, what + " (" + errors + " tries, giving up; not disrupting)");
        }
        Duration wait = ApiRetry.delay(e, errors);
        if (wait.compareTo(ApiRetry.MAX_RETRY_AFTER) > 0) {
          return new Decision(false, what + " (asks to wait " + wait.toSeconds() + " s; not disrupting now)");
        }
        if (!ApiRetry.pause(pause, wait)) {
          return new Decision(false, what + " (interrupted while backing off; not disrupting)");
        }
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
