package dev.heal.k8s;

import dev.heal.core.time.HealClock;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.MicroTimeBuilder;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records heal's decisions and steps as {@code core/v1} Events on the affected object, so that
 * {@code kubectl describe} and {@code kubectl get events} tell the healing story.
 *
 * <p>Repeats are aggregated the way the kubelet does it: an Event with the same involved object,
 * type, reason, message and reporting component is not created again; its {@code count} is bumped
 * and its {@code lastTimestamp} moved instead. The Event's name is derived from those fields, so a
 * restarted healer finds and bumps the Events its predecessor wrote.
 *
 * <p>Recording never throws and never blocks healing for longer than one API call: a failure is
 * logged (WARN once, then DEBUG) and counted in {@link #failures()}. Timestamps come from the
 * injected {@link HealClock}. Thread-safe.
 */
public final class KubernetesEvents {
  private static final Logger log = LoggerFactory.getLogger(KubernetesEvents.class);
  private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ISO_INSTANT;
  private static final DateTimeFormatter MICRO =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSX", Locale.ROOT)
          .withZone(ZoneOffset.UTC);
  private static final int MAX_MESSAGE = 1024;

  /** A recorder that records nothing; for code paths without a cluster. */
  public static final KubernetesEvents NONE = new KubernetesEvents(null, "heal", "", null, "");

  /** The Event's {@code type}. */
  public enum Type {
    NORMAL("Normal"),
    WARNING("Warning");

    private final String value;

    Type(String value) {
      this.value = value;
    }

    /** The value Kubernetes expects: {@code Normal} or {@code Warning}. */
    public String value() {
      return value;
    }
  }

  private final KubernetesClient client;
  private final String component;
  private final String instance;
  private final HealClock clock;
  private final String defaultNamespace;
  private final AtomicLong failures = new AtomicLong();

  private KubernetesEvents(
      KubernetesClient client, String component, String instance, HealClock clock, String ns) {
    this.client = client;
    this.component = component;
    this.instance = instance;
    this.clock = clock;
    this.defaultNamespace = ns;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Records one decision or step on {@code involved}. A cluster-scoped object (a Node) gets its
   * Event in the recorder's default namespace.
   *
   * @param involved the object the Event is about; kind and name are required
   * @param type Normal for progress, Warning for refusals and failures
   * @param reason a short UpperCamelCase reason, e.g. {@code HealRestartPod}
   * @param message a human-readable sentence (truncated to 1024 characters)
   */
  public void record(ObjectReference involved, Type type, String reason, String message) {
    Objects.requireNonNull(involved, "involved");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
    if (client == null) {
      return;
    }
    String msg = message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) : message;
    String ns = involved.getNamespace() == null || involved.getNamespace().isEmpty()
        ? defaultNamespace : involved.getNamespace();
    String name = eventName(involved, type, reason, msg);
    Instant now = clock.now().truncatedTo(ChronoUnit.SECONDS);
    try {
      // Two tries: a concurrent writer (another thread, another replica) may create or bump the
      // same Event between our read and our write; then we read again and bump.
      for (int attempt = 0; ; attempt++) {
        try {
          write(ns, name, involved, type, reason, msg, now);
          return;
        } catch (KubernetesClientException e) {
          if (e.getCode() != 409 || attempt > 0) {
            throw e;
          }
        }
      }
    } catch (RuntimeException e) {
      if (failures.getAndIncrement() == 0) {
        log.warn("heal-k8s: could not record event {} on {}/{} (further failures at DEBUG): {}",
            reason, involved.getKind(), involved.getName(), e.toString());
      } else {
        log.debug("heal-k8s: could not record event {}: {}", reason, e.toString());
      }
    }
  }

  private void write(String ns, String name, ObjectReference involved, Type type, String reason,
      String msg, Instant now) {
    String ts = RFC3339.format(now);
    var events = client.v1().events().inNamespace(ns);
    Event existing = events.withName(name).get();
    if (existing != null) {
      int count = existing.getCount() == null ? 1 : existing.getCount();
      existing.setCount(count + 1);
      existing.setLastTimestamp(ts);
      events.resource(existing).update(); // carries resourceVersion: a concurrent bump is a 409
      log.debug("heal-k8s: event {} {} x{}: {}", reason, involved.getName(), count + 1, msg);
      return;
    }
    Event event = new EventBuilder()
        .withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .withInvolvedObject(involved)
        .withType(type.value())
        .withReason(reason)
        .withMessage(msg)
        .withCount(1)
        .withFirstTimestamp(ts)
        .withLastTimestamp(ts)
        .withEventTime(new MicroTimeBuilder().withTime(MICRO.format(now)).build())
        .withNewSource().withComponent(component).withHost(instance).endSource()
        .withReportingComponent(component)
        .withReportingInstance(instance)
        .withAction(reason)
        .build();
    events.resource(event).create();
    log.debug("heal-k8s: event {} {}: {}", reason, involved.getName(), msg);
  }

  /** How many Events could not be recorded. */
  public long failures() {
    return failures.get();
  }

  /** The reporting component, e.g. {@code heal}. */
  public String component() {
    return component;
  }

  /** The reporting instance, usually the pod name. */
  public String instance() {
    return instance;
  }

  private String eventName(ObjectReference involved, Type type, String reason, String message) {
    String key = String.join("\u0000", String.valueOf(involved.getKind()),
        String.valueOf(involved.getNamespace()), String.valueOf(involved.getName()),
        String.valueOf(involved.getUid()), type.value(), reason, message, component);
    String base = involved.getName() == null ? "unknown" : involved.getName();
    if (base.length() > 200) {
      base = base.substring(0, 200);
    }
    return base + "." + sha256(key).substring(0, 16);
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  @Override
  public String toString() {
    return "KubernetesEvents[" + component + "/" + instance + "]";
  }

  /** Builds a {@link KubernetesEvents}. Not thread-safe. */
  public static final class Builder {
    private KubernetesClient client;
    private String component = "heal";
    private String instance;
    private HealClock clock = HealClock.system();
    private String namespace;

    private Builder() {}

    public Builder client(KubernetesClient client) {
      this.client = client;
      return this;
    }

    /** The reporting component. Default {@code heal}. */
    public Builder component(String component) {
      this.component = component;
      return this;
    }

    /** The reporting instance, usually the pod name. */
    public Builder instance(String instance) {
      this.instance = instance;
      return this;
    }

    /** Where Events about cluster-scoped objects (Nodes) go; usually the pod's namespace. */
    public Builder namespace(String namespace) {
      this.namespace = namespace;
      return this;
    }

    /** Source of Event timestamps. Default {@link HealClock#system()}. */
    public Builder clock(HealClock clock) {
      this.clock = clock;
      return this;
    }

    public KubernetesEvents build() {
      Objects.requireNonNull(client, "client must be set");
      Objects.requireNonNull(clock, "clock must be set");
      if (component == null || component.isBlank()) {
        throw new IllegalArgumentException("component must not be blank");
      }
      if (instance == null || instance.isBlank()) {
        throw new IllegalArgumentException("instance must be set (usually the pod name)");
      }
      if (namespace == null || namespace.isBlank()) {
        throw new IllegalArgumentException(
            "namespace must be set (where Events about cluster-scoped objects go)");
      }
      return new KubernetesEvents(client, component, instance, clock, namespace);
    }
  }
}
