package dev.heal.k8s.internal;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Keeps the ledger in a small ConfigMap, so a restarted healer remembers what it (or another
 * replica) did. Optimistic concurrency through {@code metadata.resourceVersion}: a concurrent
 * write answers 409 and the caller reloads.
 *
 * <p>A write that got a 5xx or no answer may still have been applied (a 504 after etcd committed
 * it). Writing it again would count one disruption twice, so every write carries a random token,
 * and the ConfigMap keeps the tokens of its last {@value #KEPT_WRITES} writes under
 * {@code writes}: after an ambiguous answer the store reads the ConfigMap back (retrying as
 * {@link ApiRetry} says) and reports the write applied if and only if its token is there. If it
 * cannot read it back it throws {@link LedgerStore.OutcomeUnknown}. Thread-safe.
 */
public final class ConfigMapLedgerStore implements LedgerStore {
  static final String WRITES = "writes";
  static final int KEPT_WRITES = 32;

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final ApiRetry.Pause pause;
  /** The write tokens of recently loaded versions, so a save carries its predecessor's on. */
  private final Map<String, List<String>> tokensByVersion = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, List<String>> eldest) {
      return size() > 16;
    }
  };

  public ConfigMapLedgerStore(KubernetesClient client, String namespace, String name) {
    this(client, namespace, name, ApiRetry.Pause.SLEEP);
  }

  ConfigMapLedgerStore(KubernetesClient client, String namespace, String name, ApiRetry.Pause pause) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
    this.pause = pause;
  }

  @Override
  public Versioned load() {
    ConfigMap cm = get();
    if (cm == null) {
      return new Versioned(Ledger.EMPTY, null);
    }
    String version = cm.getMetadata().getResourceVersion();
    synchronized (tokensByVersion) {
      tokensByVersion.put(version, tokens(cm));
    }
    return new Versioned(Ledger.decode(cm.getData()), version);
  }

  @Override
  public boolean save(Ledger ledger, String expectedVersion) {
    String token = UUID.randomUUID().toString();
    List<String> writes;
    synchronized (tokensByVersion) {
      writes = new ArrayList<>(expectedVersion == null ? List.of()
          : tokensByVersion.getOrDefault(expectedVersion, List.of()));
    }
    writes.add(token);
    if (writes.size() > KEPT_WRITES) {
      writes = writes.subList(writes.size() - KEPT_WRITES, writes.size());
    }
    Map<String, String> data = new TreeMap<>(ledger.encode());
    data.put(WRITES, String.join(",", writes));
    ConfigMap cm = new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .withResourceVersion(expectedVersion)
        .addToLabels("app.kubernetes.io/managed-by", "heal")
        .addToAnnotations("heal.dev/purpose",
            "heal-k8s disruption budget and cooldown ledger; safe to delete (forgets them)")
        .endMetadata()
        .withData(data)
        .build();
    try {
      return ConfigMaps.saveIfUnchanged(client, namespace, cm, expectedVersion);
    } catch (KubernetesClientException e) {
      int code = ApiErrors.code(e);
      if (code > 0 && code < 500) {
        throw e; // refused (429, 403, 422): nothing was written
      }
      return applied(token, e);
    }
  }

  /** After an ambiguous answer to the write carrying {@code token}: was it applied? */
  private boolean applied(String token, KubernetesClientException ambiguous) {
    RuntimeException last = ambiguous;
    for (int errors = 1; errors <= ApiRetry.MAX_ERRORS; errors++) {
      if (!ApiRetry.pause(pause, ApiRetry.delay(last, errors))) {
        break;
      }
      try {
        ConfigMap cm = get();
        return cm != null && tokens(cm).contains(token);
      } catch (KubernetesClientException e) {
        if (!ApiRetry.retryable(e)) {
          last = e;
          break;
        }
        last = e;
      }
    }
    throw new OutcomeUnknown("the write of ledger " + namespace + "/" + name + " got no clear answer ("
        + ApiErrors.map(ambiguous, "write").message() + ") and reading it back failed: "
        + ApiErrors.map(last, "read").message(), last);
  }

  private ConfigMap get() {
    return client.configMaps().inNamespace(namespace).withName(name).get();
  }

  private static List<String> tokens(ConfigMap cm) {
    String w = cm.getData() == null ? null : cm.getData().get(WRITES);
    return w == null || w.isBlank() ? List.of() : List.copyOf(Arrays.asList(w.split(",")));
  }
}
