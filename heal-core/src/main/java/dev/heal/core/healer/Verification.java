package dev.heal.core.healer;

/**
 * Decides whether a repair worked. The default verification of a step is "the trigger no longer
 * fires" (the check is healthy again, the circuit closed, the alert resolved); a plan can supply
 * its own, which the healer polls while a step waits for its deadline.
 *
 * <p>Called on the healer's clock thread: it must be quick and must not block. A verification
 * that throws counts as "not yet healthy".
 */
@FunctionalInterface
public interface Verification {
  boolean isHealthy() throws Exception;
}
