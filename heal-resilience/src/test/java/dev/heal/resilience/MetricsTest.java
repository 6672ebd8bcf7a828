package dev.heal.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heal.core.time.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class MetricsTest {

  @Test
  void bindsResilience4jNamesAndHealCountersReadAtScrapeTime() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Resilience r = Resilience.builder().clock(new ManualClock()).meterRegistry(meters)
        .circuitBreaker("payments").retry("payments", b -> b)
        .retryBudget("payments", RetryBudgetConfig.ofDefaults())
        .adaptiveLimit("payments", AdaptiveLimitConfig.ofDefaults())
        .build();
    Supplier<String> s = r.decorate(() -> "ok").withCircuitBreaker("payments").build();
    for (int i = 0; i < 3; i++) {
      s.get();
    }
    assertThat(meters.get("heal.resilience.circuitbreaker.calls").tag("name", "payments")
        .tag("outcome", "success").functionCounter().count()).isEqualTo(3.0);
    assertThat(meters.get("resilience4j.circuitbreaker.state").tag("state", "closed").gauge()
        .value()).isEqualTo(1.0);
    assertThat(meters.get("resilience4j.circuitbreaker.buffered.calls").tag("kind", "successful")
        .gauge().value()).isEqualTo(3.0);
    assertThat(meters.find("resilience4j.circuitbreaker.calls").timer())
        .as("no per-call timer").isNull();
    assertThat(meters.find("resilience4j.retry.calls").functionCounters()).isNotEmpty();
    assertThat(meters.get("heal.resilience.adaptive.limit").gauge().value()).isEqualTo(20.0);
    assertThat(meters.get("heal.resilience.retry.budget.available").gauge().value())
        .isEqualTo(100.0);
  }
}
