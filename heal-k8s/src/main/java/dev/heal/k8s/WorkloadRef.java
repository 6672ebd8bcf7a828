package dev.heal.k8s;

import java.util.Objects;

/**
 * A namespaced Kubernetes object by kind and name: the workload that owns a pod ({@code
 * Deployment}, {@code StatefulSet}, {@code ReplicaSet}, ...) or the pod itself when nothing owns
 * it. Immutable and thread-safe.
 *
 * @param kind the object's kind, e.g. {@code Deployment}
 * @param namespace the object's namespace
 * @param name the object's name
 */
public record WorkloadRef(String kind, String namespace, String name) {
  public WorkloadRef {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
  }

  /** {@code Kind/name}, the key under which budgets are kept. */
  public String key() {
    return kind + "/" + name;
  }

  @Override
  public String toString() {
    return namespace + "/" + key();
  }
}
