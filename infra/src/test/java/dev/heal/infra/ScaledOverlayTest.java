package dev.heal.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ScaledOverlayTest {
  private final String rules = Infra.read(Infra.path("prometheus/rules/heal.rules.yml"));
  private final String alertmanager = Infra.read(Infra.path("alertmanager/alertmanager.yml"));

  @Test
  void ruleOverlayDividesRangesAndForDurationsOnly() {
    String scaled = ScaledOverlay.rules(rules, 30);
    assertThat(scaled).isNotEqualTo(rules)
        .contains("for: 4s", "[10s]", "[20s]", "[30s]")
        .doesNotContain("for: 2m", "[5m]", "[10m]", "[15m]");
    assertThat(ScaledOverlay.withoutDurations(scaled)).isEqualTo(ScaledOverlay.withoutDurations(rules));
    // Prose is not a duration: the annotations are unchanged.
    assertThat(scaled).contains("over 5 minutes", "in the last\n            10 minutes");
  }

  @Test
  void alertmanagerOverlayDividesWaitsOnly() {
    String scaled = ScaledOverlay.alertmanager(alertmanager, 30);
    assertThat(scaled).contains("group_wait: 1s", "group_interval: 10s", "group_wait: 0s", "repeat_interval: 480s")
        .doesNotContain("group_wait: 30s", "repeat_interval: 4h");
    assertThat(ScaledOverlay.withoutDurations(scaled)).isEqualTo(ScaledOverlay.withoutDurations(alertmanager));
  }

  @Test
  void anOverlayThatChangedAnythingButADurationIsCaught() {
    String tampered = ScaledOverlay.rules(rules, 30).replace("> 0.01", "> 0.5");
    assertThat(ScaledOverlay.withoutDurations(tampered)).isNotEqualTo(ScaledOverlay.withoutDurations(rules));
  }

  @Test
  void factorBelowOneIsRefusedNamingTheFactor() {
    assertThatThrownBy(() -> ScaledOverlay.rules(rules, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("factor must be at least 1: 0");
  }
}
