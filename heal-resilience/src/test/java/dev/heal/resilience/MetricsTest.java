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

  /**
   * Issue 13, item 8: the opt-in registers resilience4j's standard circuit breaker meters (the
   * {@code resilience4j_circuitbreaker_calls_seconds} timer dashboards query) next to heal's, whose
   * names do not change, and the not-permitted counter stays cumulative across periods.
   */
  @Test
  void theOptInAddsResilience4jsStandardBreakerMetersAndKeepsHeals() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Resilience r = Resilience.builder().clock(new ManualClock()).meterRegistry(meters)
        .resilience4jCircuitBreakerMeters(true)
        .circuitBreaker("payments", b -> b.slidingWindowSize(2).minimumNumberOfCalls(2))
        .build();
    Supplier<String> ok = r.decorate(() -> "ok").withCircuitBreaker("payments").build();
    Supplier<String> down = r.<String>decorate(() -> {
      throw new IllegalStateException("down");
    }).withCircuitBreaker("payments").build();
    ok.get();
    ok.get();
    for (int i = 0; i < 4; i++) {
      assertThatThrownBy(down::get).isInstanceOf(RuntimeException.class);
    }
    CircuitBreakerCounts counts = new CircuitBreakerCounts(meters);
    assertThat(counts.timer("successful")).isEqualTo(2);
    assertThat(counts.timer("failed")).as("the first failure opens the window of 2").isEqualTo(1);
    assertThat(meters.get("heal.resilience.circuitbreaker.calls").tag("outcome", "rejected")
        .functionCounter().count()).isEqualTo(3.0);
    r.circuitBreaker("payments").orElseThrow().transitionToClosedState(); // a new period
    assertThat(meters.get("resilience4j.circuitbreaker.not.permitted.calls").counter().count())
        .as("cumulative, not resilience4j's per-period metrics count").isEqualTo(3.0);
    assertThat(meters.find("resilience4j.circuitbreaker.slow.calls").gauges()).isNotEmpty();
  }

  private record CircuitBreakerCounts(SimpleMeterRegistry meters) {
    long timer(String kind) {
      return meters.get("resilience4j.circuitbreaker.calls").tag("kind", kind).timer().count();
    }
  }

  /**
   * Issue 13, item 8: {@code promtool check metrics} finds nothing wrong with the Prometheus scrape
   * of every meter heal-resilience registers (every policy kind, the opt-in standard breaker
   * meters, a degraded call), HELP text included.
   */
  @Test
  void promtoolFindsNothingWrongWithThePrometheusScrape() throws Exception {
    var prometheus = new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
        io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
    Resilience r = Resilience.builder().clock(new ManualClock()).meterRegistry(prometheus)
        .resilience4jCircuitBreakerMeters(true)
        .features(feature -> false)
        .circuitBreaker("payments").retry("payments", b -> b).bulkhead("payments", b -> b)
        .rateLimiter("payments", b -> b).timeLimiter("payments", b -> b)
        .retryBudget("payments", RetryBudgetConfig.ofDefaults())
        .adaptiveLimit("payments", AdaptiveLimitConfig.ofDefaults())
        .build();
    r.decorate(() -> "ok").withRetry("payments").withCircuitBreaker("payments").withBulkhead("payments")
        .withRateLimiter("payments").withAdaptiveLimit("payments", Priority.NORMAL).build().get();
    String scrape = prometheus.scrape();
    assertThat(scrape).contains("resilience4j_circuitbreaker_calls_seconds_count{",
        "heal_resilience_circuitbreaker_calls_total{", "resilience4j_retry_calls_total{",
        "heal_resilience_adaptive_limit{", "heal_resilience_retry_budget_available{");
    Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
    try (var in = promtool.getOutputStream()) {
      in.write(scrape.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    String report = new String(promtool.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(promtool.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("promtool finished").isTrue();
    assertThat(report).as("promtool check metrics on:%n%s", scrape).isEmpty();
    assertThat(promtool.exitValue()).isZero();
  }
}
