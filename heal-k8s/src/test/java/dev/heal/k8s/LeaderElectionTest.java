package dev.heal.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.heal.core.healer.ActionResult.Status;
import dev.heal.core.time.ManualClock;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two replicas, each with fabric8's real LeaderElector on a Lease in the CRUD mock. The electors
 * run on their own threads with real time, so this waits with Awaitility, bounded and short.
 */
@EnableKubernetesMockClient(crud = true)
class LeaderElectionTest {
  // Generous lease and renew deadline so a loaded CI machine does not lose the lease mid-test;
  // handover stays fast because a released lease is valid for only one more second.
  static final Duration WAIT = Duration.ofSeconds(10);

  KubernetesClient client;
  ManualClock clock = Fixtures.clock();
  KubernetesLeaderElection a;
  KubernetesLeaderElection b;

  KubernetesLeaderElection election(String identity) {
    return KubernetesLeaderElection.builder().client(client).namespace(Fixtures.NS)
        .leaseName("heal-leader").identity(identity)
        .leaseDuration(Duration.ofSeconds(10)).renewDeadline(Duration.ofSeconds(8))
        .retryPeriod(Duration.ofMillis(100)).build();
  }

  KubernetesHealing healing(String self, Leadership leadership) {
    return KubernetesHealing.builder().client(client).environment(Fixtures.env(self))
        .leadership(leadership).clock(clock)
        .budget(DisruptionBudget.builder().maxDisruptionsPerWindow(10).maxUnavailableShare(1.0)
            .cooldown(Duration.ZERO).build())
        .build();
  }

  @AfterEach
  void stop() {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
  }

  @Test
  void onlyTheLeaderActsAndTheOtherTakesOverWhenItReleases() throws Exception {
    Fixtures.deployment(client, "web", 4, 0);
    a = election("web-abc-0").start();
    await().atMost(WAIT).until(a::isLeader);
    b = election("web-abc-1").start();
    await().atMost(WAIT).until(() -> b.leader().filter("web-abc-0"::equals).isPresent());
    assertThat(b.isLeader()).isFalse();
    assertThat(client.leases().inNamespace(Fixtures.NS).withName("heal-leader").get().getSpec()
        .getHolderIdentity()).isEqualTo("web-abc-0");

    // Both replicas notice the same problem; only the leader acts.
    var byA = healing("web-abc-0", a).restartPod(java.util.Map.of("app", "web"))
        .execute(Fixtures.ctx(clock, false, java.util.Map.of("pod", "web-abc-3")));
    var byB = healing("web-abc-1", b).restartPod(java.util.Map.of("app", "web"))
        .execute(Fixtures.ctx(clock, false, java.util.Map.of("pod", "web-abc-2")));
    assertThat(byA.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(byB.status()).isEqualTo(Status.UNAVAILABLE);
    assertThat(byB.message()).contains("not the leader (the leader is web-abc-0)");
    assertThat(Fixtures.exists(client, "web-abc-3")).isFalse();
    assertThat(Fixtures.exists(client, "web-abc-2")).isTrue();

    // A steps down (shutdown): B takes over, and A's further cluster steps stop.
    a.close();
    assertThat(a.isLeader()).isFalse();
    await().atMost(WAIT).until(b::isLeader);
    assertThat(client.leases().inNamespace(Fixtures.NS).withName("heal-leader").get().getSpec()
        .getHolderIdentity()).isEqualTo("web-abc-1");

    var againByA = healing("web-abc-0", a).restartSelf().execute(Fixtures.ctx(clock));
    var nowByB = healing("web-abc-1", b).restartPod(java.util.Map.of("app", "web"))
        .execute(Fixtures.ctx(clock, false, java.util.Map.of("pod", "web-abc-2")));
    assertThat(againByA.status()).isEqualTo(Status.UNAVAILABLE);
    assertThat(nowByB.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(Fixtures.exists(client, "web-abc-2")).isFalse();
    assertThat(Fixtures.exists(client, "web-abc-0")).isTrue();
  }

  @Test
  void builderValidatesItsDurationsAndNames() {
    assertThatThrownBy(() -> KubernetesLeaderElection.builder().client(client).namespace("ns")
        .build()).hasMessageContaining("identity");
    assertThatThrownBy(() -> KubernetesLeaderElection.builder().client(client).identity("p")
        .build()).hasMessageContaining("namespace");
    assertThatThrownBy(() -> KubernetesLeaderElection.builder().client(client).namespace("ns")
        .identity("p").leaseDuration(Duration.ofSeconds(5)).renewDeadline(Duration.ofSeconds(5))
        .build()).hasMessageContaining("renewDeadline");
    assertThatThrownBy(() -> KubernetesLeaderElection.builder().client(client).namespace("ns")
        .identity("p").retryPeriod(Duration.ofSeconds(9)).build())
        .hasMessageContaining("retryPeriod");
    assertThatThrownBy(() -> KubernetesLeaderElection.builder().client(client).namespace("ns")
        .identity("p").retryPeriod(Duration.ZERO).build())
        .hasMessageContaining("retryPeriod must be positive");
  }

  @Test
  void environmentFillsNamespaceAndIdentity() {
    var e = KubernetesLeaderElection.builder().client(client)
        .environment(Fixtures.env("web-abc-7")).build();

    assertThat(e.identity()).isEqualTo("web-abc-7");
    assertThat(e.isLeader()).isFalse();
  }
}
