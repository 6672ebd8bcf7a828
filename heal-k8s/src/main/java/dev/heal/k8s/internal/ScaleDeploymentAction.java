package dev.heal.k8s.internal;

import dev.heal.core.healer.ActionResult;
import dev.heal.k8s.RbacRule;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Scales a Deployment by {@code delta} replicas, never past {@code max} and never below {@code
 * min}. The patch carries the resourceVersion that was read, so a concurrent change answers 409
 * instead of being overwritten.
 */
public final class ScaleDeploymentAction extends AbstractClusterAction {
  private final String deployment;
  private final int delta;
  private final int min;
  private final int max;

  public ScaleDeploymentAction(Cluster cluster, String name, String deployment, int delta, int min,
      int max) {
    super(cluster, name);
    if (deployment == null || deployment.isBlank()) {
      throw new IllegalArgumentException("deployment must not be blank");
    }
    if (delta == 0) {
      throw new IllegalArgumentException("delta must not be 0");
    }
    if (min < 0) {
      throw new IllegalArgumentException("min must not be negative, was " + min);
    }
    if (max < min || max < 1) {
      throw new IllegalArgumentException("max must be at least min and at least 1, was max=" + max
          + ", min=" + min);
    }
    this.deployment = deployment;
    this.delta = delta;
    this.min = min;
    this.max = max;
  }

  @Override
  protected List<RbacRule> actionRules() {
    return List.of(RbacRule.namespaced("apps", "deployments", "get", "patch"));
  }

  @Override
  protected ActionResult perform(Run run) {
    String ns = cluster.namespace();
    run.step("get deployment " + ns + "/" + deployment);
    Deployment d = run.client.apps().deployments().inNamespace(ns).withName(deployment).get();
    if (d == null) {
      return ActionResult.unavailable(name() + ": deployment " + ns + "/" + deployment
          + " not found (404)");
    }
    run.involve(Pods.ref(d));
    int current = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    int wanted = delta > 0 ? Math.min(current + delta, max) : Math.max(current + delta, min);
    Map<String, String> details = new LinkedHashMap<>();
    details.put("deployment", ns + "/" + deployment);
    details.put("from", Integer.toString(current));
    details.put("to", Integer.toString(wanted));
    if (delta > 0 ? wanted <= current : wanted >= current) {
      String msg = name() + ": deployment " + deployment + " has " + current + " replicas; "
          + (delta > 0 ? "max is " + max + ", not scaling up" : "min is " + min
          + ", not scaling down");
      run.warn("HealScaleAtBound", msg);
      return ActionResult.failed(msg).withDetails(details);
    }
    Instant now = cluster.clock().now();
    String cooldownKey = name() + "/Deployment/" + deployment;
    Optional<Instant> until = cluster.guard().coolingDownUntil(cooldownKey, now);
    if (until.isPresent()) {
      String msg = name() + ": deployment " + deployment + " is cooling down until " + until.get()
          + " after the last scaling";
      run.warn("HealCooldown", msg);
      return ActionResult.notNow(msg).withDetails(details);
    }
    String patch = "{\"metadata\":{\"resourceVersion\":\"" + d.getMetadata().getResourceVersion()
        + "\"},\"spec\":{\"replicas\":" + wanted + "}}";
    var resource = run.client.apps().deployments().inNamespace(ns).withName(deployment);
    PatchContext ctx = PatchContext.of(PatchType.JSON_MERGE);
    if (run.dryRun()) {
      run.mutatingStep("scale deployment " + ns + "/" + deployment + " (server-side dry run)");
      resource.dryRun().patch(ctx, patch);
      String msg = name() + ": would scale deployment " + deployment + " from " + current + " to "
          + wanted + " replicas (bounds " + min + ".." + max + ")";
      run.normal("HealDryRun", msg);
      return ActionResult.dryRun(msg).withDetails(details);
    }
    run.mutatingStep("scale deployment " + ns + "/" + deployment);
    resource.patch(ctx, patch);
    cluster.guard().startCooldown(cooldownKey, now);
    String msg = name() + ": scaled deployment " + deployment + " from " + current + " to " + wanted
        + " replicas (bounds " + min + ".." + max + ")";
    run.normal("HealScaled", msg);
    return ActionResult.succeeded(msg).withDetails(details);
  }

  @Override
  public String toString() {
    return name() + "[" + deployment + " " + (delta > 0 ? "+" : "") + delta + " within " + min
        + ".." + max + "]";
  }
}
