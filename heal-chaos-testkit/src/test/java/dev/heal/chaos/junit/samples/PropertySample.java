package dev.heal.chaos.junit.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heal.chaos.Effect;
import dev.heal.chaos.FaultSchedule;
import dev.heal.chaos.junit.ChaosProperty;
import java.time.Duration;

/**
 * Run only through EngineTestKit. The "system" fails whenever an error fault on db lasts 500 ms or
 * more; the minimal failing schedule is therefore one db error fault of exactly 500 ms.
 */
public class PropertySample {
  @ChaosProperty(seed = "5", tries = 40, targets = {"db", "cache"}, effects = {"error", "latency:100ms"},
      maxFaults = 3, maxFaultDuration = "2s", horizon = "10s")
  void dbSurvivesShortErrorBursts(FaultSchedule schedule) {
    assertThat(schedule.faults()).noneMatch(f -> f.target().equals("db") && f.effect() instanceof Effect.Error
        && f.duration().orElseThrow().compareTo(Duration.ofMillis(500)) >= 0);
  }
}
