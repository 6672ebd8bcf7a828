package dev.heal.chaos;

import static dev.heal.chaos.ChaosAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heal.core.health.CheckKind;
import dev.heal.core.health.HealthStatus;
import dev.heal.core.healer.Outcome;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ExperimentTest {
  static final Fault OUTAGE = Fault.error("inventory").named("inventory-outage")
      .startingAt(Duration.ofSeconds(2)).lasting(Duration.ofSeconds(3));

  static Experiment experiment(Shop shop, Fault... faults) {
    return Experiment.builder("checkout-survives-inventory-outage")
        .steadyState(Probe.health(shop.health, CheckKind.READINESS, HealthStatus.UP))
        .faults(faults)
        .load(Load.of(20, shop::checkout))
        .duration(Duration.ofSeconds(12))
        .observe(shop.health)
        .observe(shop.healer)
        .build();
  }

  @Test
  void healerRepairsThePoolAndTheExperimentMeasuresIt() {
    try (Shop shop = new Shop(42, true)) {
      ExperimentResult r = shop.chaos.run(experiment(shop, OUTAGE));

      assertThat(r.requests()).hasSize(240);
      assertThat(r.availabilityDuring("inventory-outage")).isZero();
      assertThat(r.timeToDetect("inventory-outage")).hasValueSatisfying(d -> assertThat(d).isLessThanOrEqualTo(Duration.ofSeconds(1)));
      assertThat(r.timeToRecover("inventory-outage")).hasValueSatisfying(d -> assertThat(d).isLessThanOrEqualTo(Duration.ofSeconds(2)));
      assertThat(r.episodes()).isNotEmpty().allSatisfy(e -> assertThat(e.outcome()).contains(Outcome.RECOVERED));
      assertThat(shop.reconnects.get()).isPositive();

      assertThat(r)
          .healedBy("reconnectPool")
          .noEpisodeFailed()
          .recoveredWithin(Duration.ofSeconds(2))
          .detectedWithin(Duration.ofSeconds(1))
          .allFaultsFired()
          .availability().isAtLeast(0.6);
      assertThat(r).availabilityDuring(OUTAGE).isAtMost(0.01);
      assertThat(r).latencyPercentile(0.99).isLessThan(Duration.ofMillis(1));
    }
  }

  @Test
  void withoutTheHealerThePoolNeverRecoversAndTheAssertionsSaySo() {
    try (Shop shop = new Shop(42, false)) {
      ExperimentResult r = shop.chaos.run(experiment(shop, OUTAGE));
      assertThat(r.timeToRecover("inventory-outage")).isEmpty();
      assertThatThrownBy(() -> assertThat(r).recoveredWithin(Duration.ofSeconds(5)))
          .isInstanceOf(AssertionError.class).hasMessageContaining("never did").hasMessageContaining("seed 42");
      assertThatThrownBy(() -> assertThat(r).healedBy("reconnectPool"))
          .isInstanceOf(AssertionError.class).hasMessageContaining("reconnectPool");
      assertThatThrownBy(() -> assertThat(r).availability().isAtLeast(0.999))
          .isInstanceOf(AssertionError.class).hasMessageContaining("inventory-outage");
    }
  }

  @Test
  void latencyFaultsShowInThePercentilesInVirtualTime() {
    try (Shop shop = new Shop(1, true)) {
      Fault slow = Fault.latency("inventory", Duration.ofMillis(30)).named("slow")
          .startingAt(Duration.ofSeconds(1)).lasting(Duration.ofSeconds(2));
      ExperimentResult r = shop.chaos.run(experiment(shop, slow));
      assertThat(r.latencyPercentileDuring("slow", 0.5)).isEqualTo(Duration.ofMillis(30));
      assertThat(r.latencyPercentile(0.5)).isZero();
      assertThat(r).availabilityDuring("slow").isAtLeast(1.0);
      assertThat(r.timeToRecover("slow")).contains(Duration.ZERO);
      assertThat(r.episodes()).isEmpty();
    }
  }

  @Test
  void rollbacksAlwaysRunEvenWhenTheSteadyStateDoesNotHoldBefore() {
    try (Shop shop = new Shop(1, true)) {
      boolean[] rolledBack = {false};
      Experiment e = Experiment.builder("broken-from-the-start")
          .steadyState(Probe.of("never", () -> false))
          .faults(OUTAGE).duration(Duration.ofSeconds(10))
          .rollback("restore", () -> rolledBack[0] = true)
          .build();
      assertThatThrownBy(() -> shop.chaos.run(e)).isInstanceOf(SteadyStateException.class).hasMessageContaining("never");
      assertThat(rolledBack[0]).isTrue();
      assertThat(shop.chaos.armedFaults()).isEmpty();
    }
  }

  @Test
  void builderRejectsAScheduleLongerThanTheExperiment() {
    assertThatThrownBy(() -> Experiment.builder("x").faults(OUTAGE).duration(Duration.ofSeconds(4)).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duration");
  }
}
