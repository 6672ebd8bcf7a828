package dev.heal.k8s;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns the {@link RbacRule}s that actions declare into a Role (namespaced rules) or ClusterRole
 * (cluster-scoped rules) manifest: the least privilege heal-k8s needs, no verb more. The shipped
 * {@code heal-k8s-role.yaml} is this output, and a test keeps it so. Thread-safe (stateless).
 */
public final class Rbac {
  private Rbac() {}

  /** Merges rules: one entry per (group, resource) with the union of verbs, sorted. */
  public static Map<String, Set<String>> merge(Collection<RbacRule> rules, boolean clusterScoped) {
    Map<String, Set<String>> merged = new TreeMap<>();
    for (RbacRule r : rules) {
      if (r.clusterScoped() == clusterScoped) {
        merged.computeIfAbsent(r.apiGroup() + "|" + r.resource(), k -> new TreeSet<>())
            .addAll(r.verbs());
      }
    }
    return merged;
  }

  /** A {@code rbac.authorization.k8s.io/v1} Role with the namespaced rules, as YAML. */
  public static String roleYaml(String name, Collection<RbacRule> rules) {
    return yaml("Role", name, merge(rules, false));
  }

  /** A ClusterRole with the cluster-scoped rules (cordon), as YAML. */
  public static String clusterRoleYaml(String name, Collection<RbacRule> rules) {
    return yaml("ClusterRole", name, merge(rules, true));
  }

  private static String yaml(String kind, String name, Map<String, Set<String>> merged) {
    StringBuilder b = new StringBuilder();
    b.append("# Generated from the RbacRules heal-k8s's actions declare; a test keeps it in sync.\n");
    b.append("apiVersion: rbac.authorization.k8s.io/v1\n");
    b.append("kind: ").append(kind).append('\n');
    b.append("metadata:\n  name: ").append(name).append('\n');
    b.append("  labels:\n    app.kubernetes.io/name: heal-k8s\n");
    b.append("rules:\n");
    merged.forEach((key, verbs) -> {
      int bar = key.indexOf('|');
      b.append("  - apiGroups: [\"").append(key, 0, bar).append("\"]\n");
      b.append("    resources: [\"").append(key.substring(bar + 1)).append("\"]\n");
      b.append("    verbs: [");
      b.append(String.join(", ", verbs.stream().map(v -> "\"" + v + "\"").toList()));
      b.append("]\n");
    });
    return b.toString();
  }
}
