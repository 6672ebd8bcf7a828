package dev.heal.k8s.internal;

import dev.heal.k8s.WorkloadRef;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Follows owner references from a pod to the workload that manages it: Pod → ReplicaSet →
 * Deployment, or Pod → StatefulSet; a pod without a controller is its own workload.
 */
public final class OwnerResolver {
  private OwnerResolver() {}

  /** A workload and the label selector of its pods. */
  public record Workload(WorkloadRef ref, HasMetadata object, Map<String, String> selector) {}

  public static Workload resolve(KubernetesClient client, Pod pod) {
    String ns = pod.getMetadata().getNamespace();
    Optional<OwnerReference> owner = controller(pod);
    if (owner.isPresent() && "ReplicaSet".equals(owner.get().getKind())) {
      ReplicaSet rs = client.apps().replicaSets().inNamespace(ns).withName(owner.get().getName()).get();
      if (rs != null) {
        Optional<OwnerReference> rsOwner = controller(rs);
        if (rsOwner.isPresent() && "Deployment".equals(rsOwner.get().getKind())) {
          Deployment d = client.apps().deployments().inNamespace(ns)
              .withName(rsOwner.get().getName()).get();
          if (d != null) {
            return new Workload(new WorkloadRef("Deployment", ns, d.getMetadata().getName()), d,
                matchLabels(d.getSpec().getSelector()));
          }
        }
        return new Workload(new WorkloadRef("ReplicaSet", ns, rs.getMetadata().getName()), rs,
            matchLabels(rs.getSpec().getSelector()));
      }
    } else if (owner.isPresent() && "StatefulSet".equals(owner.get().getKind())) {
      StatefulSet s = client.apps().statefulSets().inNamespace(ns).withName(owner.get().getName()).get();
      if (s != null) {
        return new Workload(new WorkloadRef("StatefulSet", ns, s.getMetadata().getName()), s,
            matchLabels(s.getSpec().getSelector()));
      }
    }
    return new Workload(new WorkloadRef("Pod", ns, pod.getMetadata().getName()), pod, Map.of());
  }

  private static Optional<OwnerReference> controller(HasMetadata o) {
    List<OwnerReference> refs = o.getMetadata().getOwnerReferences();
    if (refs == null) {
      return Optional.empty();
    }
    return refs.stream().filter(r -> Boolean.TRUE.equals(r.getController())).findFirst()
        .or(() -> refs.stream().findFirst());
  }

  private static Map<String, String> matchLabels(LabelSelector s) {
    return s == null || s.getMatchLabels() == null ? Map.of() : Map.copyOf(s.getMatchLabels());
  }
}
