package dev.heal.chaos;

/**
 * Something heal did or observed during an experiment: a health transition or a healer event.
 * Immutable.
 *
 * @param offsetNanos when, from the experiment's start (experiment clock)
 * @param kind {@code health} or the {@link dev.heal.core.healer.HealEvent.Type} name
 * @param label human-readable
 * @param signal whether this counts as heal's detection of trouble (for time-to-detect)
 */
public record Marker(long offsetNanos, String kind, String label, boolean signal) {}
