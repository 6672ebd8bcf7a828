package dev.heal.chaos.junit6.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heal.chaos.FaultSchedule;
import dev.heal.chaos.junit.ChaosProperty;
import java.time.Duration;

/** Run only through EngineTestKit: fails for any fault of 1 s or more, so shrinking must find exactly 1 s. */
public class ShrinkingSample {
  @ChaosProperty(seed = "7", tries = 30, targets = {"db"}, maxFaults = 3, maxFaultDuration = "3s", horizon = "6s")
  void noLongFaults(FaultSchedule schedule) {
    assertThat(schedule.faults()).allMatch(f -> f.duration().orElseThrow().compareTo(Duration.ofSeconds(1)) < 0);
  }
}
