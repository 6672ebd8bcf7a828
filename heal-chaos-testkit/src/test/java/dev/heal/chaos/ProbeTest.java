package dev.heal.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heal.core.health.HealthStatus;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ProbeTest {

  @Test
  void metricProbeHoldsInsideItsTolerance() throws Exception {
    AtomicReference<Double> depth = new AtomicReference<>(10.0);
    Probe p = Probe.metric("queue depth", depth::get, 0, 50);
    assertThat(p.holds()).isTrue();
    depth.set(51.0);
    assertThat(p.holds()).isFalse();
    assertThat(p.name()).contains("queue depth");
    assertThatThrownBy(() -> Probe.metric("x", () -> 1, 2, 1)).hasMessageContaining("max");
  }

  @Test
  void checkProbeFollowsOneHealthCheck() throws Exception {
    try (Shop shop = new Shop(1, false)) {
      Probe p = Probe.check(shop.health, "inventory", HealthStatus.UP);
      assertThat(p.holds()).isTrue();
      try {
        shop.chaos.arm(Fault.error("inventory"));
        shop.checkout();
      } catch (Exception expected) {
        // breaks the pool
      }
      shop.clock.advance(Duration.ofSeconds(1));
      assertThat(p.holds()).isFalse();
      assertThat(Probe.check(shop.health, "missing", HealthStatus.UP).holds()).isFalse();
    }
  }

  @Test
  void aLoadRejectsAnImpossibleRate() {
    assertThatThrownBy(() -> Load.of(0, () -> true)).hasMessageContaining("requestsPerSecond");
    assertThat(Load.of(20, () -> true).intervalNanos()).isEqualTo(50_000_000L);
  }
}
