package dev.heal.k8s;

import static dev.heal.k8s.Fixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heal.core.HealException;
import dev.heal.core.healer.ActionResult.Status;
import dev.heal.core.time.ManualClock;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class WorkloadActionsTest {
  KubernetesMockServer server;
  KubernetesClient client;
  ManualClock clock = Fixtures.clock();

  KubernetesHealing healing(String self, boolean allowCordon) {
    return KubernetesHealing.builder().client(client).environment(Fixtures.env(self))
        .leadership(Leadership.always()).clock(clock).allowCordon(allowCordon).build();
  }

  int replicas(String deployment) {
    return client.apps().deployments().inNamespace(NS).withName(deployment).get().getSpec()
        .getReplicas();
  }

  List<RecordedRequest> patches() {
    return RecordedRequests.drain(server).stream().filter(r -> r.getMethod().equals("PATCH"))
        .toList();
  }

  @Test
  void rolloutRestartStampsTheOwningDeploymentsTemplate() throws Exception {
    Fixtures.deployment(client, "web", 3, 0);

    var result = healing("web-abc-1", false).rolloutRestart().execute(Fixtures.ctx(clock));

    assertThat(result.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(result.details()).containsEntry("workload", "shop/Deployment/web");
    var annotations = client.apps().deployments().inNamespace(NS).withName("web").get().getSpec()
        .getTemplate().getMetadata().getAnnotations();
    assertThat(annotations).containsEntry("kubectl.kubernetes.io/restartedAt",
        "2026-01-01T00:00:00Z");
    assertThat(client.v1().events().inNamespace(NS).list().getItems()).singleElement()
        .satisfies(e -> {
          assertThat(e.getReason()).isEqualTo("HealRolloutRestart");
          assertThat(e.getInvolvedObject().getKind()).isEqualTo("Deployment");
          assertThat(e.getInvolvedObject().getName()).isEqualTo("web");
        });
  }

  @Test
  void rolloutRestartFindsTheOwningStatefulSet() throws Exception {
    Fixtures.statefulSet(client, "db", 3);

    var result = healing("db-0", false).rolloutRestart().execute(Fixtures.ctx(clock));

    assertThat(result.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(client.apps().statefulSets().inNamespace(NS).withName("db").get().getSpec()
        .getTemplate().getMetadata().getAnnotations())
        .containsKey("kubectl.kubernetes.io/restartedAt");
  }

  @Test
  void rolloutRestartOfABarePodIsUnavailable() throws Exception {
    Fixtures.pod(client, "lonely", "lonely", null, null, true);

    var result = healing("lonely", false).rolloutRestart().execute(Fixtures.ctx(clock));

    assertThat(result.status()).isEqualTo(Status.UNAVAILABLE);
    assertThat(result.message()).contains("not by a Deployment or StatefulSet");
  }

  @Test
  void rolloutRestartDryRunPatchesWithDryRun() throws Exception {
    Fixtures.deployment(client, "web", 3, 0);
    RecordedRequests.drain(server);

    var result = healing("web-abc-1", false).rolloutRestart("Deployment", "web")
        .execute(Fixtures.dryRun(clock));

    assertThat(result.status()).isEqualTo(Status.DRY_RUN);
    assertThat(result.message()).contains("would rollout-restart Deployment/web");
    assertThat(patches()).singleElement()
        .satisfies(r -> assertThat(r.getPath()).contains("dryRun=All"));
  }

  @Test
  void scaleUpStopsAtMax() throws Exception {
    Fixtures.deployment(client, "web", 3, 0);
    var k8s = healing("web-abc-0", false);

    var up = k8s.scaleDeployment("web", 5, 2, 4).execute(Fixtures.ctx(clock));
    assertThat(up.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(up.details()).containsEntry("from", "3").containsEntry("to", "4");
    assertThat(replicas("web")).isEqualTo(4);

    clock.advance(Duration.ofMinutes(10));
    var again = k8s.scaleDeployment("web", 1, 2, 4).execute(Fixtures.ctx(clock));
    assertThat(again.status()).isEqualTo(Status.FAILED);
    assertThat(again.message()).contains("max is 4, not scaling up");
    assertThat(replicas("web")).isEqualTo(4);
  }

  @Test
  void scaleDownStopsAtMin() throws Exception {
    Fixtures.deployment(client, "web", 3, 0);

    var down = healing("web-abc-0", false).scaleDeployment("web", -5, 2, 6)
        .execute(Fixtures.ctx(clock));

    assertThat(down.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(replicas("web")).isEqualTo(2);
    assertThat(client.v1().events().inNamespace(NS).list().getItems())
        .anySatisfy(e -> assertThat(e.getMessage()).contains("from 3 to 2 replicas (bounds 2..6)"));
  }

  @Test
  void scaleDryRunChangesNothingAndSaysWhatItWouldDo() throws Exception {
    Fixtures.deployment(client, "web", 3, 0);
    RecordedRequests.drain(server);

    var result = healing("web-abc-0", false).scaleDeployment("web", 1, 1, 10)
        .execute(Fixtures.dryRun(clock));

    assertThat(result.status()).isEqualTo(Status.DRY_RUN);
    assertThat(result.message()).contains("would scale deployment web from 3 to 4");
    // The CRUD dispatcher consumes PATCH bodies, so only the query is left to check here.
    assertThat(patches()).singleElement()
        .satisfies(r -> assertThat(r.getPath()).contains("dryRun=All"));
  }

  @Test
  void scaleBoundsAreValidated() {
    var k8s = healing("web-abc-0", false);
    assertThatThrownBy(() -> k8s.scaleDeployment("web", 1, 3, 2))
        .hasMessageContaining("max must be at least min");
    assertThatThrownBy(() -> k8s.scaleDeployment("web", 0, 1, 2))
        .hasMessageContaining("delta must not be 0");
    assertThatThrownBy(() -> k8s.scaleDeployment("web", 1, -1, 2))
        .hasMessageContaining("min must not be negative");
  }

  @Test
  void cordonIsOptIn() {
    assertThatThrownBy(() -> healing("web-abc-0", false).cordonNode())
        .isInstanceOf(HealException.class).hasMessageContaining("opt-in");
  }

  @Test
  void cordonMarksTheNodeUnschedulable() throws Exception {
    client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-1").endMetadata()
        .withNewSpec().endSpec().build()).create();

    var result = healing("web-abc-0", true).cordonNode().execute(Fixtures.ctx(clock));

    assertThat(result.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(client.nodes().withName("node-1").get().getSpec().getUnschedulable()).isTrue();
    assertThat(client.v1().events().inNamespace(NS).list().getItems()).singleElement()
        .satisfies(e -> {
          assertThat(e.getReason()).isEqualTo("HealCordonNode");
          assertThat(e.getInvolvedObject().getKind()).isEqualTo("Node");
        });
    assertThat(healing("web-abc-0", true).cordonNode().execute(Fixtures.ctx(clock)).message())
        .contains("already cordoned");
  }

  @Test
  void cordonTakesTheNodeFromTheTrigger() throws Exception {
    for (String n : List.of("node-1", "node-7")) {
      client.nodes().resource(new NodeBuilder().withNewMetadata().withName(n).endMetadata()
          .withNewSpec().endSpec().build()).create();
    }

    var result = healing("web-abc-0", true).cordonNode()
        .execute(Fixtures.ctx(clock, false, java.util.Map.of("node", "node-7")));

    assertThat(result.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(client.nodes().withName("node-7").get().getSpec().getUnschedulable()).isTrue();
    assertThat(client.nodes().withName("node-1").get().getSpec().getUnschedulable()).isNull();
  }

  @Test
  void ownWorkloadFollowsOwnerReferences() {
    Fixtures.deployment(client, "web", 2, 0);
    Fixtures.statefulSet(client, "db", 1);
    Fixtures.pod(client, "lonely", "lonely", null, null, true);

    assertThat(healing("web-abc-1", false).ownWorkload())
        .contains(new WorkloadRef("Deployment", NS, "web"));
    assertThat(healing("db-0", false).ownWorkload())
        .contains(new WorkloadRef("StatefulSet", NS, "db"));
    assertThat(healing("lonely", false).ownWorkload())
        .contains(new WorkloadRef("Pod", NS, "lonely"));
    assertThat(healing("gone", false).ownWorkload()).isEmpty();
    assertThat(KubernetesHealing.builder().client(client)
        .environment(KubernetesEnvironment.outside("laptop")).leadership(Leadership.always())
        .build().ownWorkload()).isEmpty();
  }

  @Test
  void cordonDryRunPatchesWithDryRun() throws Exception {
    client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-2").endMetadata()
        .withNewSpec().endSpec().build()).create();
    RecordedRequests.drain(server);

    var result = healing("web-abc-0", true).cordonNode("node-2").execute(Fixtures.dryRun(clock));

    assertThat(result.status()).isEqualTo(Status.DRY_RUN);
    assertThat(patches()).singleElement()
        .satisfies(r -> assertThat(r.getPath()).contains("dryRun=All"));
  }
}
