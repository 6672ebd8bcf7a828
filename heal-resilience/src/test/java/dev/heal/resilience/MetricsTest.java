package dev.heal.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heal.core.time.ManualClock;
import dev.heal.resilience.internal.HealCircuitBreaker;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
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

  @Test
  void countsAndGaugesAreExactAfterManyCalls() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Resilience r = Resilience.builder().clock(new ManualClock()).meterRegistry(meters)
        .circuitBreaker("payments", b -> b.slidingWindowSize(50).minimumNumberOfCalls(10))
        .build();
    boolean[] failing = {false};
    Supplier<String> s = r.decorate(() -> {
      if (failing[0]) {
        throw new IllegalStateException("down");
      }
      return "ok";
    }).withCircuitBreaker("payments").build();
    for (int i = 0; i < 1000; i++) {
      s.get();
    }
    failing[0] = true;
    assertThatThrownBy(s::get).isInstanceOf(IllegalStateException.class);
    assertThat(meters.get("heal.resilience.circuitbreaker.calls").tag("outcome", "success")
        .functionCounter().count()).isEqualTo(1000.0);
    assertThat(meters.get("heal.resilience.circuitbreaker.calls").tag("outcome", "failure")
        .functionCounter().count()).isEqualTo(1.0);
    assertThat(meters.get("resilience4j.circuitbreaker.buffered.calls").tag("kind", "successful")
        .gauge().value()).isEqualTo(49.0);
    assertThat(meters.get("resilience4j.circuitbreaker.failure.rate").gauge().value())
        .isEqualTo(2.0);
  }

  @Test
  void resilience4jsOwnPerCallTimerTimesEveryCallThroughHealsFront() {
    Resilience r = Resilience.builder().clock(new ManualClock())
        .circuitBreaker("payments", b -> b.minimumNumberOfCalls(1))
        .build();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(r.circuitBreakerRegistry()).bindTo(meters);
    Supplier<String> s = r.decorate(() -> "ok").withCircuitBreaker("payments").build();
    for (int i = 0; i < 100; i++) {
      s.get();
    }
    assertThat(meters.get("resilience4j.circuitbreaker.calls").tag("kind", "successful").timer()
        .count()).isEqualTo(100);
  }

  /** Issue 13, problem 8: promtool reported "no help text" on every heal meter. */
  @Test
  void everyMeterHealRegistersHasHelpTextAndNotPermittedNeverGoesBackwards() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Resilience r = Resilience.builder().clock(new ManualClock()).meterRegistry(meters)
        .circuitBreaker("payments").retryBudget("payments", RetryBudgetConfig.ofDefaults())
        .adaptiveLimit("payments", AdaptiveLimitConfig.ofDefaults())
        .build();
    r.decorate(() -> "ok").withDegradation("recommendations", () -> "none").build().get();
    assertThat(meters.getMeters()).isNotEmpty().allSatisfy(m -> {
      String name = m.getId().getName();
      if (name.startsWith("heal.") || name.startsWith("resilience4j.circuitbreaker.")) {
        assertThat(m.getId().getDescription()).as("HELP of %s", name).isNotBlank();
      }
    });
    var cb = r.circuitBreaker("payments").orElseThrow();
    cb.transitionToOpenState();
    assertThat(cb.tryAcquirePermission()).isFalse();
    cb.transitionToHalfOpenState(); // resilience4j's own count restarts here
    assertThat(meters.get("resilience4j.circuitbreaker.not.permitted.calls").functionCounter()
        .count()).isEqualTo(1.0);
    assertThat(meters.get("heal.resilience.circuitbreaker.transitions").functionCounter()
        .count()).isEqualTo(2.0);
  }
}
