package dev.heal.chaos.junit.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heal.chaos.ChaosController;
import dev.heal.chaos.FaultSchedule;
import dev.heal.chaos.junit.ChaosProperty;
import java.time.Duration;

/** Run only through EngineTestKit: a property that holds for every generated schedule. */
public class PassingPropertySample {
  @ChaosProperty(tries = 12, targets = {"db"}, maxFaults = 2, horizon = "5s")
  void schedulesRespectTheirConstraints(FaultSchedule schedule, ChaosController chaos) {
    assertThat(schedule.size()).isBetween(1, 2);
    assertThat(schedule.end()).isLessThanOrEqualTo(Duration.ofSeconds(5));
    assertThat(chaos.armedFaults()).isEmpty();
  }
}
