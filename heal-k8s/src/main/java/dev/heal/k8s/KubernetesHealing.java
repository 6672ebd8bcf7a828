package dev.heal.k8s;

import dev.heal.core.HealException;
import dev.heal.core.time.HealClock;
import dev.heal.k8s.internal.Cluster;
import dev.heal.k8s.internal.ConfigMapLedgerStore;
import dev.heal.k8s.internal.CordonNodeAction;
import dev.heal.k8s.internal.DisruptionGuard;
import dev.heal.k8s.internal.RestartPodAction;
import dev.heal.k8s.internal.RolloutRestartAction;
import dev.heal.k8s.internal.Rules;
import dev.heal.k8s.internal.ScaleDeploymentAction;
import dev.heal.k8s.internal.OwnerResolver;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point of heal-k8s: cluster recovery actions for heal-core's healer, all sharing one
 * client, environment, {@link Leadership}, {@link DisruptionBudget} and {@link KubernetesEvents}.
 *
 * <pre>{@code
 * KubernetesEnvironment env = KubernetesEnvironment.detect();
 * KubernetesLeaderElection leader = KubernetesLeaderElection.builder()
 *     .client(client).environment(env).build().start();
 * KubernetesHealing k8s = KubernetesHealing.builder()
 *     .client(client).environment(env).leadership(leader).build();
 * Action restart = k8s.restartSelf();
 * }</pre>
 *
 * <p>Thread-safe; the actions it makes are thread-safe.
 */
public final class KubernetesHealing {
  private static final Logger log = LoggerFactory.getLogger(KubernetesHealing.class);

  private final Cluster cluster;
  private final boolean allowCordon;

  private KubernetesHealing(Cluster cluster, boolean allowCordon) {
    this.cluster = cluster;
    this.allowCordon = allowCordon;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Restarts this pod by deleting it; its controller creates a new one. */
  public ClusterAction restartSelf() {
    return new RestartPodAction(cluster, "k8s-restart-self", Map.of(), false);
  }

  /** Restarts this pod through the eviction API, so PodDisruptionBudgets are respected. */
  public ClusterAction evictSelf() {
    return new RestartPodAction(cluster, "k8s-evict-self", Map.of(), true);
  }

  /**
   * Restarts one pod matching {@code labels} (the one named by the trigger's {@code pod} label, else
   * the first unready one) by deleting it.
   */
  public ClusterAction restartPod(Map<String, String> labels) {
    return new RestartPodAction(cluster, "k8s-restart-pod", requireLabels(labels), false);
  }

  /** Like {@link #restartPod} but through the eviction API. */
  public ClusterAction evictPod(Map<String, String> labels) {
    return new RestartPodAction(cluster, "k8s-evict-pod", requireLabels(labels), true);
  }

  /** Rollout restart of the Deployment or StatefulSet that owns this pod. */
  public ClusterAction rolloutRestart() {
    return new RolloutRestartAction(cluster, "k8s-rollout-restart", null);
  }

  /** Rollout restart of a named Deployment or StatefulSet in the healer's namespace. */
  public ClusterAction rolloutRestart(String kind, String name) {
    return new RolloutRestartAction(cluster, "k8s-rollout-restart",
        new WorkloadRef(kind, cluster.environment().namespace().orElse(""), name));
  }

  /**
   * Scales {@code deployment} by {@code delta} replicas (negative scales down), never past {@code
   * max} and never below {@code min}.
   */
  public ClusterAction scaleDeployment(String deployment, int delta, int min, int max) {
    return new ScaleDeploymentAction(cluster, "k8s-scale", deployment, delta, min, max);
  }

  /**
   * Cordons the node named by the trigger's {@code node} label, else this pod's node (on the
   * leader, that is the leader's node). Opt-in: throws unless the builder had {@code allowCordon(true)}; it
   * needs the ClusterRole {@code heal-k8s-cordon}.
   *
   * @throws HealException if cordoning was not allowed
   */
  public ClusterAction cordonNode() {
    return cordon(null);
  }

  /** Cordons {@code node}. Opt-in, like {@link #cordonNode()}. */
  public ClusterAction cordonNode(String node) {
    return cordon(Objects.requireNonNull(node, "node"));
  }

  private ClusterAction cordon(String node) {
    if (!allowCordon) {
      throw new HealException("cordoning a node is opt-in: build KubernetesHealing with "
          + "allowCordon(true) and grant the ClusterRole heal-k8s-cordon");
    }
    return new CordonNodeAction(cluster, "k8s-cordon-node", node);
  }

  /** The RBAC rules leader election needs ({@code coordination.k8s.io} leases). */
  public static List<RbacRule> leaderElectionRules() {
    return Rules.LEASE;
  }

  /**
   * The workload that owns this pod, found through owner references (Pod → ReplicaSet →
   * Deployment, or Pod → StatefulSet; a pod without a controller is its own workload). Makes up to
   * three API calls; empty outside a cluster or when the pod cannot be read.
   */
  public Optional<WorkloadRef> ownWorkload() {
    if (!cluster.environment().clusterActionsAvailable()
        || cluster.environment().podName().isEmpty()) {
      return Optional.empty();
    }
    try {
      Pod pod = cluster.client().pods().inNamespace(cluster.namespace())
          .withName(cluster.environment().podName().get()).get();
      return pod == null ? Optional.empty()
          : Optional.of(OwnerResolver.resolve(cluster.client(), pod).ref());
    } catch (KubernetesClientException e) {
      log.debug("heal-k8s: cannot resolve this pod's workload: {}", e.toString());
      return Optional.empty();
    }
  }

  /** The environment the actions run in. */
  public KubernetesEnvironment environment() {
    return cluster.environment();
  }

  /** The Events recorder the actions use. */
  public KubernetesEvents events() {
    return cluster.events();
  }

  private static Map<String, String> requireLabels(Map<String, String> labels) {
    if (labels == null || labels.isEmpty()) {
      throw new IllegalArgumentException("labels must not be empty (they choose the pods)");
    }
    return labels;
  }

  /** Builds {@link KubernetesHealing}. Not thread-safe. */
  public static final class Builder {
    private KubernetesClient client;
    private KubernetesEnvironment environment;
    private Leadership leadership;
    private DisruptionBudget budget = DisruptionBudget.DEFAULT;
    private KubernetesEvents events;
    private HealClock clock = HealClock.system();
    private String component = "heal";
    private boolean allowCordon;

    private Builder() {}

    public Builder client(KubernetesClient client) {
      this.client = client;
      return this;
    }

    /** Where this process runs; usually {@link KubernetesEnvironment#detect()}. Required. */
    public Builder environment(KubernetesEnvironment environment) {
      this.environment = environment;
      return this;
    }

    /**
     * Who may act. Required: a {@link KubernetesLeaderElection} when the service has more than one
     * replica, {@link Leadership#always()} when it has one.
     */
    public Builder leadership(Leadership leadership) {
      this.leadership = leadership;
      return this;
    }

    /** heal's own disruption limits. Default {@link DisruptionBudget#DEFAULT}. */
    public Builder budget(DisruptionBudget budget) {
      this.budget = budget;
      return this;
    }

    /** The Events recorder. Default: one for {@code component} and this pod. */
    public Builder events(KubernetesEvents events) {
      this.events = events;
      return this;
    }

    /** The Events' reporting component when no recorder is given. Default {@code heal}. */
    public Builder component(String component) {
      this.component = component;
      return this;
    }

    /** heal's clock: budgets, cooldowns and Event timestamps. Default {@link HealClock#system()}. */
    public Builder clock(HealClock clock) {
      this.clock = clock;
      return this;
    }

    /** Allows {@link #cordonNode()}. Default false. */
    public Builder allowCordon(boolean allowCordon) {
      this.allowCordon = allowCordon;
      return this;
    }

    public KubernetesHealing build() {
      Objects.requireNonNull(client, "client must be set");
      Objects.requireNonNull(environment, "environment must be set (KubernetesEnvironment.detect())");
      Objects.requireNonNull(leadership,
          "leadership must be set (a KubernetesLeaderElection, or Leadership.always() for one replica)");
      Objects.requireNonNull(budget, "budget must not be null");
      Objects.requireNonNull(clock, "clock must not be null");
      String ns = environment.namespace().orElse("default");
      KubernetesEvents ev = events;
      if (ev == null) {
        ev = environment.clusterActionsAvailable()
            ? KubernetesEvents.builder().client(client).component(component)
                .instance(environment.podName().orElse(component)).namespace(ns).clock(clock).build()
            : KubernetesEvents.NONE;
      }
      DisruptionGuard guard =
          new DisruptionGuard(budget, new ConfigMapLedgerStore(client, ns, budget.ledgerName()));
      return new KubernetesHealing(new Cluster(client, environment, leadership, ev, guard, clock),
          allowCordon);
    }
  }

  /**
   * Every namespaced rule the actions and leader election can need: the content of the shipped
   * {@code heal-k8s-role.yaml} (render it with {@link Rbac#roleYaml}). Cordoning needs the
   * cluster-scoped rules of {@link #cordonNode()} on top.
   */
  public List<RbacRule> requiredRules() {
    List<RbacRule> all = new ArrayList<>();
    for (ClusterAction a : List.of(restartSelf(), evictSelf(), restartPod(Map.of("app", "x")),
        evictPod(Map.of("app", "x")), rolloutRestart(), rolloutRestart("StatefulSet", "x"),
        scaleDeployment("x", 1, 1, 2))) {
      all.addAll(a.requiredRules());
    }
    all.addAll(leaderElectionRules());
    return all;
  }
}
