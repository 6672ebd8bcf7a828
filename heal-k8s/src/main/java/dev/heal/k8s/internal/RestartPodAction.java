package dev.heal.k8s.internal;

import dev.heal.core.healer.ActionResult;
import dev.heal.k8s.RbacRule;
import io.fabric8.kubernetes.api.model.DeleteOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.Eviction;
import io.fabric8.kubernetes.api.model.policy.v1.EvictionBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Restarts a pod by deleting it (its controller replaces it) or by evicting it (the API server
 * checks PodDisruptionBudgets and answers 429 when now is not the time). The pod is this pod, or
 * one chosen by label: the pod named by the trigger's {@code pod} label if it matches, else the
 * first unready matching pod by name.
 */
public final class RestartPodAction extends AbstractClusterAction {
  /** Trigger label naming the pod to restart (Alertmanager alerts carry it). */
  public static final String POD_LABEL = "pod";

  private final Map<String, String> selector; // empty: this pod
  private final boolean evict;

  public RestartPodAction(Cluster cluster, String name, Map<String, String> selector, boolean evict) {
    super(cluster, name);
    this.selector = Map.copyOf(selector);
    this.evict = evict;
  }

  @Override
  protected List<RbacRule> actionRules() {
    List<RbacRule> rules = new ArrayList<>();
    rules.add(RbacRule.namespaced("", "pods", "get", "list"));
    rules.add(RbacRule.namespaced("apps", "replicasets", "get"));
    rules.add(RbacRule.namespaced("apps", "deployments", "get"));
    rules.add(RbacRule.namespaced("apps", "statefulsets", "get"));
    rules.add(evict ? RbacRule.namespaced("", "pods/eviction", "create")
        : RbacRule.namespaced("", "pods", "delete"));
    return rules;
  }

  @Override
  protected ActionResult perform(Run run) {
    String ns = cluster.namespace();
    Pod pod;
    List<Pod> matching = List.of();
    if (selector.isEmpty()) {
      String self = cluster.environment().podName().orElse(null);
      if (self == null) {
        return podNameUnknown();
      }
      run.step("get pod " + ns + "/" + self);
      pod = run.client.pods().inNamespace(ns).withName(self).get();
      if (pod == null) {
        return ActionResult.unavailable(name() + ": pod " + ns + "/" + self + " not found (404)");
      }
    } else {
      run.step("list pods " + ns + " " + selector);
      matching = run.client.pods().inNamespace(ns).withLabels(selector).list().getItems();
      Optional<Pod> chosen = choose(matching, run.context.trigger().labels().get(POD_LABEL));
      if (chosen.isEmpty()) {
        return ActionResult.failed(name() + ": no unready pod matches " + selector + " in " + ns
            + " (" + matching.size() + " pods match, all ready); nothing to restart");
      }
      pod = chosen.get();
    }
    String podName = pod.getMetadata().getName();
    run.involve(Pods.ref(pod));

    run.step("resolve the owner of pod " + ns + "/" + podName);
    OwnerResolver.Workload workload = OwnerResolver.resolve(run.client, pod);
    String key = workload.ref().key();
    List<Pod> group;
    if (workload.selector().isEmpty() && !selector.isEmpty()) {
      // Bare pods chosen by label: the pods the label matches are the group that must not all
      // go down, and they share one budget.
      key = "Pods/" + selectorKey(selector);
      group = matching;
    } else if (workload.selector().isEmpty()) {
      group = List.of(pod);
    } else {
      run.step("list pods of " + workload.ref());
      group = run.client.pods().inNamespace(ns).withLabels(workload.selector()).list().getItems();
    }
    int total = Math.max(group.size(), 1);
    long unavailable = group.stream().filter(p -> !Pods.isAvailable(p)).count();
    boolean targetListed = group.stream()
        .anyMatch(p -> p.getMetadata().getName().equals(podName));
    int unavailableAfter = (int) unavailable
        + (Pods.isAvailable(pod) || !targetListed ? 1 : 0);
    Map<String, String> details = new LinkedHashMap<>();
    details.put("pod", podName);
    details.put("workload", key.startsWith("Pods/") ? ns + "/" + selector
        : workload.ref().toString());
    details.put("mode", evict ? "evict" : "delete");
    String verb = evict ? "evict" : "delete";
    Instant now = cluster.clock().now();

    String cooldownKey = name() + "/" + key;
    Optional<Instant> until = cluster.guard().coolingDownUntil(cooldownKey, now);
    if (until.isPresent()) {
      String msg = name() + ": " + key + " is cooling down until " + until.get()
          + " after the last restart; not restarting " + podName;
      run.warn("HealCooldown", msg);
      return ActionResult.notNow(msg).withDetails(details);
    }

    if (run.dryRun()) {
      DisruptionGuard.Decision d = cluster.guard().check(key, now, total, unavailableAfter);
      if (!d.granted()) {
        String msg = name() + ": would not " + verb + " pod " + podName + ": " + d.reason();
        run.warn("HealBlastRadiusLimit", msg);
        return ActionResult.dryRun(msg).withDetails(details);
      }
      run.mutatingStep(verb + " pod " + ns + "/" + podName + " (server-side dry run)");
      if (!callApi(run, ns, podName, true)) {
        String msg = name() + ": eviction of " + podName + " would be refused now (429): a "
            + "PodDisruptionBudget does not allow it";
        run.warn("HealEvictionRefused", msg);
        return ActionResult.dryRun(msg).withDetails(details);
      }
      String msg = name() + ": would " + verb + " pod " + podName + " of " + key
          + " (" + d.reason() + ")";
      run.normal("HealDryRun", msg);
      return ActionResult.dryRun(msg).withDetails(details);
    }

    run.step("reserve the disruption budget of " + key);
    DisruptionGuard.Decision d = cluster.guard().reserve(key, now, total, unavailableAfter);
    if (!d.granted()) {
      String msg = name() + ": not restarting pod " + podName + ": " + d.reason();
      run.warn("HealBlastRadiusLimit", msg);
      return ActionResult.notNow(msg).withDetails(details);
    }
    boolean done;
    try {
      run.mutatingStep(verb + " pod " + ns + "/" + podName);
      done = callApi(run, ns, podName, false);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404 && !evict) {
        // Someone else deleted it first: the restart the healer wanted is happening.
        cluster.guard().startCooldown(cooldownKey, now);
        String msg = name() + ": pod " + podName + " was already gone (404); its controller "
            + "replaces it";
        run.normal("HealRestartPod", msg);
        return ActionResult.succeeded(msg).withDetails(details);
      }
      if (e.getCode() >= 400 && e.getCode() < 500) {
        cluster.guard().release(key, now); // definitively refused: nothing was disrupted
      }
      throw e;
    }
    if (!done) {
      cluster.guard().release(key, now);
      String msg = name() + ": eviction of pod " + podName + " refused for now (429): a "
          + "PodDisruptionBudget does not allow it; retry with backoff, then escalate";
      run.warn("HealEvictionRefused", msg);
      return ActionResult.notNow(msg).withDetails(details);
    }
    cluster.guard().startCooldown(cooldownKey, now);
    String msg = name() + ": " + (evict ? "evicted" : "deleted") + " pod " + podName + " of "
        + key + " (" + d.reason() + ")";
    run.normal(evict ? "HealEvictPod" : "HealRestartPod", msg);
    return ActionResult.succeeded(msg).withDetails(details);
  }

  /** Deletes or evicts; false if an eviction was refused with 429. */
  private boolean callApi(Run run, String ns, String podName, boolean dryRun) {
    var resource = run.client.pods().inNamespace(ns).withName(podName);
    if (evict) {
      Eviction eviction = new EvictionBuilder()
          .withNewMetadata().withName(podName).withNamespace(ns).endMetadata()
          .withDeleteOptions(dryRun ? new DeleteOptionsBuilder().withDryRun("All").build() : null)
          .build();
      return resource.evict(eviction);
    }
    if (dryRun) {
      resource.dryRun().delete();
    } else {
      resource.delete();
    }
    return true;
  }

  /** A ledger-safe key for a label selector: ConfigMap keys allow only [-._a-zA-Z0-9]. */
  static String selectorKey(Map<String, String> selector) {
    StringBuilder b = new StringBuilder();
    new java.util.TreeMap<>(selector).forEach((k, v) -> {
      if (b.length() > 0) {
        b.append('.');
      }
      b.append(k).append('-').append(v);
    });
    return b.toString().replaceAll("[^-.a-zA-Z0-9]", ".");
  }

  private Optional<Pod> choose(List<Pod> pods, String named) {
    if (named != null) {
      Optional<Pod> p = pods.stream().filter(x -> named.equals(x.getMetadata().getName())).findFirst();
      if (p.isPresent()) {
        return p;
      }
    }
    return pods.stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(p -> !Pods.isAvailable(p))
        .min(Comparator.comparing(p -> p.getMetadata().getName()));
  }

  @Override
  public String toString() {
    return name() + (selector.isEmpty() ? "[self" : "[" + selector) + (evict ? ", evict]" : "]");
  }
}
