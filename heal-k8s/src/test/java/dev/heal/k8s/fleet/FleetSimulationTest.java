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
 * machine that does not wait for its slot.
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
    // 4 % of 50: 2 slots. The first two replicas to drain crash while holding their slots.
    Duration ttl = Duration.ofSeconds(15);
    try (FleetSimulation sim = new FleetSimulation(new FleetSimulation.Settings(N, 2.0 / N, ttl, ERRORS, 3))) {
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
}
