package dev.heal.k8s.internal;

import dev.heal.core.internal.ReferenceCatalog;
import dev.heal.k8s.DisruptionBudget;
import dev.heal.k8s.KubernetesEvents;
import dev.heal.k8s.KubernetesFleetGuard;
import dev.heal.k8s.KubernetesHealing;
import dev.heal.k8s.KubernetesLeaderElection;
import java.util.List;

/**
 * heal-k8s's configuration, for {@code docs/reference.md} (see {@link ReferenceCatalog}); it
 * registers no meters (its actions are counted by heal-core's healer meters). Not API.
 */
public final class KubernetesReference implements ReferenceCatalog {
  private static final String CLOCK = "`HealClock.system()`";

  @Override
  public String module() {
    return "heal-k8s";
  }

  @Override
  public List<Builder> builders() {
    return List.of(
        Builder.of("Kubernetes healing", KubernetesHealing.Builder.class, "KubernetesHealing.builder()",
                KubernetesHealing::builder)
            .set("client", "— (required)", "", "The fabric8 client the actions use.")
            .set("environment", "— (required)", "")
            .set("leadership", "— (required)", "", "Who may act: a `KubernetesLeaderElection` when the service has more than one replica, `Leadership.always()` when it has one.")
            .set("budget", "`DisruptionBudget.DEFAULT` (below)", "")
            .set("events", "one for `component` and this pod", "")
            .field("component", "")
            .set("clock", CLOCK, "")
            .field("allowCordon", ""),
        Builder.of("Disruption budget", DisruptionBudget.Builder.class, "DisruptionBudget.builder()",
                DisruptionBudget::builder)
            .field("maxDisruptionsPerWindow", "pods per window")
            .field("window", "")
            .field("maxUnavailableShare", "share of the workload's pods")
            .field("cooldown", "")
            .field("ledgerName", "ConfigMap name"),
        Builder.of("Kubernetes Events", KubernetesEvents.Builder.class, "KubernetesEvents.builder()",
                KubernetesEvents::builder)
            .set("client", "— (required)", "", "The fabric8 client Events are written with.")
            .field("component", "")
            .set("instance", "— (required)", "")
            .set("namespace", "— (required)", "")
            .set("clock", CLOCK, ""),
        Builder.of("Leader election", KubernetesLeaderElection.Builder.class, "KubernetesLeaderElection.builder()",
                KubernetesLeaderElection::builder)
            .set("client", "— (required)", "", "The fabric8 client the Lease is kept with.")
            .set("namespace", "— (required, or `environment`)", "")
            .field("leaseName", "Lease name")
            .set("identity", "— (required, or `environment`)", "")
            .field("leaseDuration", "")
            .field("renewDeadline", "")
            .field("retryPeriod", "")
            .set("environment", "none", ""),
        Builder.of("Fleet guard in Kubernetes", KubernetesFleetGuard.Builder.class, "KubernetesFleetGuard.builder()",
                KubernetesFleetGuard::builder)
            .set("client", "— (required)", "", "The fabric8 client the fleet ConfigMap is kept with.")
            .set("workload", "— (required)", "")
            .set("member", "— (required, or `environment`)", "")
            .set("environment", "none", "")
            .field("replicasCacheFor", "")
            .set("clock", CLOCK, "")
            .set("guard", "`StoreFleetGuard`'s defaults (above)", ""));
  }
}
