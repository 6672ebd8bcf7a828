package dev.heal.core.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.heal.core.health.internal.ThresholdTracker;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class ThresholdTrackerPropertyTest {
  private static final Gen<List<HealthStatus>> SEQUENCES =
      lists()
          .of(arbitrary().pick(HealthStatus.UP, HealthStatus.DEGRADED, HealthStatus.DOWN))
          .ofSizeBetween(0, 60);

  @Test
  void statusChangesOnlyAfterTheThresholdOfConsecutiveResults() {
    qt().withFixedSeed(20261126L)
        .withExamples(5000)
        .forAll(integers().between(1, 6), integers().between(1, 6), SEQUENCES)
        .checkAssert(
            (failures, successes, sequence) -> {
              ThresholdTracker t = new ThresholdTracker(failures, successes);
              HealthStatus previous = t.status();
              for (int i = 0; i < sequence.size(); i++) {
                HealthStatus now = t.record(sequence.get(i));
                List<HealthStatus> seen = sequence.subList(0, i + 1);
                if (now == HealthStatus.DOWN && previous != HealthStatus.DOWN) {
                  assertThat(trailing(seen, HealthStatus.DOWN))
                      .as("turned DOWN after %s", seen)
                      .isGreaterThanOrEqualTo(failures);
                }
                if (now.isPassing() && !previous.isPassing()) {
                  assertThat(trailingPassing(seen))
                      .as("turned passing after %s", seen)
                      .isGreaterThanOrEqualTo(successes);
                }
                if (now != previous) {
                  assertThat(now).as("a change always follows the latest raw result").isEqualTo(sequence.get(i));
                }
                previous = now;
              }
            });
  }

  @Test
  void statusAlwaysReflectsAThresholdOfConsecutiveResults() {
    qt().withFixedSeed(7L)
        .withExamples(5000)
        .forAll(integers().between(1, 6), integers().between(1, 6), SEQUENCES)
        .checkAssert(
            (failures, successes, sequence) -> {
              ThresholdTracker t = new ThresholdTracker(failures, successes);
              for (int i = 0; i < sequence.size(); i++) {
                HealthStatus now = t.record(sequence.get(i));
                List<HealthStatus> seen = sequence.subList(0, i + 1);
                if (trailing(seen, HealthStatus.DOWN) >= failures) {
                  assertThat(now).as("after %s", seen).isEqualTo(HealthStatus.DOWN);
                }
                if (trailingPassing(seen) >= successes) {
                  assertThat(now).as("after %s", seen).isEqualTo(sequence.get(i));
                }
                if (i + 1 < Math.min(failures, successes)) {
                  assertThat(now).as("too few results yet: %s", seen).isEqualTo(HealthStatus.UNKNOWN);
                }
              }
            });
  }

  private static int trailing(List<HealthStatus> seq, HealthStatus s) {
    int n = 0;
    for (int i = seq.size() - 1; i >= 0 && seq.get(i) == s; i--) {
      n++;
    }
    return n;
  }

  private static int trailingPassing(List<HealthStatus> seq) {
    int n = 0;
    for (int i = seq.size() - 1; i >= 0 && seq.get(i).isPassing(); i--) {
      n++;
    }
    return n;
  }
}
