package dev.heal.k8s;

import dev.heal.core.fleet.StoreFleetGuard;
import dev.heal.core.time.HealClock;
import dev.heal.k8s.internal.ConfigMapFleetStore;
import dev.heal.k8s.internal.Rules;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The fleet guard of one workload on the Kubernetes API server: a {@link StoreFleetGuard} over a
 * ConfigMap {@code heal-fleet-<workload name>} in the workload's namespace, with optimistic
 * concurrency on {@code resourceVersion} (409s are retried at once after a short jittered pause;
 * 429 waits for its Retry-After; 5xx and requests without an answer back off exponentially; at
 * most {@code maxAttempts} tries, then the step gets no slot). Slots are {@code max(1, floor(share
 * × serving))} with {@code serving = min(spec.replicas, max(status.readyReplicas, holders))}: a
 * share of the replicas that are serving, not of those the workload should have, so a degraded
 * workload (10 desired, 3 ready, share 0.25) gets 1 slot, not 2. A holder counts once and is
 * assumed still counted in {@code readyReplicas} (the kubelet and the controller see a drain only
 * seconds later), the only assumption under which the count cannot exceed the replicas that would
 * serve without heal; see {@link dev.heal.core.fleet.FleetSize} for why and for the price (fewer
 * slots while holders are drained). Both counts come from one GET of the workload, cached for
 * {@code replicasCacheFor} (default 30 s), which bounds how stale the ready count can be. A slot lapses after {@code ttl} unless its holder renews it,
 * so a crashed pod's slot frees itself. Give it to the healer with
 * {@code Healer.builder().fleetGuard(guard)}.
 *
 * <pre>{@code
 * StoreFleetGuard guard = KubernetesFleetGuard.builder()
 *     .client(client).environment(env).workload(k8s.ownWorkload().orElseThrow())
 *     .guard(g -> g.share(0.25).ttl(Duration.ofSeconds(60))).build();
 * }</pre>
 *
 * <p>It reuses the pattern of heal-k8s's disruption ledger (a small ConfigMap, written only after
 * a successful compare-and-set), not the ledger itself: the ledger counts past disruptions per
 * window, the fleet guard holds present ones with expiry. Needs {@code configmaps get, create,
 * update} and {@code get} on the workload ({@link #requiredRules()}), all part of heal-k8s's Role.
 * Thread-safe; the guard makes its API calls on one I/O thread of its own (see
 * {@link StoreFleetGuard.Builder#io}).
 */
public final class KubernetesFleetGuard {
  private KubernetesFleetGuard() {}

  public static Builder builder() {
    return new Builder();
  }

  /** The ConfigMap that holds the fleet state of {@code workload}. */
  public static String configMapName(WorkloadRef workload) {
    String n = "heal-fleet-" + workload.name().toLowerCase(java.util.Locale.ROOT);
    return n.length() > 253 ? n.substring(0, 253) : n;
  }

  /** The RBAC rules the guard needs. */
  public static List<RbacRule> requiredRules() {
    List<RbacRule> r = new ArrayList<>(Rules.LEDGER);
    r.add(RbacRule.namespaced("apps", "deployments", "get"));
    r.add(RbacRule.namespaced("apps", "statefulsets", "get"));
    return r;
  }

  /** Builds the guard. Not thread-safe. */
  public static final class Builder {
    private KubernetesClient client;
    private WorkloadRef workload;
    private String member;
    private Duration replicasCacheFor = Duration.ofSeconds(30);
    private HealClock clock = HealClock.system();
    private Consumer<StoreFleetGuard.Builder> guard = g -> { };

    private Builder() {}

    public Builder client(KubernetesClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /** The workload whose replicas share the slots (a Deployment or StatefulSet). Required. */
    public Builder workload(WorkloadRef workload) {
      this.workload = Objects.requireNonNull(workload, "workload");
      return this;
    }

    /** This pod's name from the environment (Downward API). */
    public Builder environment(KubernetesEnvironment environment) {
      environment.podName().ifPresent(p -> this.member = p);
      return this;
    }

    /** This replica's name in the fleet; usually the pod name. Required unless {@link #environment}. */
    public Builder member(String member) {
      this.member = Objects.requireNonNull(member, "member");
      return this;
    }

    /**
     * How long the workload's desired and ready counts are reused before they are read again
     * (one GET of the workload). Default 30 s. Shorter follows readiness faster at one workload
     * request per replica per period while the guard is active.
     */
    public Builder replicasCacheFor(Duration d) {
      this.replicasCacheFor = Objects.requireNonNull(d, "replicasCacheFor");
      return this;
    }

    /** Timers for backoff, renewal, rate limits and the replica cache. Default {@link HealClock#system()}. */
    public Builder clock(HealClock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The guard's own settings (share, ttl, publishEvery, maxAttempts, backoff, io, seed; see
     * {@link StoreFleetGuard.Builder}), e.g. {@code guard(g -> g.share(0.25).ttl(Duration.ofSeconds(60)))}.
     * Store, member and clock are this builder's.
     */
    public Builder guard(Consumer<StoreFleetGuard.Builder> settings) {
      this.guard = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /**
     * @throws IllegalStateException naming what is missing
     * @throws IllegalArgumentException naming the bad setting
     */
    public StoreFleetGuard build() {
      if (client == null) {
        throw new IllegalStateException("client must be set");
      }
      if (workload == null) {
        throw new IllegalStateException("workload must be set (the Deployment or StatefulSet whose replicas share"
            + " the slots, e.g. KubernetesHealing.ownWorkload())");
      }
      if (!workload.kind().equals("Deployment") && !workload.kind().equals("StatefulSet")) {
        throw new IllegalArgumentException("workload must be a Deployment or StatefulSet, was " + workload.kind());
      }
      if (member == null) {
        throw new IllegalStateException("member must be set (this pod's name: member(..) or environment(env))");
      }
      StoreFleetGuard.Builder b = StoreFleetGuard.builder();
      guard.accept(b);
      return b.store(new ConfigMapFleetStore(client, workload.namespace(), configMapName(workload), workload, clock,
          replicasCacheFor)).member(member).clock(clock).build();
    }
  }
}
