package dev.heal.k8s.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heal.core.fleet.FleetGuard;
import dev.heal.core.fleet.SlotAnswer;
import dev.heal.core.fleet.StoreFleetGuard;
import dev.heal.core.time.ManualClock;
import dev.heal.k8s.KubernetesFleetGuard;
import dev.heal.k8s.WorkloadRef;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes fleet guard takes its slots from the workload's {@code status.readyReplicas}, read
 * with {@code spec.replicas} in one cached GET, against fabric8's mock API server in CRUD mode.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesFleetGuardReadinessTest {
  static final String NS = "shop";

  KubernetesClient client;
  KubernetesMockServer server;
  final ManualClock clock = new ManualClock();

  private void deployment(int desired, Integer ready) {
    Deployment d = client.apps().deployments().inNamespace(NS).withName("web").get();
    if (d == null) {
      d = client.apps().deployments().inNamespace(NS).resource(new DeploymentBuilder()
          .withNewMetadata().withName("web").withNamespace(NS).endMetadata()
          .withNewSpec().withReplicas(desired).withNewSelector().addToMatchLabels("app", "web").endSelector()
          .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
          .withNewSpec().addNewContainer().withName("app").withImage("app:1").endContainer().endSpec()
          .endTemplate().endSpec().build()).create();
    }
    d.setStatus(new DeploymentStatusBuilder().withReplicas(desired).withReadyReplicas(ready).build());
    client.apps().deployments().inNamespace(NS).resource(d).updateStatus();
  }

  private StoreFleetGuard guard(String kind, String pod) {
    return KubernetesFleetGuard.builder().client(client).workload(new WorkloadRef(kind, NS, "web")).member(pod)
        .clock(clock).replicasCacheFor(Duration.ofSeconds(30))
        .guard(g -> g.share(0.25).ttl(Duration.ofSeconds(60)).io(Runnable::run)).build();
  }

  private static SlotAnswer acquire(StoreFleetGuard g, String episode) {
    return g.acquire(new FleetGuard.SlotRequest(episode, "db", "db", OptionalDouble.empty())).toCompletableFuture()
        .join();
  }

  /** Requests to the workload (not the ConfigMap) the server received since the last call. */
  private int workloadReads() throws InterruptedException {
    int n = 0;
    for (var r = server.takeRequest(0, TimeUnit.SECONDS); r != null; r = server.takeRequest(0, TimeUnit.SECONDS)) {
      if (r.getPath().contains("/deployments/web") || r.getPath().contains("/statefulsets/web")) {
        n += r.getMethod().equals("GET") && !r.getPath().endsWith("/status") ? 1 : 0;
      }
    }
    return n;
  }

  @Test
  void slotsFollowTheReadyReplicasOfTheWorkloadNotItsDesiredOnes() throws InterruptedException {
    deployment(10, 10);
    StoreFleetGuard a = guard("Deployment", "web-a");
    StoreFleetGuard b = guard("Deployment", "web-b");
    StoreFleetGuard c = guard("Deployment", "web-c");
    workloadReads();
    assertThat(acquire(a, "ep-1")).isEqualTo(new SlotAnswer.Granted(1, 2));
    assertThat(a.view()).extracting(v -> v.replicas(), v -> v.ready(), v -> v.serving(), v -> v.slots())
        .containsExactly(10, 10, 10, 2);

    // 7 pods crash-loop: 3 ready of 10 desired. Read again once the 30 s cache has passed.
    deployment(10, 3);
    clock.advance(Duration.ofSeconds(31));
    SlotAnswer refused = acquire(b, "ep-1");
    assertThat(refused).isEqualTo(new SlotAnswer.Full(1, 1, java.util.List.of("web-a")));
    assertThat(refused.message()).isEqualTo("fleet guard: 1 of 1 slots held by pods web-a");
    assertThat(b.view()).extracting(v -> v.replicas(), v -> v.ready(), v -> v.serving(), v -> v.slots())
        .containsExactly(10, 3, 3, 1);
    // The holder keeps its slot: asking again for the same or another episode is granted whatever the count.
    assertThat(acquire(a, "ep-2")).isEqualTo(new SlotAnswer.Granted(1, 1));

    // Back to 10 ready: 2 slots again.
    deployment(10, 10);
    clock.advance(Duration.ofSeconds(31));
    assertThat(acquire(c, "ep-1")).isEqualTo(new SlotAnswer.Granted(2, 2));
  }

  @Test
  void theWorkloadIsReadAtMostOncePerCachePeriodPerReplica() throws InterruptedException {
    deployment(10, 10);
    StoreFleetGuard a = guard("Deployment", "web-a");
    workloadReads();
    for (int i = 0; i < 5; i++) {
      acquire(a, "ep-" + i);
      a.release("ep-" + i);
    }
    assertThat(workloadReads()).as("10 changes within 30 s").isEqualTo(1);
    clock.advance(Duration.ofSeconds(31));
    acquire(a, "ep-x");
    assertThat(workloadReads()).as("after the cache period").isEqualTo(1);
  }

  @Test
  void aWorkloadWithoutAReadyCountGetsOneSlot() {
    client.apps().statefulSets().inNamespace(NS).resource(new StatefulSetBuilder()
        .withNewMetadata().withName("web").withNamespace(NS).endMetadata()
        .withNewSpec().withReplicas(8).withServiceName("web").withNewSelector().addToMatchLabels("app", "web")
        .endSelector().withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("app:1").endContainer().endSpec()
        .endTemplate().endSpec().build()).create();
    StoreFleetGuard a = guard("StatefulSet", "web-0");
    StoreFleetGuard b = guard("StatefulSet", "web-1");
    assertThat(acquire(a, "ep-1")).isEqualTo(new SlotAnswer.Granted(1, 1));
    assertThat(acquire(b, "ep-1")).isEqualTo(new SlotAnswer.Full(1, 1, java.util.List.of("web-0")));
    assertThat(b.view().ready()).as("no status yet counts as none ready").isZero();
  }
}
