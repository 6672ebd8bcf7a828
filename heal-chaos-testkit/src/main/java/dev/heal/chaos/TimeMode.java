package dev.heal.chaos;

/**
 * How in-process latency and hang faults spend time.
 *
 * <ul>
 *   <li>{@link #ADVANCE}: the faulted call moves a {@link dev.heal.core.time.ManualClock} forward
 *       itself. Deterministic and instant; for a system under test driven from one thread (the
 *       test's, or an {@link Experiment}'s load loop). A call made from inside a clock task (a
 *       health check run by the clock) cannot move the clock it is running in: its latency is
 *       recorded as a hit but takes no virtual time. The controller knows it is inside a clock
 *       task only when the clock is being advanced through {@link ChaosController#sleep} (as
 *       experiments do): advance the clock that way, not with {@code ManualClock.advance}, when
 *       faulted calls run inside clock tasks.
 *   <li>{@link #WAIT}: the faulted call parks until the clock says the time has passed: real time
 *       with the system clock, or until another thread advances a manual clock.
 *   <li>{@link #AUTO} (default): {@code ADVANCE} for a manual clock, {@code WAIT} otherwise.
 * </ul>
 */
public enum TimeMode {
  AUTO,
  ADVANCE,
  WAIT
}
