package dev.heal.k8s.internal;

import dev.heal.core.fleet.FleetSize;
import dev.heal.core.fleet.FleetState;
import dev.heal.core.fleet.spi.FleetStore;
import dev.heal.core.time.HealClock;
import dev.heal.k8s.WorkloadRef;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A fleet's {@link FleetState} in one ConfigMap per workload, {@code heal-fleet-<workload>}, with
 * optimistic concurrency through {@code metadata.resourceVersion}: a concurrent write answers 409
 * and {@link #save} returns false. Entries: {@code slot.<member>_<episode>: <since>,<expires>} and
 * {@code member.<member>: <expires>;<symptom>,<symptom>...} (pod names and heal's episode ids
 * contain no {@code _}). The fleet size is the workload's desired and ready replicas
 * ({@code spec.replicas}, {@code status.readyReplicas}; a missing ready count is 0, a missing
 * desired count 1), read together in one GET at most once per {@code replicasCacheFor}: at most
 * one workload request per replica per cache period, and only while the guard is changing
 * something (an acquisition, a renewal, a publish). Thread-safe.
 */
public final class ConfigMapFleetStore implements FleetStore {
  static final String SLOT = "slot.";
  static final String MEMBER = "member.";

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final WorkloadRef workload;
  private final HealClock clock;
  private final long cacheNanos;
  private final Object lock = new Object();
  private FleetSize size;            // guarded by lock; null until read
  private long replicasReadAt;       // guarded by lock

  public ConfigMapFleetStore(KubernetesClient client, String namespace, String name, WorkloadRef workload,
      HealClock clock, Duration replicasCacheFor) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
    this.workload = workload;
    this.clock = clock;
    this.cacheNanos = replicasCacheFor.toNanos();
  }

  @Override
  public Versioned load() {
    ConfigMap cm = client.configMaps().inNamespace(namespace).withName(name).get();
    if (cm == null) {
      return new Versioned(FleetState.EMPTY, null);
    }
    return new Versioned(decode(cm.getData()), cm.getMetadata().getResourceVersion());
  }

  @Override
  public boolean save(FleetState next, String expectedVersion) {
    ConfigMap cm = new ConfigMapBuilder()
        .withNewMetadata().withName(name).withNamespace(namespace).withResourceVersion(expectedVersion)
        .addToLabels("app.kubernetes.io/managed-by", "heal")
        .addToAnnotations("heal.dev/purpose", "heal fleet guard of " + workload.key()
            + ": slots for disruptive steps and shared symptoms; entries lapse by themselves")
        .endMetadata()
        .withData(encode(next))
        .build();
    return ConfigMaps.saveIfUnchanged(client, namespace, cm, expectedVersion);
  }

  @Override
  public FleetSize size() {
    long now = clock.nanoTime();
    synchronized (lock) {
      if (size != null && now - replicasReadAt < cacheNanos) {
        return size;
      }
    }
    HasMetadata w = switch (workload.kind()) {
      case "Deployment" -> client.apps().deployments().inNamespace(workload.namespace()).withName(workload.name()).get();
      case "StatefulSet" -> client.apps().statefulSets().inNamespace(workload.namespace()).withName(workload.name())
          .get();
      default -> throw new IllegalStateException("the fleet guard counts replicas of a Deployment or StatefulSet, not "
          + workload.kind());
    };
    if (w == null) {
      throw new KubernetesClientException("workload " + workload + " not found", 404, null);
    }
    Integer desired;
    Integer ready;
    if (w instanceof Deployment d) {
      desired = d.getSpec() == null ? null : d.getSpec().getReplicas();
      ready = d.getStatus() == null ? null : d.getStatus().getReadyReplicas();
    } else {
      StatefulSet st = (StatefulSet) w;
      desired = st.getSpec() == null ? null : st.getSpec().getReplicas();
      ready = st.getStatus() == null ? null : st.getStatus().getReadyReplicas();
    }
    FleetSize n = new FleetSize(desired == null ? 1 : Math.max(0, desired), ready == null ? 0 : Math.max(0, ready));
    synchronized (lock) {
      size = n;
      replicasReadAt = now;
    }
    return n;
  }

  /**
   * 409s never get here (they are conflicts); 429 waits at least its Retry-After; 5xx and requests
   * that got no answer (timeouts, refused connections) are retried with backoff; anything else
   * (403 missing RBAC, 404 workload, 422) cannot be helped by retrying.
   */
  @Override
  public Optional<Duration> retryDelay(RuntimeException failure) {
    int code = ApiErrors.code(failure);
    if (code == 429) {
      return Optional.of(ApiErrors.retryAfter(failure).orElse(Duration.ofSeconds(1)));
    }
    if (code >= 500 || code == 0 || code == 409) {
      return Optional.of(Duration.ZERO);
    }
    return Optional.empty();
  }

  public static Map<String, String> encode(FleetState s) {
    Map<String, String> data = new TreeMap<>();
    s.slots().values().forEach(v -> data.put(SLOT + v.member() + "_" + v.episode(), v.since() + "," + v.expires()));
    s.members().values().forEach(m -> data.put(MEMBER + m.name(), m.expires() + ";" + String.join(",", m.symptoms())));
    return data;
  }

  /** Entries it cannot parse (hand-edited, foreign) are skipped, and dropped at the next save. */
  public static FleetState decode(Map<String, String> data) {
    if (data == null) {
      return FleetState.EMPTY;
    }
    Map<String, FleetState.Slot> slots = new TreeMap<>();
    Map<String, FleetState.Member> members = new TreeMap<>();
    data.forEach((k, v) -> {
      try {
        if (k.startsWith(SLOT)) {
          String rest = k.substring(SLOT.length());
          int cut = rest.lastIndexOf('_');
          String[] t = v.split(",");
          FleetState.Slot slot = new FleetState.Slot(rest.substring(0, cut), rest.substring(cut + 1),
              Instant.parse(t[0].trim()), Instant.parse(t[1].trim()));
          slots.put(slot.key(), slot);
        } else if (k.startsWith(MEMBER)) {
          String member = k.substring(MEMBER.length());
          int cut = v.indexOf(';');
          Set<String> symptoms = new HashSet<>(Arrays.asList(v.substring(cut + 1).split(",")));
          symptoms.remove("");
          members.put(member, new FleetState.Member(member, symptoms, Instant.parse(v.substring(0, cut).trim())));
        }
      } catch (RuntimeException e) {
        // skipped
      }
    });
    return new FleetState(members, slots);
  }
}
