package dev.heal.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.heal.core.time.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {

  @Test
  void retriesAreLimitedToTheRatioOfRequestsPlusTheFloor() {
    ManualClock clock = new ManualClock();
    RetryBudget b = new RetryBudget("db", RetryBudgetConfig.builder().ratio(0.1)
        .minRetriesPerSecond(1).ttl(Duration.ofSeconds(10)).build(), clock);
    for (int i = 0; i < 100; i++) {
      b.recordRequest();
    }
    // 0.1 x 100 + 1/s x 10 s = 20
    int granted = 0;
    while (b.tryAcquireRetry()) {
      granted++;
    }
    assertThat(granted).isEqualTo(20);
    assertThat(b.retriesRefused()).isEqualTo(1);
    assertThat(b.available()).isZero();
  }

  @Test
  void depositsExpireAfterTheTtl() {
    ManualClock clock = new ManualClock();
    RetryBudget b = new RetryBudget("db", RetryBudgetConfig.builder().ratio(0.5)
        .minRetriesPerSecond(0).ttl(Duration.ofSeconds(2)).buckets(2).build(), clock);
    for (int i = 0; i < 10; i++) {
      b.recordRequest();
    }
    assertThat(b.available()).isEqualTo(5);
    clock.advance(Duration.ofSeconds(2));
    assertThat(b.available()).isZero();
    assertThat(b.tryAcquireRetry()).isFalse();
  }

  @Test
  void resilience4jStyleDecoratorRetriesOnlyWithinTheBudget() {
    ManualClock clock = new ManualClock();
    RetryBudget b = new RetryBudget("db", RetryBudgetConfig.builder().ratio(0.0)
        .minRetriesPerSecond(1).ttl(Duration.ofSeconds(1)).buckets(1).build(), clock);
    io.github.resilience4j.retry.Retry retry = io.github.resilience4j.retry.Retry.of("db",
        io.github.resilience4j.retry.RetryConfig.custom().maxAttempts(5)
            .intervalBiFunction((n, e) -> 0L).build());
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    java.util.function.Supplier<String> s = b.decorateSupplier(retry, () -> {
      calls.incrementAndGet();
      throw new IllegalStateException("down");
    });
    assertThatThrownBy(s::get).hasMessage("down");
    assertThat(calls).hasValue(2); // one retry from the floor of 1 per second, then refused
    assertThat(b.retriesGranted()).isEqualTo(1);
    assertThat(b.retriesRefused()).isEqualTo(1);
  }

  @Test
  void invalidParametersAreNamed() {
    assertThatThrownBy(() -> RetryBudgetConfig.builder().ratio(1.5).build())
        .hasMessageContaining("ratio");
    assertThatThrownBy(() -> RetryBudgetConfig.builder().minRetriesPerSecond(-1).build())
        .hasMessageContaining("minRetriesPerSecond");
    assertThatThrownBy(() -> RetryBudgetConfig.builder().ttl(Duration.ofMillis(10)).build())
        .hasMessageContaining("ttl");
  }

  /**
   * Property: whenever the budget grants a retry, the retries granted in the window ending then
   * (this one included) are at most ratio x requests in that window + floor x ttl seconds; and
   * whenever it refuses, granting would have broken that bound. The window is recomputed here from
   * the recorded history, independently of the budget's buckets.
   */
  @Test
  void neverGrantsMoreThanRatioTimesRecentRequestsPlusFloor() {
    qt().withExamples(300).forAll(
        doubles().between(0.0, 1.0),
        integers().between(0, 5),
        integers().between(1, 5),
        lists().of(integers().between(0, 9)).ofSizeBetween(1, 400))
        .checkAssert((ratio, floor, ttlSeconds, ops) -> {
          ManualClock clock = new ManualClock();
          RetryBudgetConfig cfg = RetryBudgetConfig.builder().ratio(ratio)
              .minRetriesPerSecond(floor).ttl(Duration.ofSeconds(ttlSeconds)).buckets(ttlSeconds)
              .build();
          RetryBudget budget = new RetryBudget("p", cfg, clock);
          List<Long> requests = new ArrayList<>();
          List<Long> retries = new ArrayList<>();
          long bucket = Duration.ofSeconds(1).toNanos();
          for (int op : ops) {
            if (op <= 4) {
              budget.recordRequest();
              requests.add(clock.nanoTime());
            } else if (op <= 7) {
              long now = clock.nanoTime();
              long from = (now / bucket - ttlSeconds + 1) * bucket;
              long reqs = requests.stream().filter(t -> t >= from).count();
              long rets = retries.stream().filter(t -> t >= from).count();
              double bound = ratio * reqs + (double) floor * ttlSeconds;
              boolean granted = budget.tryAcquireRetry();
              if (granted) {
                retries.add(now);
                assertThat(rets + 1).isLessThanOrEqualTo((long) Math.floor(bound + 1e-9));
              } else {
                assertThat((double) rets + 1).isGreaterThan(bound - 1e-9);
              }
            } else if (op == 8) {
              clock.advance(Duration.ofMillis(300));
            } else {
              clock.advance(Duration.ofSeconds(1));
            }
          }
          assertThat(budget.retriesGranted()).isEqualTo(retries.size());
          assertThat(budget.requests()).isEqualTo(requests.size());
        });
  }
}
