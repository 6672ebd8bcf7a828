package dev.heal.chaos.junit.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heal.chaos.ChaosController;
import dev.heal.chaos.Experiment;
import dev.heal.chaos.ExperimentResult;
import dev.heal.chaos.Fault;
import dev.heal.chaos.Load;
import dev.heal.chaos.junit.ChaosTest;
import java.time.Duration;
import java.util.function.Supplier;

/** Run only through EngineTestKit: an experiment whose fault starts at 800 ms, and an assertion that fails. */
public class ScheduledFaultSample {
  @ChaosTest(seed = "77")
  void failsAfterAScheduledFault(ChaosController chaos) {
    Supplier<String> backend = chaos.supplier("backend", () -> "ok");
    ExperimentResult r = chaos.run(Experiment.builder("scheduled")
        .faults(Fault.error("backend").named("backend-down").startingAt(Duration.ofMillis(800))
            .lasting(Duration.ofMillis(800)))
        .load(Load.of(10, backend::get)).duration(Duration.ofSeconds(3)).build());
    assertThat(r.availability()).as("full availability (wrongly)").isEqualTo(1.0);
  }
}
