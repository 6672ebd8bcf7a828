package dev.heal.chaos.junit.samples;

import dev.heal.chaos.ChaosController;
import dev.heal.chaos.Experiment;
import dev.heal.chaos.Fault;
import dev.heal.chaos.Load;
import dev.heal.chaos.junit.ChaosTest;
import java.time.Duration;
import java.util.function.Supplier;

/** Run only through EngineTestKit: an experiment whose report the extension writes and attaches. */
public class ExperimentSample {
  @ChaosTest(seed = "8")
  void runsAnExperiment(ChaosController chaos) {
    Supplier<String> db = chaos.supplier("db", () -> "row");
    chaos.run(Experiment.builder("sample")
        .faults(Fault.errorRate("db", 0.5).startingAt(Duration.ofSeconds(1)).lasting(Duration.ofSeconds(1)))
        .load(Load.of(10, db::get)).duration(Duration.ofSeconds(3)).build());
  }
}
