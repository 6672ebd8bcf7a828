package dev.heal.k8s.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heal.core.healer.HealEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The fleet simulation of issue 18 (see {@link FleetSimulation}): N replicas (50 here;
 * {@code -Dheal.fleet.replicas=500} for the benchmark run in docs/benchmarks.md) against fabric8's
 * mock API server in CRUD mode with injected faults, in virtual time. Each scenario prints one
 * {@code fleet-sim:} line with its figures.
 *
 * <p>How a broken guard would be caught: every drain start reads the ConfigMap and fails the run
 * if its episode holds no slot there, and every step compares drained replicas, replicas that
 * believe they hold a slot, and ConfigMap holders with the capacity; heal-core's
 * {@code HealerModelCheckTest.aBrokenFleetVariantIsCaught} shows the same checks catching a
 * machine that does not wait for its slot. Every step also compares the ConfigMap's holders with
 * the issue's {@code max(1, floor(share × serving))}, serving being the replicas ready now plus the
 * holders heal took out (the workload's {@code status.readyReplicas} follows the pods 2 s late); the
 * degraded-fleet scenario (30 % ready) runs the old count (desired replicas) and "every holder is
 * unready" as deliberately broken stores and shows both caught.
 */
class FleetSimulationTest {
  static final int N = Integer.getInteger("heal.fleet.replicas", 50);
  static final double ERRORS = 0.05;

  private static double perReplicaPerMinute(long requests, int replicas, Duration d) {
    return requests / (double) replicas / (d.toMillis() / 60_000.0);
  }

  private static void report(String scenario, FleetSimulation sim, String more) {
    System.out.println(String.format(Locale.ROOT, "fleet-sim: %s N=%d capacity=%d maxDrained=%d maxHolders=%d"
        + " requests=%d injectedFaults=%d crudConflicts=%d %s", scenario, sim.settings.replicas(), sim.capacity,
        sim.maxDrained, sim.maxHolders, sim.api.requests(), sim.api.injected(), sim.api.conflicts(), more));
  }

  @Test
  void aSharedDependencyOutageDrainsNoMoreThanTheGuardAllowsAndSkipsDrainsOnceFleetWide() {
    try (FleetSimulation sim = new FleetSimulation(new FleetSimulation.Settings(N, 0.25, Duration.ofSeconds(60),
        ERRORS, 1))) {
      sim.run(Duration.ofSeconds(60));
      long steady = sim.api.requests();
      sim.replicas.forEach(r -> r.dbDown = true);
      sim.run(Duration.ofSeconds(60));
      long incident = sim.api.requests() - steady;
      sim.replicas.forEach(r -> r.dbDown = false);
      sim.run(Duration.ofSeconds(40));
      assertThat(sim.violations).isEmpty();
      assertThat(sim.maxDrained).isLessThanOrEqualTo(sim.capacity).isPositive();
      long fleetWide = sim.count(HealEvent.Type.FLEET_REFUSED, "a shared cause");
      assertThat(fleetWide).as("drains skipped as fleet-wide").isGreaterThanOrEqualTo(N / 2);
      assertThat(sim.drainedEver().size()).isLessThanOrEqualTo(sim.capacity);
      assertThat(sim.read().slots()).as("every slot given back after the outage").isEmpty();
      report("shared-outage", sim, String.format(Locale.ROOT,
          "drainedEver=%d fleetWideSkips=%d reqPerReplicaPerMin.steady=%.2f reqPerReplicaPerMin.incident=%.2f",
          sim.drainedEver().size(), fleetWide, perReplicaPerMinute(steady, N, Duration.ofSeconds(60)),
          perReplicaPerMinute(incident, N, Duration.ofSeconds(60))));
    }
  }

  @Test
  void aLocalFaultOnTenPercentHealsEveryAffectedReplica() {
    try (FleetSimulation sim = new FleetSimulation(new FleetSimulation.Settings(N, 0.25, Duration.ofSeconds(60),
        ERRORS, 2))) {
      sim.run(Duration.ofSeconds(10));
      List<FleetSimulation.Replica> hit = sim.replicas.subList(0, Math.max(1, N / 10));
      Instant fault = sim.clock.now();
      long before = sim.api.requests();
      hit.forEach(r -> r.localFault = true);
      sim.run(Duration.ofSeconds(60));
      long incident = sim.api.requests() - before;
      assertThat(sim.violations).isEmpty();
      assertThat(hit).allSatisfy(r -> {
        assertThat(r.repairedAt).as(r.name + " repaired").isNotNull();
        assertThat(r.localFault).isFalse();
      });
      assertThat(sim.replicas.subList(hit.size(), N)).allSatisfy(r -> assertThat(r.drains).isZero());
      assertThat(sim.read().slots()).isEmpty();
      Duration last = hit.stream().map(r -> Duration.between(fault, r.repairedAt)).max(Duration::compareTo)
          .orElseThrow();
      report("local-10pct", sim, String.format(Locale.ROOT,
          "affected=%d faultToLastRepair=%s reqPerReplicaPerMin.incident=%.2f", hit.size(), last,
          perReplicaPerMinute(incident, N, Duration.ofSeconds(60))));
    }
  }

  @Test
  void aCrashedHoldersSlotIsReusedAfterItsTtl() {
    // 2.5 / N of N: 2 slots, and still 2 with the crashed holders and a drained survivor unready
    // (floor(2.5 × (N − 3) / N) = 2 for N ≥ 10). The first two replicas to drain crash while holding their slots.
    Duration ttl = Duration.ofSeconds(15);
    try (FleetSimulation sim = new FleetSimulation(new FleetSimulation.Settings(N, 2.5 / N, ttl, ERRORS, 3))) {
      sim.run(Duration.ofSeconds(10));
      List<FleetSimulation.Replica> hit = sim.replicas.subList(0, 5);
      hit.forEach(r -> r.localFault = true);
      // Until the first slots are granted.
      for (int i = 0; i < 400 && sim.grantedAt.size() < sim.capacity; i++) {
        sim.run(FleetSimulation.STEP);
      }
      List<FleetSimulation.Replica> crashed = hit.stream().filter(r -> r.drains > 0).toList();
      assertThat(crashed).hasSize(sim.capacity);
      Instant lapse = crashed.stream().map(r -> sim.grantedAt.get(r.name)).min(Instant::compareTo).orElseThrow()
          .plus(ttl);
      crashed.forEach(FleetSimulation.Replica::crash);
      sim.run(Duration.ofSeconds(180));
      assertThat(sim.violations).isEmpty();
      List<FleetSimulation.Replica> survivors = hit.stream().filter(r -> !crashed.contains(r)).toList();
      assertThat(survivors).allSatisfy(r -> {
        assertThat(r.repairedAt).as(r.name + " repaired").isNotNull();
        assertThat(sim.grantedAt.get(r.name)).as(r.name + " drained only once a crashed holder's slot lapsed")
            .isAfterOrEqualTo(lapse);
      });
      assertThat(sim.count(HealEvent.Type.FLEET_REFUSED, "slots held by pods " + crashed.get(0).name)).isPositive();
      report("crash", sim, String.format(Locale.ROOT, "crashed=%d survivorsRepaired=%d", crashed.size(),
          survivors.size()));
    }
  }

  @Test
  void conflictsAndApiErrorsNeverGrantASlotTwice() {
    // 30 % of the fleet fails locally for 5 slots, while a quarter of the requests fail.
    try (FleetSimulation sim = new FleetSimulation(new FleetSimulation.Settings(N, 0.1, Duration.ofSeconds(15),
        0.25, 4))) {
      sim.run(Duration.ofSeconds(5));
      List<FleetSimulation.Replica> hit = sim.replicas.subList(0, N * 3 / 10);
      Instant fault = sim.clock.now();
      hit.forEach(r -> r.localFault = true);
      sim.run(Duration.ofSeconds(240));
      assertThat(sim.violations).isEmpty();
      assertThat(sim.api.injected()).as("faults injected").isPositive();
      assertThat(sim.api.conflicts()).as("real resourceVersion conflicts from the CRUD mock").isPositive();
      assertThat(sim.maxHolders).isPositive().isLessThanOrEqualTo(sim.capacity);
      assertThat(hit).allSatisfy(r -> assertThat(r.repairedAt).as(r.name + " repaired").isNotNull());
      Duration last = hit.stream().map(r -> Duration.between(fault, r.repairedAt)).max(Duration::compareTo)
          .orElseThrow();
      long conflicts = sim.replicas.stream().mapToLong(r -> r.guard.conflicts()).sum();
      report("contention-errors", sim, String.format(Locale.ROOT,
          "affected=%d faultToLastRepair=%s guardConflictsRetried=%d", hit.size(), last, conflicts));
    }
  }

  /** A degraded fleet's run: {@code desired} replicas, 30 % ready, then a shared fault on every live one. */
  private record Degraded(FleetSimulation sim, int ready, int slots) {}

  private static Degraded degraded(int desired, FleetSimulation.Count count) {
    int ready = (int) Math.ceil(desired * 0.3);
    FleetSimulation sim = new FleetSimulation(new FleetSimulation.Settings(desired, 0.25, Duration.ofSeconds(60),
        ERRORS, 5, desired - ready, count));
    sim.run(Duration.ofSeconds(10));
    assertThat(sim.servingNow()).as("replicas ready before the fault").isEqualTo(ready);
    int slots = Math.max(1, (int) Math.floor(0.25 * ready));
    sim.minServing = Integer.MAX_VALUE;
    // Below the fleet-wide threshold (30 % of the desired replicas fail): only the slots hold the fleet.
    sim.replicas.stream().filter(r -> !r.dead).forEach(r -> r.dbDown = true);
    sim.run(Duration.ofSeconds(90));
    sim.replicas.stream().filter(r -> !r.dead).forEach(r -> r.dbDown = false);
    sim.run(Duration.ofSeconds(40));
    return new Degraded(sim, ready, slots);
  }

  @Test
  void aDegradedFleetDrainsAShareOfItsReadyReplicasNotOfItsDesiredOnes() {
    for (int desired : new int[] {10, N}) {
      Degraded d = degraded(desired, FleetSimulation.Count.AS_BUILT);
      try (FleetSimulation sim = d.sim()) {
        assertThat(sim.violations).as("desired %d", desired).isEmpty();
        assertThat(sim.maxDrained).as("the shared fault drained some replicas").isPositive();
        assertThat(sim.maxHolders).isLessThanOrEqualTo(d.slots());
        assertThat(sim.minServing).as("serving replicas during the fault, %d ready, %d slot(s)", d.ready(), d.slots())
            .isGreaterThanOrEqualTo(d.ready() - d.slots());
        assertThat(sim.read().slots()).as("every slot given back").isEmpty();
        report("degraded-30pct-ready", sim, String.format(Locale.ROOT, "ready=%d slots=%d minServing=%d drainedEver=%d",
            d.ready(), d.slots(), sim.minServing, sim.drainedEver().size()));
      }
    }
  }

  @Test
  void theOldFormulaWithDesiredReplicasIsCaughtByTheDegradedFleet() {
    for (int desired : new int[] {10, N}) {
      Degraded d = degraded(desired, FleetSimulation.Count.DESIRED);
      try (FleetSimulation sim = d.sim()) {
        assertThat(sim.violations).as("desired %d: holders beyond max(1, floor(share × serving))", desired)
            .isNotEmpty();
        assertThat(sim.minServing).as("desired %d: serving replicas fell below ready − slots", desired)
            .isLessThan(d.ready() - d.slots());
        report("degraded-broken-desired", sim, String.format(Locale.ROOT, "ready=%d slots=%d minServing=%d"
            + " violations=%d first=%s", d.ready(), d.slots(), sim.minServing, sim.violations.size(),
            sim.violations.get(0)));
      }
    }
  }

  @Test
  void countingEveryHolderAsUnreadyIsCaughtByTheDegradedFleet() {
    Degraded d = degraded(N, FleetSimulation.Count.READY_PLUS_HOLDERS);
    try (FleetSimulation sim = d.sim()) {
      assertThat(sim.violations).as("holders beyond max(1, floor(share × serving))").isNotEmpty();
      report("degraded-broken-ready-plus-holders", sim, String.format(Locale.ROOT, "ready=%d slots=%d minServing=%d"
          + " violations=%d first=%s", d.ready(), d.slots(), sim.minServing, sim.violations.size(),
          sim.violations.get(0)));
    }
  }
}
