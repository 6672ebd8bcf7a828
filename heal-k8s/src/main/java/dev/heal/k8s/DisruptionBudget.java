package dev.heal.k8s;

import java.time.Duration;
import java.util.Objects;

/**
 * heal's own limits on how much it may disrupt a workload, on top of any PodDisruptionBudget.
 * Restarts and evictions of one workload's pods are allowed only while
 *
 * <ul>
 *   <li>fewer than {@link #maxDisruptionsPerWindow()} happened within the last {@link #window()}
 *       (counted across replicas of the healer and across its restarts: the ledger lives in a
 *       ConfigMap), and
 *   <li>after the disruption, at most {@code max(1, floor(maxUnavailableShare × pods))} of the
 *       workload's pods would be unavailable (not Ready or terminating), so an outage of a shared
 *       dependency, which makes many pods unready at once, never restarts the fleet;
 * </ul>
 *
 * and after a successful action on a target nothing more is done to that target until {@link
 * #cooldown()} has passed. Immutable and thread-safe.
 *
 * @param maxDisruptionsPerWindow K: pods of one workload restarted or evicted per window
 * @param window the sliding window for K
 * @param maxUnavailableShare share of a workload's pods that may be unavailable at once, in (0, 1]
 * @param cooldown quiet time per action and target after a success
 * @param ledgerName the ConfigMap (in the healer's namespace) that keeps the ledger
 */
public record DisruptionBudget(
    int maxDisruptionsPerWindow,
    Duration window,
    double maxUnavailableShare,
    Duration cooldown,
    String ledgerName) {

  /** The defaults: 1 per 10 minutes, 25 % unavailable, 5 minutes cooldown, {@code heal-k8s-ledger}. */
  public static final DisruptionBudget DEFAULT = builder().build();

  public DisruptionBudget {
    if (maxDisruptionsPerWindow < 1) {
      throw new IllegalArgumentException(
          "maxDisruptionsPerWindow must be at least 1, was " + maxDisruptionsPerWindow);
    }
    Objects.requireNonNull(window, "window");
    if (window.isZero() || window.isNegative()) {
      throw new IllegalArgumentException("window must be positive, was " + window);
    }
    if (!(maxUnavailableShare > 0.0 && maxUnavailableShare <= 1.0)) {
      throw new IllegalArgumentException(
          "maxUnavailableShare must be in (0, 1], was " + maxUnavailableShare);
    }
    Objects.requireNonNull(cooldown, "cooldown");
    if (cooldown.isNegative()) {
      throw new IllegalArgumentException("cooldown must not be negative, was " + cooldown);
    }
    Objects.requireNonNull(ledgerName, "ledgerName");
    if (!ledgerName.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?") || ledgerName.length() > 253) {
      throw new IllegalArgumentException(
          "ledgerName must be a valid ConfigMap name (lowercase DNS subdomain), was '" + ledgerName + "'");
    }
  }

  /** How many of {@code pods} pods may be unavailable at once. */
  public int maxUnavailable(int pods) {
    return Math.max(1, (int) Math.floor(maxUnavailableShare * pods));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link DisruptionBudget}. Not thread-safe. */
  public static final class Builder {
    private int maxDisruptionsPerWindow = 1;
    private Duration window = Duration.ofMinutes(10);
    private double maxUnavailableShare = 0.25;
    private Duration cooldown = Duration.ofMinutes(5);
    private String ledgerName = "heal-k8s-ledger";

    private Builder() {}

    /** K, the pods of one workload that may be restarted or evicted per window. Default 1. */
    public Builder maxDisruptionsPerWindow(int k) {
      this.maxDisruptionsPerWindow = k;
      return this;
    }

    /** The sliding window for K. Default 10 minutes. */
    public Builder window(Duration window) {
      this.window = window;
      return this;
    }

    /** Share of a workload's pods that may be unavailable at once. Default 0.25. */
    public Builder maxUnavailableShare(double share) {
      this.maxUnavailableShare = share;
      return this;
    }

    /** Quiet time per action and target after a success. Default 5 minutes. */
    public Builder cooldown(Duration cooldown) {
      this.cooldown = cooldown;
      return this;
    }

    /** The ConfigMap that keeps the ledger. Default {@code heal-k8s-ledger}. */
    public Builder ledgerName(String ledgerName) {
      this.ledgerName = ledgerName;
      return this;
    }

    public DisruptionBudget build() {
      return new DisruptionBudget(
          maxDisruptionsPerWindow, window, maxUnavailableShare, cooldown, ledgerName);
    }
  }
}
