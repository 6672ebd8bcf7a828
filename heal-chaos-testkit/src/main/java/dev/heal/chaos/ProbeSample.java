package dev.heal.chaos;

import java.util.List;

/**
 * One evaluation of the steady-state hypothesis during an experiment. Immutable.
 *
 * @param offsetNanos when, from the experiment's start (experiment clock)
 * @param holds whether every probe held
 * @param failing names of the probes that did not hold
 */
public record ProbeSample(long offsetNanos, boolean holds, List<String> failing) {
  public ProbeSample {
    failing = List.copyOf(failing);
  }
}
