package dev.heal.k8s.internal;

import dev.heal.k8s.RbacRule;
import java.util.List;

/** RBAC rules shared by several parts. */
public final class Rules {
  private Rules() {}

  /** The ledger ConfigMap: read, create on first use, update. */
  public static final List<RbacRule> LEDGER =
      List.of(RbacRule.namespaced("", "configmaps", "get", "create", "update"));

  /** Events: find an existing one to aggregate, create, bump its count. */
  public static final List<RbacRule> EVENTS =
      List.of(RbacRule.namespaced("", "events", "get", "create", "update"));

  /** fabric8 8.0's LeaseLock: read, create on first use, renew and release (by patch). */
  public static final List<RbacRule> LEASE =
      List.of(RbacRule.namespaced("coordination.k8s.io", "leases", "get", "create", "patch"));
}
