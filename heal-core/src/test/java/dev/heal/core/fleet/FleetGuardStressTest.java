package dev.heal.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.heal.core.healer.Action;
import dev.heal.core.healer.ActionResult;
import dev.heal.core.healer.Actions;
import dev.heal.core.healer.Healer;
import dev.heal.core.healer.RecoveryPlan;
import dev.heal.core.healer.Trigger;
import dev.heal.core.time.HealClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The fleet guard with real threads and the system clock: 8 healers (each on its own action pool)
 * share an {@link InMemoryFleet} of 8 replicas with 2 slots whose store calls run on a 4-thread
 * pool, while 8 threads keep their triggers broken for 0–50 ms at a time, then resolve them, for 2 s. A disruptive action counts how
 * many run at once across the fleet: never more than the 2 slots. At the end every healer is
 * closed and every slot is given back. Bounded: 2 s of load, then at most 10 s of waiting.
 * (The deterministic model check, {@code HealerModelCheckTest}, is where a broken variant is shown
 * to be caught.)
 */
class FleetGuardStressTest {

  @Test
  void neverMoreDisruptiveActionsAtOnceThanSlotsWithRealThreads() throws Exception {
    ExecutorService io = Executors.newFixedThreadPool(4);
    InMemoryFleet fleet = InMemoryFleet.builder().replicas(8).share(0.25).clock(HealClock.system())
        .guard(g -> g.io(io).ttl(Duration.ofSeconds(10))).build();
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    AtomicLong ran = new AtomicLong();
    Action work = Actions.disruptive(Action.of("work", ctx -> {
      most.accumulateAndGet(inside.incrementAndGet(), Math::max);
      try {
        ran.incrementAndGet();
        return ActionResult.succeeded("worked");
      } finally {
        inside.decrementAndGet();
      }
    }));
    List<Healer> healers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      healers.add(Healer.builder().cooldown(Duration.ZERO).budget(1_000_000, Duration.ofSeconds(1))
          .fleetGuard(fleet.member("pod-" + i))
          .plan(RecoveryPlan.when(Trigger.signal("x")).named("x").then(work).verifyWithin(Duration.ofMillis(50))
              .build())
          .build());
    }
    ExecutorService load = Executors.newFixedThreadPool(8);
    long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    for (Healer h : healers) {
      load.execute(() -> {
        // Broken for 0-50 ms, then fine: episodes that get a slot, and ones that end waiting.
        while (System.nanoTime() - until < 0) {
          long brokenUntil = System.nanoTime() + ThreadLocalRandom.current().nextLong(50_000_000);
          h.raise("x", "broken");
          while (System.nanoTime() - brokenUntil < 0) {
            Thread.onSpinWait(); // a real signal source raises at its check interval, not in a tight loop
          }
          h.resolve("x", "fine");
        }
      });
    }
    load.shutdown();
    assertThat(load.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    healers.forEach(Healer::close);
    await().atMost(Duration.ofSeconds(10)).until(() -> fleet.state().slots().isEmpty());
    io.shutdown();
    assertThat(ran.get()).as("disruptive actions ran").isPositive();
    assertThat(most.get()).as("disruptive actions running at once").isBetween(1, fleet.capacity());
    assertThat(healers).allSatisfy(h -> assertThat(((StoreFleetGuard) fleet.member("pod-" + healers.indexOf(h)))
        .held()).isEmpty());
  }
}
