package dev.heal.core.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertReplayGuardTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final long HOUR = Duration.ofHours(1).toNanos();

  @Test
  void aHandledInstanceIsAReplayUntilItsWindowEnds() {
    AlertReplayGuard g = new AlertReplayGuard(Duration.ofHours(24), 100);
    assertThat(g.isReplay("fp", T0, 0)).isFalse();
    g.handled("fp", T0, 0);
    assertThat(g.isReplay("fp", T0, 23 * HOUR)).isTrue();
    assertThat(g.isReplay("fp", T0.plusSeconds(1), 23 * HOUR)).as("a new start is a new instance").isFalse();
    assertThat(g.isReplay("fp", T0, 24 * HOUR)).as("forgotten after the window").isFalse();
    assertThat(g.size()).isZero();
  }

  @Test
  void anInstanceOnlySeenIsNeverRemembered() {
    AlertReplayGuard g = new AlertReplayGuard(Duration.ofHours(24), 100);
    g.isReplay("fp", T0, 0);
    assertThat(g.isReplay("fp", T0, 1)).isFalse();
    assertThat(g.size()).isZero();
  }

  @Test
  void beyondItsCapacityAnEvictedInstanceIsStillAReplayInsideTheWindow() {
    AlertReplayGuard g = new AlertReplayGuard(Duration.ofHours(24), 10);
    g.handled("first", T0, 0);
    for (int i = 1; i <= 50; i++) {
      g.handled("other-" + i, T0.plusSeconds(i), i);
    }
    assertThat(g.size()).isEqualTo(10);
    assertThat(g.evicted()).isEqualTo(41);
    assertThat(g.isReplay("first", T0, 100)).isTrue();
    assertThat(g.isReplay("brand-new", T0.plusSeconds(60), 100)).as("later starts are judged normally").isFalse();
    assertThat(g.isReplay("first", T0, 100 + 24 * HOUR)).as("the watermark lasts one window").isFalse();
  }

  @Test
  void badSettingsAreRejectedWithTheirName() {
    assertThatThrownBy(() -> new AlertReplayGuard(Duration.ZERO, 1)).hasMessageContaining("window must be positive");
    assertThatThrownBy(() -> new AlertReplayGuard(Duration.ofHours(1), 0)).hasMessageContaining("capacity");
  }

  /** Whatever else is handled, in any order of starts, a handled instance is a replay within its window. */
  @Test
  void noHandledInstanceIsEverForgottenInsideItsWindow() {
    qt().withFixedSeed(11L).withExamples(300)
        .forAll(lists().of(integers().between(0, 5_000)).ofSizeBetween(1, 400), integers().between(1, 50))
        .checkAssert((List<Integer> starts, Integer capacity) -> {
          AlertReplayGuard g = new AlertReplayGuard(Duration.ofHours(1), capacity);
          for (int i = 0; i < starts.size(); i++) {
            g.handled("fp-" + i, T0.plusSeconds(starts.get(i)), i);
            assertThat(g.size()).isLessThanOrEqualTo(capacity);
          }
          for (int i = 0; i < starts.size(); i++) {
            assertThat(g.isReplay("fp-" + i, T0.plusSeconds(starts.get(i)), starts.size())).isTrue();
          }
        });
  }
}
