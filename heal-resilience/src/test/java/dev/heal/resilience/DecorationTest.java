package dev.heal.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heal.core.time.ManualClock;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class DecorationTest {
  private final ManualClock clock = new ManualClock();
  private final AtomicBoolean featureOn = new AtomicBoolean(true);
  private final Resilience r = Resilience.builder()
      .clock(clock)
      .features(f -> featureOn.get())
      .circuitBreaker("cb", b -> b.slidingWindowSize(2).minimumNumberOfCalls(2))
      .retry("retry", b -> b.maxAttempts(2).intervalBiFunction((n, e) -> 0L))
      .timeLimiter("tl", b -> b.timeoutDuration(Duration.ofSeconds(1)))
      .build();
  private final AtomicInteger calls = new AtomicInteger();

  @Test
  void decoratesASupplierInResilience4jOrderWhateverTheCallOrder() {
    Supplier<String> s = r.<String>decorate(() -> {
      calls.incrementAndGet();
      throw new IllegalStateException("down");
    }).withCircuitBreaker("cb").withRetry("retry").build();
    assertThatThrownBy(s::get).hasMessage("down");
    assertThat(calls).hasValue(2); // retry outside the breaker: two attempts, both recorded
    assertThatThrownBy(s::get).isInstanceOf(CallNotPermittedException.class);
  }

  @Test
  void fallbackAndDegradation() {
    Supplier<String> s = r.<String>decorate(() -> {
      calls.incrementAndGet();
      throw new IllegalStateException("down");
    }).withRetry("retry").withFallback(t -> "fallback:" + t.getMessage())
        .withDegradation("f", () -> "degraded").build();
    assertThat(s.get()).isEqualTo("fallback:down");
    featureOn.set(false);
    assertThat(s.get()).isEqualTo("degraded");
    assertThat(calls).hasValue(2);
    assertThat(r.degradedCalls("f")).isEqualTo(1);
  }

  @Test
  void asyncDecorationWithTimeLimitOnTheHealClock() {
    CompletableFuture<String> never = new CompletableFuture<>();
    Supplier<CompletionStage<String>> s = r.decorateCompletionStage(() -> never)
        .withTimeLimiter("tl").withFallback(t -> CompletableFuture.completedFuture("late"))
        .build();
    CompletionStage<String> out = s.get();
    assertThat(out.toCompletableFuture()).isNotDone();
    clock.advance(Duration.ofSeconds(1));
    assertThat(out.toCompletableFuture().join()).isEqualTo("late");
  }

  @Test
  void unknownPoliciesAndSyncTimeLimitsFailAtBuild() {
    assertThatThrownBy(() -> r.decorate(() -> "x").withCircuitBreaker("nope").build())
        .isInstanceOf(ResilienceException.class)
        .hasMessageContaining("Resilience.decorate(...): @CircuitBreaker(name = \"nope\")");
    assertThatThrownBy(() -> r.decorate(() -> "x").withTimeLimiter("tl").build())
        .hasMessageContaining("@TimeLimiter needs a CompletionStage");
  }
}
