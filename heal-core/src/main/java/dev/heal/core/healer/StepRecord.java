package dev.heal.core.healer;

import java.time.Instant;
import java.util.Optional;

/**
 * One attempt of one step of an episode, as journaled. Immutable and thread-safe.
 *
 * @param step the step's index in the plan, from 0
 * @param name the step's name (its action's name unless set)
 * @param action the action's name
 * @param attempt from 1
 * @param startedAt when the attempt started
 * @param endedAt when the action returned, failed or timed out; empty while running
 * @param status the action's result; empty while running
 * @param message what the action (or the healer) said
 * @param verified whether recovery was verified after this attempt
 * @param dryRun whether this attempt was a dry run
 */
public record StepRecord(
    int step,
    String name,
    String action,
    int attempt,
    Instant startedAt,
    Optional<Instant> endedAt,
    Optional<ActionResult.Status> status,
    String message,
    boolean verified,
    boolean dryRun) {}
