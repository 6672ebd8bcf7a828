package dev.heal.k8s;

import dev.heal.core.healer.ActionContext;
import dev.heal.core.healer.Signal;
import dev.heal.core.time.HealClock;
import dev.heal.core.time.ManualClock;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/** Objects in the mock cluster and contexts for actions. */
final class Fixtures {
  static final String NS = "shop";

  private Fixtures() {}

  static KubernetesEnvironment env(String pod) {
    return KubernetesEnvironment.of(NS, pod, "node-1");
  }

  static ActionContext ctx(HealClock clock) {
    return ctx(clock, false, Map.of());
  }

  static ActionContext dryRun(HealClock clock) {
    return ctx(clock, true, Map.of());
  }

  static ActionContext ctx(HealClock clock, boolean dryRun, Map<String, String> labels) {
    Signal s = new Signal(Signal.HEALTH, "db", true, labels, "db is DOWN", clock.now(),
        clock.nanoTime());
    return new ActionContext("ep-1", "db", s, "restart", 1, dryRun, Duration.ofSeconds(10), clock);
  }

  /** A Deployment {@code name} with its ReplicaSet and {@code ready + unready} pods. */
  static void deployment(KubernetesClient client, String name, int ready, int unready) {
    Deployment d = client.apps().deployments().inNamespace(NS).resource(new DeploymentBuilder()
        .withNewMetadata().withName(name).withNamespace(NS).endMetadata()
        .withNewSpec().withReplicas(ready + unready)
        .withNewSelector().addToMatchLabels("app", name).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("app:1").endContainer().endSpec()
        .endTemplate().endSpec().build()).create();
    ReplicaSet rs = client.apps().replicaSets().inNamespace(NS).resource(new ReplicaSetBuilder()
        .withNewMetadata().withName(name + "-abc").withNamespace(NS)
        .addNewOwnerReference().withApiVersion("apps/v1").withKind("Deployment")
        .withName(name).withUid(d.getMetadata().getUid()).withController(true).endOwnerReference()
        .endMetadata()
        .withNewSpec().withReplicas(ready + unready)
        .withNewSelector().addToMatchLabels("app", name).endSelector().endSpec().build()).create();
    for (int i = 0; i < ready + unready; i++) {
      pod(client, name + "-abc-" + i, name, "ReplicaSet", rs.getMetadata().getName(), i < ready);
    }
  }

  static void statefulSet(KubernetesClient client, String name, int replicas) {
    StatefulSet s = client.apps().statefulSets().inNamespace(NS).resource(new StatefulSetBuilder()
        .withNewMetadata().withName(name).withNamespace(NS).endMetadata()
        .withNewSpec().withReplicas(replicas).withServiceName(name)
        .withNewSelector().addToMatchLabels("app", name).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("app:1").endContainer().endSpec()
        .endTemplate().endSpec().build()).create();
    for (int i = 0; i < replicas; i++) {
      pod(client, name + "-" + i, name, "StatefulSet", s.getMetadata().getName(), true);
    }
  }

  static Pod pod(KubernetesClient client, String name, String app, String ownerKind, String owner,
      boolean ready) {
    PodBuilder b = new PodBuilder()
        .withNewMetadata().withName(name).withNamespace(NS).addToLabels("app", app).endMetadata()
        .withNewSpec().withNodeName("node-1")
        .addNewContainer().withName("app").withImage("app:1").endContainer().endSpec()
        .withNewStatus().addNewCondition().withType("Ready").withStatus(ready ? "True" : "False")
        .endCondition().endStatus();
    if (owner != null) {
      b.editMetadata().addNewOwnerReference().withApiVersion("apps/v1").withKind(ownerKind)
          .withName(owner).withUid(owner + "-uid").withController(true).endOwnerReference()
          .endMetadata();
    }
    return client.pods().inNamespace(NS).resource(b.build()).create();
  }

  static boolean exists(KubernetesClient client, String pod) {
    return client.pods().inNamespace(NS).withName(pod).get() != null;
  }

  static ManualClock clock() {
    return new ManualClock();
  }

  /** A leadership a test switches by hand. */
  static final class SwitchableLeadership implements Leadership {
    final AtomicBoolean leader = new AtomicBoolean(true);
    volatile int checksBeforeLoss = -1;

    @Override
    public boolean isLeader() {
      if (checksBeforeLoss == 0) {
        leader.set(false);
      } else if (checksBeforeLoss > 0) {
        checksBeforeLoss--;
      }
      return leader.get();
    }

    @Override
    public Optional<String> leader() {
      return Optional.of(leader.get() ? "self" : "other-pod");
    }
  }
}
