package dev.heal.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heal.core.healer.Action;
import dev.heal.core.healer.Healer;
import dev.heal.core.healer.Outcome;
import dev.heal.core.healer.RecoveryPlan;
import dev.heal.core.healer.Trigger;
import dev.heal.core.health.HealthRegistry;
import dev.heal.core.health.HealthStatus;
import dev.heal.core.time.InlineExecutorService;
import dev.heal.core.time.ManualClock;
import dev.heal.resilience.Fallback;
import dev.heal.resilience.Resilience;
import dev.heal.resilience.ResilienceSignals;
import io.github.resilience4j.circuitbreaker.annotation.CircuitBreaker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The testkit's faults inside heal-resilience's real decorators: an error fault on a dependency
 * opens the circuit, the fallback answers, the circuit becomes a DEGRADED health check and a
 * healer episode, and everything recovers once the fault is disarmed. Virtual time throughout.
 */
class HealResilienceCompositionTest {
  interface Inventory {
    @CircuitBreaker(name = "inventory")
    @Fallback("lastKnown")
    int stock(String sku);
  }

  /** The implementation calls a backend that the chaos controller wraps. */
  static final class RemoteInventory implements Inventory {
    private final Supplier<Integer> backend;

    RemoteInventory(Supplier<Integer> backend) {
      this.backend = backend;
    }

    @Override
    public int stock(String sku) {
      return backend.get();
    }

    int lastKnown(String sku, Throwable cause) {
      return -1;
    }
  }

  @Test
  void errorFaultOpensTheRealCircuitAndHealingFollows() throws Exception {
    ManualClock clock = new ManualClock();
    try (ChaosController chaos = ChaosController.builder().seed(11).clock(clock).build();
        HealthRegistry health = HealthRegistry.builder().clock(clock).executor(new InlineExecutorService()).build()) {
      AtomicInteger resets = new AtomicInteger();
      Healer healer = Healer.builder().clock(clock).executor(new InlineExecutorService()).health(health)
          .plan(RecoveryPlan.when(Trigger.signal(ResilienceSignals.CIRCUIT_BREAKER, "inventory")
                  .forAtLeast(Duration.ofSeconds(5)))
              .then(Action.run("resetInventoryClient", resets::incrementAndGet)).verifyWithin(Duration.ofMinutes(1))
              .build())
          .build();
      Resilience resilience = Resilience.builder().clock(clock).signals(healer).healthRegistry(health)
          .healthCheckInterval(Duration.ofSeconds(1))
          .circuitBreaker("inventory", b -> b.slidingWindowSize(10).minimumNumberOfCalls(5).failureRateThreshold(50)
              .waitDurationInOpenState(Duration.ofSeconds(2)).permittedNumberOfCallsInHalfOpenState(2))
          .build();
      health.start();
      Inventory inventory = resilience.proxy(Inventory.class,
          new RemoteInventory(chaos.supplier("inventory-backend", () -> 7)));
      assertThat(inventory.stock("apple")).isEqualTo(7);

      FaultHandle fault = chaos.arm(Fault.error("inventory-backend"));
      for (int i = 0; i < 10; i++) {
        assertThat(inventory.stock("apple")).as("the fallback answers").isEqualTo(-1);
      }
      assertThat(resilience.circuitBreaker("inventory").orElseThrow().getState().name()).isEqualTo("OPEN");
      clock.advance(Duration.ofSeconds(1));
      assertThat(health.state("circuitbreaker.inventory").orElseThrow().status())
          .as("an open circuit on a shared dependency is DEGRADED, never DOWN").isEqualTo(HealthStatus.DEGRADED);
      for (int i = 0; i < 6; i++) {
        clock.advance(Duration.ofSeconds(1));
        inventory.stock("apple"); // keeps the circuit open while the fault lasts
      }
      assertThat(resets).as("the healer acted on the open circuit").hasValue(1);
      assertThat(chaos.hits("inventory-backend:error")).isGreaterThanOrEqualTo(5);

      fault.close();
      // Once the fault is gone the circuit half-opens after its wait and closes on good calls.
      int good = 0;
      for (int i = 0; i < 10 && good < 3; i++) {
        clock.advance(Duration.ofSeconds(1));
        good += inventory.stock("apple") == 7 ? 1 : 0;
      }
      assertThat(good).as("real answers again after the fault").isEqualTo(3);
      clock.advance(Duration.ofSeconds(2));
      assertThat(resilience.circuitBreaker("inventory").orElseThrow().getState().name()).isEqualTo("CLOSED");
      assertThat(health.state("circuitbreaker.inventory").orElseThrow().status()).isEqualTo(HealthStatus.UP);
      assertThat(healer.journal().recent(1).get(0).outcome()).contains(Outcome.RECOVERED);
      healer.close();
    }
  }
}
