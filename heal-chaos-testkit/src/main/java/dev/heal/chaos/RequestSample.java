package dev.heal.chaos;

/**
 * One request of an experiment's load. Immutable.
 *
 * @param offsetNanos when it started, from the experiment's start (experiment clock)
 * @param latencyNanos how long it took (experiment clock)
 * @param ok whether it succeeded
 */
public record RequestSample(long offsetNanos, long latencyNanos, boolean ok) {}
