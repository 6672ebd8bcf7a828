package dev.heal.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heal.core.health.CheckKind;
import dev.heal.core.health.HealthRegistry;
import dev.heal.core.health.HealthStatus;
import dev.heal.core.healer.Action;
import dev.heal.core.healer.ActionResult;
import dev.heal.core.healer.Actions;
import dev.heal.core.healer.Episode;
import dev.heal.core.healer.HealEvent;
import dev.heal.core.healer.Healer;
import dev.heal.core.healer.Outcome;
import dev.heal.core.healer.RecoveryPlan;
import dev.heal.core.healer.StepRecord;
import dev.heal.core.healer.Trigger;
import dev.heal.core.time.InlineExecutorService;
import dev.heal.core.time.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The fleet guard through the healer, with an {@link InMemoryFleet} and virtual time. */
class FleetGuardTest {
  private final ManualClock clock = new ManualClock();
  private final List<String> paged = new ArrayList<>();

  private final class Replica {
    final HealthRegistry registry =
        HealthRegistry.builder().clock(clock).executor(new InlineExecutorService()).build();
    final List<HealEvent> events = new ArrayList<>();
    final Healer healer;

    Replica(InMemoryFleet fleet, String name, OptionalDouble unlessFleetWide) {
      RecoveryPlan.Builder plan = RecoveryPlan.when(Trigger.signal("db")).named("db").target("db")
          .then(Actions.drain(registry)).verifyWithin(Duration.ofMinutes(5))
          .escalateTo(Action.run("page", () -> paged.add(name)));
      unlessFleetWide.ifPresent(plan::unlessFleetWide);
      healer = Healer.builder().clock(clock).executor(new InlineExecutorService()).eventExecutor(Runnable::run)
          .cooldown(Duration.ZERO).fleetGuard(fleet.member(name)).plan(plan.build()).listener(events::add).build();
    }

    Episode last() {
      return healer.journal().recent(1).get(0);
    }

    boolean drained() {
      return registry.status(CheckKind.READINESS) == HealthStatus.DOWN;
    }
  }

  private InMemoryFleet fleet(int replicas, double share) {
    return InMemoryFleet.builder().replicas(replicas).share(share).clock(clock)
        .guard(g -> g.ttl(Duration.ofSeconds(30))).build();
  }

  @Test
  void drainHoldsAFleetSlotUntilTheEpisodeEnds() {
    InMemoryFleet fleet = fleet(4, 0.25);
    Replica a = new Replica(fleet, "pod-a", OptionalDouble.empty());
    a.healer.raise("db", "db down");
    assertThat(a.drained()).isTrue();
    assertThat(fleet.state().holders(clock.now())).containsExactly("pod-a");
    a.healer.resolve("db", "db back");
    assertThat(a.last().outcome()).contains(Outcome.RECOVERED);
    assertThat(a.drained()).isFalse();
    assertThat(fleet.state().slots()).isEmpty();
  }

  @Test
  void withoutASlotTheDrainIsJournaledUnavailableNamingTheHoldersAndThePlanEscalates() {
    InMemoryFleet fleet = fleet(4, 0.25);
    Replica a = new Replica(fleet, "pod-a", OptionalDouble.empty());
    Replica b = new Replica(fleet, "pod-b", OptionalDouble.empty());
    a.healer.raise("db", "db down");
    b.healer.raise("db", "db down");
    assertThat(b.drained()).isFalse();
    StepRecord refused = b.last().steps().get(0);
    assertThat(refused.status()).contains(ActionResult.Status.UNAVAILABLE);
    assertThat(refused.message()).isEqualTo("fleet guard: 1 of 1 slots held by pods pod-a");
    assertThat(b.events).extracting(HealEvent::type).contains(HealEvent.Type.FLEET_REFUSED, HealEvent.Type.ESCALATED);
    assertThat(paged).containsExactly("pod-b");
  }

  @Test
  void unlessFleetWideSkipsTheDrainWhenMostOfTheFleetSharesTheSymptom() {
    InMemoryFleet fleet = fleet(4, 0.5);
    List<Replica> replicas = new ArrayList<>();
    for (String n : List.of("pod-a", "pod-b", "pod-c")) {
      replicas.add(new Replica(fleet, n, OptionalDouble.of(0.5)));
    }
    // pod-a and pod-b see db fail: 2 of 4 is not more than half, pod-a drains (2 slots).
    replicas.get(0).healer.raise("db", "db down");
    assertThat(replicas.get(0).drained()).isTrue();
    replicas.get(1).healer.raise("db", "db down");
    assertThat(replicas.get(1).drained()).isTrue();
    // pod-c makes it 3 of 4: a shared cause; its drain is skipped, the plan escalates to paging.
    replicas.get(2).healer.raise("db", "db down");
    assertThat(replicas.get(2).drained()).isFalse();
    assertThat(replicas.get(2).last().steps().get(0).message())
        .isEqualTo("fleet guard: db fails on 3 of 4 replicas (75 %), more than 50 %: a shared cause, disruptive step"
            + " skipped");
    assertThat(paged).containsExactly("pod-c");
    FleetView view = replicas.get(2).healer.fleetView().orElseThrow();
    assertThat(view.slots()).isEqualTo(2);
    assertThat(view.holders()).containsExactly("pod-a", "pod-b");
    assertThat(view.symptoms()).singleElement().satisfies(s -> {
      assertThat(s.symptom()).isEqualTo("db");
      assertThat(s.failing()).isEqualTo(3);
      assertThat(s.share()).isEqualTo(0.75);
    });
  }

  @Test
  void aCrashedHoldersSlotIsReusedAfterItsTtl() {
    InMemoryFleet fleet = fleet(4, 0.25);
    Replica a = new Replica(fleet, "pod-a", OptionalDouble.empty());
    a.healer.raise("db", "db down");
    fleet.cut("pod-a", true); // pod-a crashes: it never renews nor releases
    clock.advance(Duration.ofSeconds(29));
    assertThat(fleet.state().holders(clock.now())).containsExactly("pod-a");
    clock.advance(Duration.ofSeconds(2));
    assertThat(fleet.state().holders(clock.now())).isEmpty();
    Replica b = new Replica(fleet, "pod-b", OptionalDouble.empty());
    b.healer.raise("db", "db down");
    assertThat(b.drained()).isTrue();
    assertThat(fleet.state().holders(clock.now())).containsExactly("pod-b");
  }

  @Test
  void aReplicaCutOffFromTheFleetStoreEndsItsDrainBeforeItsSlotLapses() {
    InMemoryFleet fleet = fleet(4, 0.25);
    Replica a = new Replica(fleet, "pod-a", OptionalDouble.empty());
    a.healer.raise("db", "db down");
    fleet.cut("pod-a", true); // alive, but its renewals fail
    clock.advance(Duration.ofSeconds(19));
    assertThat(a.drained()).isTrue();
    clock.advance(Duration.ofSeconds(2));
    assertThat(a.drained()).as("drain released at 2/3 of the TTL").isFalse();
    assertThat(a.last().outcome()).contains(Outcome.GAVE_UP);
    assertThat(fleet.state().holders(clock.now())).as("the slot has not lapsed in the store yet")
        .containsExactly("pod-a");
    assertThat(fleet.member("pod-a").held()).isEmpty();
  }

  @Test
  void aLiveHolderRenewsItsSlotPastTheTtl() {
    InMemoryFleet fleet = fleet(4, 0.25);
    Replica a = new Replica(fleet, "pod-a", OptionalDouble.empty());
    a.healer.raise("db", "db down");
    clock.advance(Duration.ofMinutes(3));
    assertThat(fleet.state().holders(clock.now())).containsExactly("pod-a");
  }

  @Test
  void theSlotCountIsAShareOfTheReplicasAndAtLeastOne() {
    assertThat(FleetState.capacity(50, 0.25)).isEqualTo(12);
    assertThat(FleetState.capacity(3, 0.25)).isEqualTo(1);
    assertThat(FleetState.capacity(0, 0.25)).isEqualTo(1);
    assertThat(FleetState.capacity(4, 1.0)).isEqualTo(4);
  }

  @Test
  void aMemberCountsOnceForAllItsEpisodes() {
    FleetState s = FleetState.EMPTY;
    var now = clock.now();
    s = s.acquire("a", "ep-1", "db", OptionalDouble.empty(), 4, 0.25, now, Duration.ofSeconds(30)).next();
    FleetState.Acquisition second = s.acquire("a", "ep-2", "x", OptionalDouble.empty(), 4, 0.25, now,
        Duration.ofSeconds(30));
    assertThat(second.answer()).isEqualTo(new SlotAnswer.Granted(1, 1));
    assertThat(second.next().acquire("b", "ep-1", "db", OptionalDouble.empty(), 4, 0.25, now, Duration.ofSeconds(30))
        .answer()).isEqualTo(new SlotAnswer.Full(1, 1, List.of("a")));
  }

  @Test
  void badSettingsAreRejectedNamingTheSetting() {
    assertThatThrownBy(() -> RecoveryPlan.when(Trigger.signal("x")).unlessFleetWide(1.0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unlessFleetWide share must be in [0, 1)");
    assertThatThrownBy(() -> InMemoryFleet.builder().share(0)).hasMessage("share must be in (0, 1], was 0.0");
    assertThatThrownBy(() -> StoreFleetGuard.builder().member("a/b"))
        .hasMessageContaining("member must be a non-blank name without '/'");
    assertThatThrownBy(() -> StoreFleetGuard.builder().member("a").build()).hasMessageContaining("store must be set");
    assertThatThrownBy(() -> InMemoryFleet.builder().build()).hasMessageContaining("replicas must be set");
    assertThatThrownBy(() -> Healer.builder().plan(RecoveryPlan.when(Trigger.signal("x")).named("x")
        .then(Action.run("a", () -> { })).unlessFleetWide(0.5).build()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("plan 'x' says unlessFleetWide(0.5) but the healer has no fleet guard");
  }

  @Test
  void withoutAGuardADrainRunsUnguardedAndTheFleetViewIsEmpty() {
    HealthRegistry registry = HealthRegistry.builder().clock(clock).executor(new InlineExecutorService()).build();
    Healer h = Healer.builder().clock(clock).executor(new InlineExecutorService()).eventExecutor(Runnable::run)
        .plan(RecoveryPlan.when(Trigger.signal("db")).then(Actions.drain(registry)).build()).build();
    h.raise("db", "down");
    assertThat(registry.status(CheckKind.READINESS)).isEqualTo(HealthStatus.DOWN);
    assertThat(h.fleetView()).isEmpty();
    assertThat(Actions.drain(registry).disruptive()).isTrue();
    assertThat(Actions.restartProcess(registry).disruptive()).isTrue();
    assertThat(Actions.disruptive(Action.run("x", () -> { })).disruptive()).isTrue();
    assertThat(Action.run("x", () -> { }).disruptive()).isFalse();
    assertThat(Set.of()).isEmpty();
  }
}
