package dev.heal.k8s.internal;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Keeps the ledger in a small ConfigMap, so a restarted healer remembers what it (or another
 * replica) did. Optimistic concurrency through {@code metadata.resourceVersion}: a concurrent
 * write answers 409 and the caller reloads.
 */
public final class ConfigMapLedgerStore implements LedgerStore {
  private final KubernetesClient client;
  private final String namespace;
  private final String name;

  public ConfigMapLedgerStore(KubernetesClient client, String namespace, String name) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
  }

  @Override
  public Versioned load() {
    ConfigMap cm = client.configMaps().inNamespace(namespace).withName(name).get();
    if (cm == null) {
      return new Versioned(Ledger.EMPTY, null);
    }
    return new Versioned(Ledger.decode(cm.getData()), cm.getMetadata().getResourceVersion());
  }

  @Override
  public boolean save(Ledger ledger, String expectedVersion) {
    ConfigMap cm = new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .withResourceVersion(expectedVersion)
        .addToLabels("app.kubernetes.io/managed-by", "heal")
        .addToAnnotations("heal.dev/purpose",
            "heal-k8s disruption budget and cooldown ledger; safe to delete (forgets them)")
        .endMetadata()
        .withData(ledger.encode())
        .build();
    return ConfigMaps.saveIfUnchanged(client, namespace, cm, expectedVersion);
  }
}
