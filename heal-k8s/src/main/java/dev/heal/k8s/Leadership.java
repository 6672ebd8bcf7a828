package dev.heal.k8s;

import java.util.Optional;

/**
 * Whether this replica may run cluster actions now. Every heal-k8s action asks before each
 * mutating API call, so losing leadership mid-episode stops further cluster steps; a replica that
 * is not the leader gets {@code UNAVAILABLE "not the leader"}.
 *
 * <p>Implementations are thread-safe and answer from memory (no API call).
 */
public interface Leadership {

  /** True while this replica holds the lease. */
  boolean isLeader();

  /** The identity of the current leader, if known. */
  Optional<String> leader();

  /**
   * Always the leader: for a healer that runs as a single replica, or outside the cluster with a
   * kubeconfig. Never use it with more than one replica.
   */
  static Leadership always() {
    return new Leadership() {
      @Override
      public boolean isLeader() {
        return true;
      }

      @Override
      public Optional<String> leader() {
        return Optional.of("self");
      }

      @Override
      public String toString() {
        return "Leadership.always()";
      }
    };
  }
}
