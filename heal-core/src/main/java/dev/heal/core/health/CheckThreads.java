package dev.heal.core.health;

/**
 * How the {@link HealthRegistry}'s check threads are used at one moment. A check whose body ignores
 * interrupts keeps its thread after its timeout; once it has not returned {@code abandonAfter}
 * after the interrupt, that thread counts as abandoned and the registry's own pool adds a
 * replacement (at most {@code maxAbandoned} at a time) so that the other checks keep their
 * interval. Immutable and thread-safe.
 *
 * @param threads threads of the registry's own pool when nothing is abandoned ({@link
 *     HealthRegistry.Builder#poolSize(int)}); 0 when checks run on a caller's executor
 * @param maxAbandoned most replacement threads at a time ({@link
 *     HealthRegistry.Builder#maxAbandonedThreads(int)}); 0 on a caller's executor, which is never
 *     resized
 * @param running check bodies running now
 * @param waiting check runs due but waiting for a free thread
 * @param hung check runs that timed out and have not returned (they still hold a thread)
 * @param abandoned threads held by hung runs that ignored their interrupt for {@code abandonAfter}
 * @param replaced replacement threads ever added for abandoned ones
 */
public record CheckThreads(
    int threads, int maxAbandoned, int running, int waiting, int hung, int abandoned, long replaced) {}
