package dev.heal.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heal.core.health.CheckKind;
import dev.heal.core.health.HealthStatus;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** One master seed drives every random choice: same seed, same schedule, same measurements. */
class SeedReproducibilityTest {
  static final ScheduleGenerator GEN = ScheduleGenerator.builder().targets("inventory")
      .effects(new Effect.Error("boom"), new Effect.Latency(LatencyDistribution.uniform(Duration.ofMillis(1), Duration.ofMillis(40))))
      .faults(1, 3).horizon(Duration.ofSeconds(8)).build();

  private static ExperimentResult run(long seed) {
    try (Shop shop = new Shop(seed, true)) {
      FaultSchedule schedule = new FaultSchedule(GEN.generate(shop.chaos.derivedSeed("schedule")).faults().stream()
          .map(f -> f.withRate(0.5)).toList());
      Experiment e = Experiment.builder("repro")
          .steadyState(Probe.health(shop.health, CheckKind.READINESS, HealthStatus.UP))
          .faults(schedule).load(Load.of(50, shop::checkout)).duration(Duration.ofSeconds(10))
          .observe(shop.health).observe(shop.healer).build();
      return shop.chaos.run(e);
    }
  }

  @Test
  void sameSeedGivesTheSameScheduleAndTheSameMeasurements() {
    ExperimentResult a = run(2024);
    ExperimentResult b = run(2024);
    assertThat(a.schedule()).isEqualTo(b.schedule());
    assertThat(a.availability()).isEqualTo(b.availability());
    assertThat(a.requests()).isEqualTo(b.requests());
    assertThat(a.markers()).isEqualTo(b.markers());
    assertThat(a.episodes().size()).isEqualTo(b.episodes().size());
    assertThat(a.faultReports()).isEqualTo(b.faultReports());
  }

  @Test
  void anotherSeedGivesAnotherRun() {
    ExperimentResult a = run(2024);
    ExperimentResult c = run(2025);
    assertThat(c.schedule().equals(a.schedule()) && c.requests().equals(a.requests())).isFalse();
  }
}
