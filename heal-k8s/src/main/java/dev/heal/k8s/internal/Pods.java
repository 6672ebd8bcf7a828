package dev.heal.k8s.internal;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;

/** Small facts about pods and references. */
public final class Pods {
  private Pods() {}

  /** Ready and not terminating. */
  public static boolean isAvailable(Pod pod) {
    if (pod.getMetadata().getDeletionTimestamp() != null || pod.getStatus() == null
        || pod.getStatus().getConditions() == null) {
      return false;
    }
    return pod.getStatus().getConditions().stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** A reference to {@code o} for an Event's involvedObject. */
  public static ObjectReference ref(HasMetadata o) {
    return new ObjectReferenceBuilder()
        .withApiVersion(o.getApiVersion())
        .withKind(o.getKind())
        .withNamespace(o.getMetadata().getNamespace())
        .withName(o.getMetadata().getName())
        .withUid(o.getMetadata().getUid())
        .build();
  }

  public static ObjectReference ref(String apiVersion, String kind, String namespace, String name) {
    return new ObjectReferenceBuilder()
        .withApiVersion(apiVersion).withKind(kind).withNamespace(namespace).withName(name).build();
  }
}
