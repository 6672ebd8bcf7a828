package dev.heal.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heal.core.time.ManualClock;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class EffectGuardTest {

  @Test
  void aFaultThatNeverFiredFailsTheGuardWithItsNameAndTheSeed() {
    try (ChaosController chaos = ChaosController.builder().seed(777).clock(new ManualClock()).build()) {
      Supplier<String> s = chaos.supplier("inventory", () -> "ok");
      chaos.arm(Fault.error("inventroy")); // a typo: the classic silent chaos test
      s.get();
      assertThatThrownBy(chaos::verifyEffects).isInstanceOf(FaultNeverFiredException.class)
          .hasMessageContaining("inventroy:error").hasMessageContaining("777")
          .satisfies(e -> assertThat(((FaultNeverFiredException) e).faults()).containsExactly("inventroy:error"));
    }
  }

  @Test
  void aFaultThatFiredOncePassesTheGuardEvenAfterBeingDisarmed() {
    try (ChaosController chaos = ChaosController.builder().seed(1).clock(new ManualClock()).build()) {
      Supplier<String> s = chaos.supplier("inventory", () -> "ok");
      try (FaultHandle h = chaos.arm(Fault.latency("inventory", java.time.Duration.ofMillis(5)))) {
        s.get();
      }
      assertThatCode(chaos::verifyEffects).doesNotThrowAnyException();
    }
  }
}
