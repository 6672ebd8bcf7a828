package dev.heal.core.health;

import java.time.Instant;

/**
 * A check's effective status changed (after its thresholds). This is the signal the healer
 * consumes. Immutable and thread-safe.
 *
 * @param check the check's name
 * @param from the status before
 * @param to the status now
 * @param state the check's full state after the change
 * @param at wall time of the change
 * @param nanoTime monotonic time of the change ({@link dev.heal.core.time.HealClock#nanoTime()})
 */
public record HealthTransition(
    String check, HealthStatus from, HealthStatus to, CheckState state, Instant at, long nanoTime) {}
