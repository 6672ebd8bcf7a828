package dev.heal.chaos.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heal.chaos.ChaosController;
import dev.heal.chaos.Fault;
import dev.heal.core.time.HealClock;
import dev.heal.core.time.ManualClock;
import java.time.Duration;
import java.util.Random;
import java.util.function.Supplier;

class ChaosExtensionTest {

  @ChaosTest(seed = "4242")
  void injectsTheControllerItsManualClockAndASeededRandom(ChaosController chaos, ManualClock clock, HealClock healClock,
      Random random) {
    assertThat(chaos.seed()).isEqualTo(4242);
    assertThat(chaos.clock()).isSameAs(clock).isSameAs(healClock);
    try (ChaosController same = ChaosController.builder().seed(4242).build()) {
      assertThat(random.nextLong()).isEqualTo(same.random().nextLong());
    }
    Supplier<String> s = chaos.supplier("db", () -> "row");
    chaos.arm(Fault.latency("db", Duration.ofSeconds(1)));
    s.get();
    assertThat(clock.elapsed()).isEqualTo(Duration.ofSeconds(1));
  }

  @ChaosTest(virtualTime = false, verifyEffects = false)
  void realTimeUsesTheSystemClock(ChaosController chaos, HealClock clock) {
    assertThat(clock).isSameAs(HealClock.system());
    assertThat(chaos.clock()).isSameAs(clock);
  }
}
