package dev.heal.k8s.internal;

import dev.heal.core.healer.ActionResult;
import dev.heal.k8s.RbacRule;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Cordons a node ({@code spec.unschedulable=true}) so no new pods land on it; it does not drain.
 * Opt-in only: it needs a ClusterRole, and a node is shared by many workloads. Without a fixed
 * node it takes the trigger's {@code node} label (node alerts carry it), else this pod's node;
 * remember that cluster actions run on the leader, whose node that is.
 */
public final class CordonNodeAction extends AbstractClusterAction {
  /** Trigger label naming the node to cordon. */
  public static final String NODE_LABEL = "node";

  private final String node; // null: the trigger's node label, else this pod's node

  public CordonNodeAction(Cluster cluster, String name, String node) {
    super(cluster, name);
    this.node = node;
  }

  @Override
  protected List<RbacRule> actionRules() {
    return List.of(RbacRule.cluster("", "nodes", "get", "patch"));
  }

  @Override
  protected ActionResult perform(Run run) {
    String nodeName = node != null ? node
        : run.context.trigger().labels().getOrDefault(NODE_LABEL,
            cluster.environment().nodeName().orElse(null));
    if (nodeName == null) {
      return ActionResult.unavailable(name() + ": this pod's node is unknown; set NODE_NAME from "
          + "the Downward API (fieldRef spec.nodeName)");
    }
    run.step("get node " + nodeName);
    Node n = run.client.nodes().withName(nodeName).get();
    if (n == null) {
      return ActionResult.unavailable(name() + ": node " + nodeName + " not found (404)");
    }
    run.involve(Pods.ref(n));
    Map<String, String> details = Map.of("node", nodeName);
    if (Boolean.TRUE.equals(n.getSpec() == null ? null : n.getSpec().getUnschedulable())) {
      return ActionResult.succeeded(name() + ": node " + nodeName + " is already cordoned")
          .withDetails(details);
    }
    Instant now = cluster.clock().now();
    String cooldownKey = name() + "/Node/" + nodeName;
    Optional<Instant> until = cluster.guard().coolingDownUntil(cooldownKey, now);
    if (until.isPresent()) {
      String msg = name() + ": node " + nodeName + " is cooling down until " + until.get();
      run.warn("HealCooldown", msg);
      return ActionResult.notNow(msg).withDetails(details);
    }
    String patch = "{\"spec\":{\"unschedulable\":true}}";
    PatchContext ctx = PatchContext.of(PatchType.JSON_MERGE);
    var resource = run.client.nodes().withName(nodeName);
    if (run.dryRun()) {
      run.mutatingStep("cordon node " + nodeName + " (server-side dry run)");
      resource.dryRun().patch(ctx, patch);
      String msg = name() + ": would cordon node " + nodeName;
      run.normal("HealDryRun", msg);
      return ActionResult.dryRun(msg).withDetails(details);
    }
    run.mutatingStep("cordon node " + nodeName);
    resource.patch(ctx, patch);
    cluster.guard().startCooldown(cooldownKey, now);
    String msg = name() + ": cordoned node " + nodeName + " (no new pods are scheduled on it)";
    run.normal("HealCordonNode", msg);
    return ActionResult.succeeded(msg).withDetails(details);
  }

  @Override
  public String toString() {
    return name() + "[" + (node == null ? "this pod's node" : node) + "]";
  }
}
