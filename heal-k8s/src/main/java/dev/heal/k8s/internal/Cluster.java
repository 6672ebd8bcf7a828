package dev.heal.k8s.internal;

import dev.heal.core.time.HealClock;
import dev.heal.k8s.KubernetesEnvironment;
import dev.heal.k8s.KubernetesEvents;
import dev.heal.k8s.Leadership;
import io.fabric8.kubernetes.client.KubernetesClient;

/** What every cluster action shares. Immutable; its parts are thread-safe. */
public record Cluster(
    KubernetesClient client,
    KubernetesEnvironment environment,
    Leadership leadership,
    KubernetesEvents events,
    DisruptionGuard guard,
    HealClock clock) {

  /** The namespace cluster actions work in; only call when the environment is available. */
  public String namespace() {
    return environment.namespace().orElseThrow();
  }
}
