package dev.heal.k8s;

import static dev.heal.k8s.Fixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heal.core.fleet.FleetGuard;
import dev.heal.core.fleet.InMemoryFleet;
import dev.heal.core.health.HealthRegistry;
import dev.heal.core.healer.Action;
import dev.heal.core.healer.Actions;
import dev.heal.core.healer.Healer;
import dev.heal.core.healer.RecoveryPlan;
import dev.heal.core.healer.Trigger;
import dev.heal.core.time.InlineExecutorService;
import dev.heal.core.time.ManualClock;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The healer's story, as kubectl get events would show it. */
@EnableKubernetesMockClient(crud = true)
class HealerEventsTest {
  KubernetesClient client;
  ManualClock clock = Fixtures.clock();

  @Test
  void everyDecisionBecomesAnEventOnThePodAndRepeatsAggregate() throws Exception {
    KubernetesEvents events = KubernetesEvents.builder().client(client).component("heal").instance("orders-7d9-abc")
        .namespace(NS).clock(clock).build();
    try (HealerEvents bridge = HealerEvents.onPod(events, KubernetesEnvironment.of(NS, "orders-7d9-abc", "node-1"))) {
      Healer healer = Healer.builder().clock(clock).executor(new InlineExecutorService()).cooldown(Duration.ZERO)
          .listener(bridge)
          .plan(RecoveryPlan.when(Trigger.signal("db-broken")).named("db").target("database")
              .then(Action.of("reconnectPool", ctx -> dev.heal.core.healer.ActionResult.failed("still refused")))
              .escalateTo(Action.run("restartPool", () -> {})).verifyWithin(Duration.ofSeconds(5)).build())
          .build();
      healer.raise("db-broken", "connection refused");
      healer.resolve("db-broken", "connected");
      healer.raise("db-broken", "connection refused");
      healer.resolve("db-broken", "connected");
      assertThat(bridge.flush(Duration.ofSeconds(10))).isTrue();

      List<Event> list = client.v1().events().inNamespace(NS).list().getItems().stream()
          .sorted(Comparator.comparing(Event::getReason)).toList();
      assertThat(list).allSatisfy(e -> {
        assertThat(e.getInvolvedObject().getKind()).isEqualTo("Pod");
        assertThat(e.getInvolvedObject().getName()).isEqualTo("orders-7d9-abc");
        assertThat(e.getReportingComponent()).isEqualTo("heal");
      });
      assertThat(list).extracting(Event::getReason).contains("HealEpisodeOpened", "HealStepStarted", "HealStepFailed",
          "HealEscalated", "HealStepSucceeded", "HealRecovered");
      Event failed = list.stream().filter(e -> e.getReason().equals("HealStepFailed")).findFirst().orElseThrow();
      assertThat(failed.getType()).isEqualTo("Warning");
      assertThat(failed.getMessage()).contains("(db, target database)").contains("reconnectPool FAILED: still refused");
      assertThat(list.stream().filter(e -> e.getReason().equals("HealRecovered")).findFirst().orElseThrow().getType())
          .isEqualTo("Normal");
      assertThat(bridge.dropped()).isZero();
    }
  }

  @Test
  void aDrainTheFleetGuardRefusesBecomesAWarningNamingTheHolders() throws Exception {
    KubernetesEvents events = KubernetesEvents.builder().client(client).component("heal").instance("orders-7d9-abc")
        .namespace(NS).clock(clock).build();
    InMemoryFleet fleet = InMemoryFleet.builder().replicas(4).clock(clock).build();
    fleet.member("orders-7d9-xyz").acquire(new FleetGuard.SlotRequest("ep-9", "db", "db", OptionalDouble.empty()));
    HealthRegistry registry = HealthRegistry.builder().clock(clock).executor(new InlineExecutorService()).build();
    try (HealerEvents bridge = HealerEvents.onPod(events, KubernetesEnvironment.of(NS, "orders-7d9-abc", "node-1"))) {
      Healer healer = Healer.builder().clock(clock).executor(new InlineExecutorService()).listener(bridge)
          .fleetGuard(fleet.member("orders-7d9-abc"))
          .plan(RecoveryPlan.when(Trigger.signal("db-broken")).named("db").then(Actions.drain(registry)).build())
          .build();
      healer.raise("db-broken", "connection refused");
      assertThat(bridge.flush(Duration.ofSeconds(10))).isTrue();
      Event refused = client.v1().events().inNamespace(NS).list().getItems().stream()
          .filter(e -> e.getReason().equals("HealFleetRefused")).findFirst().orElseThrow();
      assertThat(refused.getType()).isEqualTo("Warning");
      assertThat(refused.getMessage()).contains("fleet guard: 1 of 1 slots held by pods orders-7d9-xyz");
    }
  }

  @Test
  void refusesToStartOutsideACluster() {
    assertThatThrownBy(() -> HealerEvents.onPod(KubernetesEvents.NONE, KubernetesEnvironment.outside("not in a pod")))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("Downward API");
  }
}
