package dev.heal.k8s.internal;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** Compare-and-set of a small ConfigMap, shared by the disruption ledger and the fleet guard. */
final class ConfigMaps {
  private ConfigMaps() {}

  /**
   * Creates {@code cm} (no {@code expectedVersion}) or replaces it if its {@code resourceVersion}
   * is still {@code expectedVersion}. False on 409: it changed, or another writer created it first.
   * Other API errors are thrown.
   */
  static boolean saveIfUnchanged(KubernetesClient client, String namespace, ConfigMap cm, String expectedVersion) {
    try {
      if (expectedVersion == null) {
        client.configMaps().inNamespace(namespace).resource(cm).create();
      } else {
        client.configMaps().inNamespace(namespace).resource(cm).update();
      }
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return false;
      }
      throw e;
    }
  }
}
