package dev.heal.k8s;

import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * One RBAC permission a heal-k8s action needs: verbs on a resource (or subresource, {@code
 * pods/eviction}) of an API group. The shipped Role is the union of these over all actions, and a
 * test checks it against the requests the actions really make. Immutable and thread-safe.
 *
 * @param apiGroup the API group, {@code ""} for the core group
 * @param resource the resource, e.g. {@code pods} or {@code pods/eviction}
 * @param verbs the verbs, e.g. {@code get}, {@code list}, {@code delete}
 * @param clusterScoped true for cluster-scoped resources (Nodes), which need a ClusterRole
 */
public record RbacRule(String apiGroup, String resource, Set<String> verbs, boolean clusterScoped) {
  public RbacRule {
    Objects.requireNonNull(apiGroup, "apiGroup");
    Objects.requireNonNull(resource, "resource");
    if (verbs.isEmpty()) {
      throw new IllegalArgumentException("verbs must not be empty for " + resource);
    }
    verbs = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(verbs));
  }

  /** A rule on a namespaced resource. */
  public static RbacRule namespaced(String apiGroup, String resource, String... verbs) {
    return new RbacRule(apiGroup, resource, Set.of(verbs), false);
  }

  /** A rule on a cluster-scoped resource. */
  public static RbacRule cluster(String apiGroup, String resource, String... verbs) {
    return new RbacRule(apiGroup, resource, Set.of(verbs), true);
  }
}
