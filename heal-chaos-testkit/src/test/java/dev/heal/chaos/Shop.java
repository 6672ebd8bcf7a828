package dev.heal.chaos;

import dev.heal.core.health.HealthCheckConfig;
import dev.heal.core.health.HealthRegistry;
import dev.heal.core.health.HealthResult;
import dev.heal.core.healer.Action;
import dev.heal.core.healer.Healer;
import dev.heal.core.healer.RecoveryPlan;
import dev.heal.core.healer.Trigger;
import dev.heal.core.time.InlineExecutorService;
import dev.heal.core.time.ManualClock;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small service for experiments: checkout calls an inventory service through a connection pool.
 * A failed call poisons the pool, which stays broken (even after the inventory is fine again) until
 * someone reconnects it: exactly what heal's healer is for. Runs in virtual time.
 */
final class Shop implements AutoCloseable {
  interface Inventory {
    int reserve(String sku) throws IOException;
  }

  final ManualClock clock = new ManualClock();
  final ChaosController chaos;
  final HealthRegistry health = HealthRegistry.builder().clock(clock).executor(new InlineExecutorService()).build();
  final Healer healer;
  final Inventory inventory;
  final AtomicInteger reconnects = new AtomicInteger();
  private volatile boolean poolBroken;

  Shop(long seed, boolean withHealer) {
    chaos = ChaosController.builder().seed(seed).clock(clock).build();
    // The real inventory answers; the chaos proxy in front of it is where faults land.
    inventory = chaos.proxy(Inventory.class, sku -> 1, "inventory");
    health.register(HealthCheckConfig.builder("inventory").interval(Duration.ofMillis(500)).failureThreshold(1).build(),
        () -> poolBroken ? HealthResult.down("connection pool is broken") : HealthResult.up());
    Healer.Builder hb = Healer.builder().clock(clock).executor(new InlineExecutorService()).health(health)
        .cooldown(Duration.ofSeconds(1));
    if (withHealer) {
      hb.plan(RecoveryPlan.when(Trigger.check("inventory").isDown().forConsecutive(2))
          .then(Action.run("reconnectPool", this::reconnect)).attempts(5).backoff(Duration.ofSeconds(1))
          .verifyWithin(Duration.ofSeconds(1)).build());
    }
    healer = hb.build();
    health.start();
    clock.runDueTasks();
  }

  /** One checkout: fails while the pool is broken; a failed inventory call breaks the pool. */
  boolean checkout() throws IOException {
    if (poolBroken) {
      throw new IOException("connection pool is broken");
    }
    try {
      return inventory.reserve("sku-1") == 1;
    } catch (IOException | RuntimeException e) {
      poolBroken = true;
      throw e;
    }
  }

  void reconnect() {
    reconnects.incrementAndGet();
    poolBroken = false;
  }

  @Override
  public void close() {
    healer.close();
    health.close();
    chaos.close();
  }
}
