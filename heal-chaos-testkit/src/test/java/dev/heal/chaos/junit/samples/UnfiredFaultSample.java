package dev.heal.chaos.junit.samples;

import dev.heal.chaos.ChaosController;
import dev.heal.chaos.Fault;
import dev.heal.chaos.junit.ChaosTest;

/** Run only through EngineTestKit: arms a fault that nothing ever calls. */
public class UnfiredFaultSample {
  @ChaosTest(seed = "99")
  void armsAFaultOnATargetNobodyCalls(ChaosController chaos) {
    chaos.arm(Fault.error("nobody"));
  }
}
