package dev.heal.chaos.junit.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heal.chaos.ChaosController;
import dev.heal.chaos.Fault;
import dev.heal.chaos.InjectedFaultException;
import java.util.function.Supplier;
import dev.heal.chaos.junit.ChaosTest;

/** Run only through EngineTestKit: a chaos test whose assertion fails. */
public class FailingChaosSample {
  @ChaosTest(seed = "123")
  void failsAfterTheFaultFired(ChaosController chaos) {
    Supplier<String> s = chaos.supplier("db", () -> "row");
    chaos.arm(Fault.errorRate("db", 0.5));
    int failures = 0;
    for (int i = 0; i < 10; i++) {
      try {
        s.get();
      } catch (InjectedFaultException e) {
        failures++;
      }
    }
    assertThat(failures).as("no failures expected (wrongly)").isZero();
  }
}
