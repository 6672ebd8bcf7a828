package dev.heal.resilience;

import dev.heal.core.time.InlineExecutorService;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heal.core.healer.Signal;
import dev.heal.core.health.CheckKind;
import dev.heal.core.health.HealthRegistry;
import dev.heal.core.health.HealthStatus;
import dev.heal.core.time.ManualClock;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CircuitBreakerHealthTest {
  private final ManualClock clock = new ManualClock();
  private final RecordingSignalSink sink = new RecordingSignalSink();
  private final HealthRegistry health =
      HealthRegistry.builder().clock(clock).executor(new InlineExecutorService()).build();
  private boolean failing;

  @AfterEach
  void close() {
    health.close();
  }

  private Resilience resilience(DependencyScope scope) {
    return Resilience.builder()
        .clock(clock)
        .signals(sink)
        .healthRegistry(health)
        .healthCheckInterval(Duration.ofSeconds(1))
        .circuitBreaker("payments", b -> b.slidingWindowSize(4).minimumNumberOfCalls(4)
            .failureRateThreshold(50).waitDurationInOpenState(Duration.ofSeconds(10))
            .permittedNumberOfCallsInHalfOpenState(1))
        .dependencyScope("payments", scope)
        .build();
  }

  private Supplier<String> call(Resilience r) {
    return r.decorate(() -> {
      if (failing) {
        throw new IllegalStateException("payments down");
      }
      return "ok";
    }).withCircuitBreaker("payments").build();
  }

  private static void callQuietly(Supplier<String> s) {
    try {
      s.get();
    } catch (RuntimeException expected) {
      // failures are the point
    }
  }

  @Test
  void sharedDependencyOpenCircuitDegradesReadinessButNeverTakesItDownAndEmitsSignals() {
    Resilience r = resilience(DependencyScope.SHARED);
    Supplier<String> call = call(r);
    health.start();
    clock.advance(Duration.ofSeconds(1));
    assertThat(health.state("circuitbreaker.payments").orElseThrow().status())
        .isEqualTo(HealthStatus.UP);

    failing = true;
    for (int i = 0; i < 4; i++) {
      callQuietly(call);
    }
    assertThat(r.circuitBreaker("payments").orElseThrow().getState())
        .isEqualTo(CircuitBreaker.State.OPEN);
    Signal opened = sink.from(ResilienceSignals.CIRCUIT_BREAKER).get(0);
    assertThat(opened.name()).isEqualTo("payments");
    assertThat(opened.firing()).isTrue();
    assertThat(opened.labels()).containsEntry("state", "OPEN").containsEntry("from", "CLOSED");
    assertThat(opened.at()).isEqualTo(clock.now());

    clock.advance(Duration.ofSeconds(1));
    assertThat(health.state("circuitbreaker.payments").orElseThrow().status())
        .isEqualTo(HealthStatus.DEGRADED);
    assertThat(health.status(CheckKind.READINESS)).isEqualTo(HealthStatus.DEGRADED);
    assertThat(health.status(CheckKind.READINESS).isPassing()).isTrue();
    assertThat(health.status(CheckKind.LIVENESS)).isEqualTo(HealthStatus.UP);
    assertThatThrownBy(call::get).isInstanceOf(CallNotPermittedException.class);

    // the dependency recovers; after the open wait the next call probes and closes the circuit
    failing = false;
    clock.advance(Duration.ofSeconds(10));
    assertThat(call.get()).isEqualTo("ok");
    assertThat(r.circuitBreaker("payments").orElseThrow().getState())
        .isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(sink.from(ResilienceSignals.CIRCUIT_BREAKER))
        .extracting(s -> s.labels().get("state") + ":" + s.firing())
        .containsExactly("OPEN:true", "HALF_OPEN:true", "CLOSED:false");
    clock.advance(Duration.ofSeconds(1));
    assertThat(health.status(CheckKind.READINESS)).isEqualTo(HealthStatus.UP);
  }

  @Test
  void instanceScopedDependencyOpenCircuitTakesReadinessDownButNotLiveness() {
    Resilience r = resilience(DependencyScope.INSTANCE);
    Supplier<String> call = call(r);
    health.start();
    clock.advance(Duration.ofSeconds(1));
    assertThat(health.status(CheckKind.READINESS)).isEqualTo(HealthStatus.UP);

    failing = true;
    for (int i = 0; i < 4; i++) {
      callQuietly(call);
    }
    clock.advance(Duration.ofSeconds(1));
    assertThat(health.status(CheckKind.READINESS)).isEqualTo(HealthStatus.DOWN);
    assertThat(health.status(CheckKind.LIVENESS)).isEqualTo(HealthStatus.UP);
  }

  @Test
  void aTransitionWithoutTrafficIsSignalledAtOnceAndSeenByTheHealthCheck() {
    Resilience r = resilience(DependencyScope.SHARED);
    health.start();
    r.circuitBreaker("payments").orElseThrow().transitionToForcedOpenState();
    assertThat(sink.from(ResilienceSignals.CIRCUIT_BREAKER)).singleElement()
        .satisfies(s -> assertThat(s.labels()).containsEntry("state", "FORCED_OPEN"));
    clock.advance(Duration.ofSeconds(1));
    assertThat(health.state("circuitbreaker.payments").orElseThrow().status())
        .isEqualTo(HealthStatus.DEGRADED);
  }

  @Test
  void theCheckIsExternalReadinessOnly() {
    var cfg = CircuitBreakerHealth.config("payments", DependencyScope.SHARED, Duration.ofSeconds(1));
    assertThat(cfg.kinds()).containsExactly(CheckKind.READINESS);
    assertThat(cfg.external()).isTrue();
    assertThat(cfg.critical()).isFalse();
    assertThat(CircuitBreakerHealth.config("x", DependencyScope.INSTANCE, Duration.ofSeconds(1))
        .critical()).isTrue();
  }

  @Test
  void aThrowingSinkNeverBreaksTheCall() {
    Resilience r = Resilience.builder().clock(clock)
        .signals(s -> {
          throw new IllegalStateException("sink broken");
        })
        .circuitBreaker("payments", b -> b.slidingWindowSize(2).minimumNumberOfCalls(2))
        .build();
    Supplier<String> s = r.<String>decorate(() -> {
      throw new IllegalArgumentException("boom");
    }).withCircuitBreaker("payments").build();
    callQuietly(s);
    callQuietly(s);
    assertThat(r.circuitBreaker("payments").orElseThrow().getState())
        .isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(r.signalSinkFailures()).isEqualTo(1);
  }
}
