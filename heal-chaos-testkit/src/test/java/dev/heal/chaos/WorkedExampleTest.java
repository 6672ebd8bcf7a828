package dev.heal.chaos;

import static dev.heal.chaos.ChaosAssertions.assertThat;

import dev.heal.chaos.junit.ChaosTest;
import dev.heal.core.health.CheckKind;
import dev.heal.core.health.HealthCheckConfig;
import dev.heal.core.health.HealthRegistry;
import dev.heal.core.health.HealthResult;
import dev.heal.core.health.HealthStatus;
import dev.heal.core.healer.Action;
import dev.heal.core.healer.Healer;
import dev.heal.core.healer.RecoveryPlan;
import dev.heal.core.healer.Trigger;
import dev.heal.core.time.InlineExecutorService;
import dev.heal.core.time.ManualClock;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;

/** The worked example of docs/chaos-testing.md, verbatim. Its report is the picture in the docs. */
class WorkedExampleTest {

  /** The downstream dependency. */
  interface Inventory {
    int reserve(String sku) throws IOException;
  }

  /** The service under test: checkout through a connection pool that a failed call breaks. */
  static final class Checkout {
    private final Inventory inventory;
    private volatile boolean poolBroken;

    Checkout(Inventory inventory) {
      this.inventory = inventory;
    }

    boolean placeOrder() throws IOException {
      if (poolBroken) {
        throw new IOException("connection pool is broken");
      }
      try {
        return inventory.reserve("sku-1") > 0;
      } catch (IOException | RuntimeException e) {
        poolBroken = true; // stays broken after the inventory is back: someone must reconnect
        throw e;
      }
    }

    HealthResult health() {
      return poolBroken ? HealthResult.down("connection pool is broken") : HealthResult.up();
    }

    void reconnectPool() {
      poolBroken = false;
    }
  }

  private HealthRegistry health;
  private Healer healer;

  @AfterEach
  void stop() {
    healer.close();
    health.close();
  }

  @ChaosTest(seed = "42")
  void checkoutHealsAfterAnInventoryOutage(ChaosController chaos, ManualClock clock) {
    // 1. The service, with its dependency behind a chaos proxy named "inventory".
    Inventory realInventory = sku -> 1;
    Checkout checkout = new Checkout(chaos.proxy(Inventory.class, realInventory, "inventory"));

    // 2. heal watches the pool and reconnects it, all on the test's virtual clock.
    health = HealthRegistry.builder().clock(clock).executor(new InlineExecutorService()).build();
    health.register(HealthCheckConfig.builder("inventory").interval(Duration.ofMillis(500)).failureThreshold(1).build(),
        checkout::health);
    healer = Healer.builder().clock(clock).executor(new InlineExecutorService()).health(health)
        .cooldown(Duration.ofSeconds(1))
        .plan(RecoveryPlan.when(Trigger.check("inventory").isDown().forConsecutive(2))
            .then(Action.run("reconnectPool", checkout::reconnectPool)).attempts(5).backoff(Duration.ofSeconds(1))
            .verifyWithin(Duration.ofSeconds(1)).build())
        .build();
    health.start();
    clock.runDueTasks(); // the first health run

    // 3. The experiment: 20 checkouts/s for 12 s; the inventory fails from 2 s to 5 s.
    Fault outage = Fault.error("inventory").named("inventory-outage")
        .startingAt(Duration.ofSeconds(2)).lasting(Duration.ofSeconds(3));
    Experiment experiment = Experiment.builder("checkout-survives-inventory-outage")
        .steadyState(Probe.health(health, CheckKind.READINESS, HealthStatus.UP))
        .faults(outage)
        .load(Load.of(20, checkout::placeOrder))
        .duration(Duration.ofSeconds(12))
        .observe(health)
        .observe(healer)
        .build();

    ExperimentResult result = chaos.run(experiment);

    // 4. What must hold.
    assertThat(result)
        .healedBy("reconnectPool")
        .noEpisodeFailed()
        .detectedWithin(Duration.ofSeconds(1))
        .recoveredWithin(Duration.ofSeconds(2))
        .availability().isAtLeast(0.6);
    assertThat(result).availabilityDuring(outage).isAtMost(0.05); // the outage really bit
  }
}
