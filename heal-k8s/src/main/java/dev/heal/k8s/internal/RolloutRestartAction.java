package dev.heal.k8s.internal;

import dev.heal.core.healer.ActionResult;
import dev.heal.k8s.RbacRule;
import dev.heal.k8s.WorkloadRef;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rollout restart of a Deployment or StatefulSet, as {@code kubectl rollout restart} does it: a
 * merge patch that stamps {@code kubectl.kubernetes.io/restartedAt} on the pod template, so the
 * controller replaces pods under the workload's own rollout strategy. The workload is the one
 * owning this pod, or a named one. Counts as one disruption of the workload in the budget.
 */
public final class RolloutRestartAction extends AbstractClusterAction {
  static final String RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";

  private final WorkloadRef target; // null: the owner of this pod

  public RolloutRestartAction(Cluster cluster, String name, WorkloadRef target) {
    super(cluster, name);
    if (target != null && !"Deployment".equals(target.kind()) && !"StatefulSet".equals(target.kind())) {
      throw new IllegalArgumentException(
          "target kind must be Deployment or StatefulSet, was " + target.kind());
    }
    this.target = target;
  }

  @Override
  protected List<RbacRule> actionRules() {
    List<RbacRule> rules = new ArrayList<>();
    if (target == null) {
      rules.add(RbacRule.namespaced("", "pods", "get"));
      rules.add(RbacRule.namespaced("apps", "replicasets", "get"));
      rules.add(RbacRule.namespaced("apps", "deployments", "get", "patch"));
      rules.add(RbacRule.namespaced("apps", "statefulsets", "get", "patch"));
    } else if ("Deployment".equals(target.kind())) {
      rules.add(RbacRule.namespaced("apps", "deployments", "get", "patch"));
    } else {
      rules.add(RbacRule.namespaced("apps", "statefulsets", "get", "patch"));
    }
    return rules;
  }

  @Override
  protected ActionResult perform(Run run) {
    String ns = cluster.namespace();
    HasMetadata workload;
    WorkloadRef ref;
    if (target == null) {
      String self = cluster.environment().podName().orElse(null);
      if (self == null) {
        return podNameUnknown();
      }
      run.step("get pod " + ns + "/" + self);
      Pod pod = run.client.pods().inNamespace(ns).withName(self).get();
      if (pod == null) {
        return ActionResult.unavailable(name() + ": pod " + ns + "/" + self + " not found (404)");
      }
      run.step("resolve the owner of pod " + ns + "/" + self);
      OwnerResolver.Workload w = OwnerResolver.resolve(run.client, pod);
      if (!"Deployment".equals(w.ref().kind()) && !"StatefulSet".equals(w.ref().kind())) {
        return ActionResult.unavailable(name() + ": pod " + self + " is owned by " + w.ref().key()
            + ", not by a Deployment or StatefulSet; nothing to roll out");
      }
      workload = w.object();
      ref = w.ref();
    } else {
      ref = new WorkloadRef(target.kind(), ns, target.name());
      run.step("get " + ref);
      workload = "Deployment".equals(ref.kind())
          ? run.client.apps().deployments().inNamespace(ns).withName(ref.name()).get()
          : run.client.apps().statefulSets().inNamespace(ns).withName(ref.name()).get();
      if (workload == null) {
        return ActionResult.unavailable(name() + ": " + ref + " not found (404)");
      }
    }
    run.involve(Pods.ref(workload));
    Map<String, String> details = new LinkedHashMap<>();
    details.put("workload", ref.toString());
    Instant now = cluster.clock().now();
    String cooldownKey = name() + "/" + ref.key();
    Optional<Instant> until = cluster.guard().coolingDownUntil(cooldownKey, now);
    if (until.isPresent()) {
      String msg = name() + ": " + ref.key() + " is cooling down until " + until.get()
          + " after the last rollout restart";
      run.warn("HealCooldown", msg);
      return ActionResult.notNow(msg).withDetails(details);
    }
    String patch = "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"" + RESTARTED_AT
        + "\":\"" + now + "\"}}}}}";
    if (run.dryRun()) {
      DisruptionGuard.Decision d = cluster.guard().check(ref.key(), now, 1, 0);
      run.mutatingStep("patch " + ref + " (server-side dry run)");
      patch(run, ref, patch, true);
      String msg = name() + ": would rollout-restart " + ref.key()
          + (d.granted() ? "" : ", but the budget says no: " + d.reason());
      run.normal("HealDryRun", msg);
      return ActionResult.dryRun(msg).withDetails(details);
    }
    run.step("reserve the disruption budget of " + ref);
    DisruptionGuard.Decision d = cluster.guard().reserve(ref.key(), now, 1, 0);
    if (!d.granted()) {
      String msg = name() + ": not restarting " + ref.key() + ": " + d.reason();
      run.warn("HealBlastRadiusLimit", msg);
      return ActionResult.notNow(msg).withDetails(details);
    }
    try {
      run.mutatingStep("patch " + ref);
      patch(run, ref, patch, false);
    } catch (RuntimeException e) {
      int code = ApiErrors.code(e);
      if (code >= 400 && code < 500) {
        cluster.guard().release(ref.key(), now);
      }
      throw e;
    }
    cluster.guard().startCooldown(cooldownKey, now);
    String msg = name() + ": rollout restart of " + ref.key() + " started (restartedAt " + now + ")";
    run.normal("HealRolloutRestart", msg);
    return ActionResult.succeeded(msg).withDetails(details);
  }

  private static void patch(Run run, WorkloadRef ref, String patch, boolean dryRun) {
    PatchContext ctx = PatchContext.of(PatchType.JSON_MERGE);
    if ("Deployment".equals(ref.kind())) {
      var r = run.client.apps().deployments().inNamespace(ref.namespace()).withName(ref.name());
      (dryRun ? r.dryRun() : r).patch(ctx, patch);
    } else {
      var r = run.client.apps().statefulSets().inNamespace(ref.namespace()).withName(ref.name());
      (dryRun ? r.dryRun() : r).patch(ctx, patch);
    }
  }

  @Override
  public String toString() {
    return name() + "[" + (target == null ? "owner of this pod" : target.key()) + "]";
  }
}
