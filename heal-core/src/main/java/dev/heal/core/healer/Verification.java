package dev.heal.core.healer;

/**
 * Decides whether a repair worked. The default verification of a step is "the trigger no longer
 * fires" (the check is healthy again, the circuit closed, the alert resolved); a plan can supply
 * its own, which the healer polls while a step waits for its deadline.
 *
 * <p>Called on the healer's clock thread, never under the healer's decision lock, every
 * {@code verifyEvery} while a step waits for its deadline: it should be quick, since it delays the
 * clock's other timers. A verification that throws (anything but a {@code VirtualMachineError})
 * counts as "not yet healthy".
 */
@FunctionalInterface
public interface Verification {
  boolean isHealthy() throws Exception;
}
