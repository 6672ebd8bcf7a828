package dev.heal.chaos;

import dev.heal.chaos.internal.ChaosMeshAdmission;
import dev.heal.chaos.internal.ChaosMeshResource;
import dev.heal.chaos.internal.ChaosMeshResource.Bandwidth;
import dev.heal.chaos.internal.ChaosMeshResource.ChaosSpec;
import dev.heal.chaos.internal.ChaosMeshResource.Delay;
import dev.heal.chaos.internal.ChaosMeshResource.HttpChaosSpec;
import dev.heal.chaos.internal.ChaosMeshResource.Loss;
import dev.heal.chaos.internal.ChaosMeshResource.Metadata;
import dev.heal.chaos.internal.ChaosMeshResource.NetworkChaosSpec;
import dev.heal.chaos.internal.ChaosMeshResource.PodChaosSpec;
import dev.heal.chaos.internal.ChaosMeshResource.PodSelector;
import dev.heal.chaos.internal.ChaosMeshResource.ScheduleSpec;
import dev.heal.chaos.internal.ChaosMeshResource.Selector;
import dev.heal.chaos.internal.ChaosMeshResource.Target;
import dev.heal.chaos.internal.Json;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Exports {@link Fault}s and {@link FaultSchedule}s as Chaos Mesh resources ({@code apiVersion:
 * chaos-mesh.org/v1alpha1}), so an experiment proven locally runs in a cluster:
 *
 * <table>
 *   <caption>Mapping</caption>
 *   <tr><th>Effect</th><th>Chaos Mesh</th></tr>
 *   <tr><td>{@link Effect.PodKill}</td><td>PodChaos {@code pod-kill}</td></tr>
 *   <tr><td>{@link Effect.PodFailure}</td><td>PodChaos {@code pod-failure}</td></tr>
 *   <tr><td>{@link Effect.NetworkLatency}</td><td>NetworkChaos {@code delay} (latency, jitter, direction)</td></tr>
 *   <tr><td>{@link Effect.PacketLoss}</td><td>NetworkChaos {@code loss}</td></tr>
 *   <tr><td>{@link Effect.Blackhole}</td><td>NetworkChaos {@code partition}</td></tr>
 *   <tr><td>{@link Effect.Bandwidth}</td><td>NetworkChaos {@code bandwidth} (rate in bytes/s, limit, buffer)</td></tr>
 *   <tr><td>{@link Effect.Latency}, {@link Effect.Hang}</td><td>HTTPChaos {@code delay} on the workload's HTTP
 *       port, or NetworkChaos {@code delay} (mean latency) when it has none</td></tr>
 *   <tr><td>{@link Effect.Error}, {@link Effect.Throwing}</td><td>HTTPChaos {@code abort} (needs an HTTP port)</td></tr>
 * </table>
 *
 * <p>Each fault's target maps to a {@link Workload} (namespace, label selector, optional HTTP port,
 * optional peer). Directions: the selected pods are the target (the server); {@link
 * Direction#DOWNSTREAM} is their egress ({@code to}), {@link Direction#UPSTREAM} their ingress
 * ({@code from}). Chaos Mesh's admission webhook only accepts {@code from} and {@code both} for
 * delay, loss and bandwidth when a {@code target} selector names the other side, so UPSTREAM and
 * BOTH faults need {@link Workload#withPeer} (exported as {@code target}) and are refused without
 * one. Rates are written in Chaos Mesh's byte units ({@code bps} = bytes/s, {@code kbps} = KiB/s,
 * {@code mbps} = MiB/s, as chaos-daemon parses them). Not exported: a
 * fault's rate (Chaos Mesh injects into every matching packet or request; {@code mode} picks pods)
 * and its start offset (use a {@code Schedule} or a Workflow to sequence). Other effects are
 * refused with a {@link ChaosException}.
 *
 * <p>Immutable and thread-safe.
 */
public final class ChaosMeshExporter {
  public static final String API_VERSION = "chaos-mesh.org/v1alpha1";

  private final Map<String, Workload> workloads;
  private final String mode;
  private final Optional<Integer> modeValue;
  private final long bandwidthLimit;
  private final long bandwidthBuffer;

  private ChaosMeshExporter(Builder b) {
    this.workloads = Map.copyOf(b.workloads);
    this.mode = b.mode;
    this.modeValue = b.modeValue;
    this.bandwidthLimit = b.bandwidthLimit;
    this.bandwidthBuffer = b.bandwidthBuffer;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Where a target runs in the cluster. Immutable.
   *
   * @param namespace the pods' namespace
   * @param labels label selector of the pods
   * @param httpPort the port the workload serves HTTP on, for HTTPChaos
   * @param peer the pods on the other side of the target's connections (its clients), exported as
   *     NetworkChaos {@code target}; required for UPSTREAM and BOTH network faults
   */
  public record Workload(String namespace, Map<String, String> labels, Optional<Integer> httpPort,
      Optional<Workload> peer) {
    public Workload {
      Objects.requireNonNull(namespace, "namespace");
      labels = Map.copyOf(labels);
      Objects.requireNonNull(httpPort, "httpPort");
      Objects.requireNonNull(peer, "peer");
      if (labels.isEmpty()) {
        throw new IllegalArgumentException("labels must not be empty: a selector without labels hits every pod");
      }
      httpPort.ifPresent(p -> {
        if (p < 1 || p > 65535) {
          throw new IllegalArgumentException("httpPort must be in 1..65535: " + p);
        }
      });
    }

    /** Pods in {@code namespace} with label {@code key=value}. */
    public static Workload of(String namespace, String key, String value) {
      return new Workload(namespace, Map.of(key, value), Optional.empty(), Optional.empty());
    }

    public Workload withHttpPort(int port) {
      return new Workload(namespace, labels, Optional.of(port), peer);
    }

    /** The pods on the other side of this workload's connections, e.g. a database's clients. */
    public Workload withPeer(Workload peerPods) {
      Objects.requireNonNull(peerPods, "peer");
      return new Workload(namespace, labels, httpPort, Optional.of(peerPods));
    }
  }

  /** One resource per fault, as YAML documents separated by {@code ---}. */
  public String toYaml(FaultSchedule schedule) {
    StringBuilder sb = new StringBuilder();
    for (Fault f : schedule.faults()) {
      sb.append(toYaml(f));
    }
    return sb.toString();
  }

  /** The resource for one fault, as a YAML document. */
  public String toYaml(Fault fault) {
    return Json.yaml(resource(fault));
  }

  /**
   * A {@code Schedule} that creates {@code fault}'s resource on {@code cron} (standard five-field
   * cron), keeping {@code historyLimit} finished runs and never running two at once.
   */
  public String toScheduleYaml(Fault fault, String cron, int historyLimit) {
    Objects.requireNonNull(cron, "cron");
    if (cron.isBlank() || cron.trim().split("\\s+").length != 5) {
      throw new IllegalArgumentException("cron must have five fields, e.g. '*/30 * * * *': '" + cron + "'");
    }
    if (historyLimit < 1) {
      throw new IllegalArgumentException("historyLimit must be >= 1: " + historyLimit);
    }
    ChaosMeshResource res = resource(fault);
    if (!(fault.effect() instanceof Effect.PodKill) && fault.duration().isEmpty()) {
      throw new ChaosException("fault '" + fault.name() + "' needs a duration to be scheduled");
    }
    ScheduleSpec spec = ScheduleSpec.of(cron.trim(), historyLimit, "Forbid", res.kind(), (ChaosSpec) res.spec());
    return Json.yaml(admitted(new ChaosMeshResource(API_VERSION, "Schedule",
        metadata(fault.name() + "-schedule", workload(fault).namespace()), spec), fault));
  }

  /**
   * The resource as maps and lists (what {@link #toYaml(Fault)} writes).
   *
   * @deprecated the resource is a record now; use {@link #toYaml(Fault)}. Numbers come back as
   *     Jackson reads them (an {@code Integer} where it fits).
   */
  @Deprecated(since = "0.1.0", forRemoval = true)
  public Map<String, Object> toResource(Fault fault) {
    return Json.map(resource(fault));
  }

  private ChaosMeshResource resource(Fault fault) {
    Objects.requireNonNull(fault, "fault");
    Workload w = workload(fault);
    Effect e = fault.effect();
    PodSelector pods = new PodSelector(mode, modeValue.map(v -> Integer.toString(v)).orElse(null), selector(w));
    String duration = fault.duration().map(ChaosMeshExporter::goDuration).orElse(null);
    ChaosSpec spec;
    String kind;
    if (e instanceof Effect.PodKill) {
      kind = "PodChaos";
      spec = new PodChaosSpec(pods, "pod-kill", null);
    } else if (e instanceof Effect.PodFailure) {
      kind = "PodChaos";
      spec = new PodChaosSpec(pods, "pod-failure", duration);
    } else if (e instanceof Effect.NetworkLatency l) {
      kind = "NetworkChaos";
      spec = network(pods, fault, w, "delay", delay(l.latency(), l.jitter()), null, l.direction(), duration);
    } else if (e instanceof Effect.PacketLoss p) {
      kind = "NetworkChaos";
      spec = new NetworkChaosSpec(pods, "loss", null, new Loss(trim(p.percent()), "0"), null, null, null, duration);
    } else if (e instanceof Effect.Blackhole b) {
      kind = "NetworkChaos";
      spec = network(pods, fault, w, "partition", null, null, b.direction(), duration);
    } else if (e instanceof Effect.Bandwidth b) {
      kind = "NetworkChaos";
      spec = network(pods, fault, w, "bandwidth", null,
          new Bandwidth(rate(b.bytesPerSecond()), bandwidthLimit, bandwidthBuffer), b.direction(), duration);
    } else if (e instanceof Effect.Latency || e instanceof Effect.Hang) {
      Duration d = e instanceof Effect.Latency l ? l.distribution().mean() : ((Effect.Hang) e).max();
      if (w.httpPort().isPresent()) {
        kind = "HTTPChaos";
        spec = new HttpChaosSpec(pods, "Request", w.httpPort().orElseThrow(), "*", goDuration(d), null, duration);
      } else {
        kind = "NetworkChaos";
        spec = network(pods, fault, w, "delay", delay(d, Duration.ZERO), null, Direction.DOWNSTREAM, duration);
      }
    } else if (e instanceof Effect.Error || e instanceof Effect.Throwing) {
      if (w.httpPort().isEmpty()) {
        throw new ChaosException("fault '" + fault.name() + "' (" + e.kind() + ") exports as HTTPChaos abort,"
            + " which needs the workload's HTTP port: Workload.withHttpPort(...) for target '" + fault.target() + "'");
      }
      kind = "HTTPChaos";
      spec = new HttpChaosSpec(pods, "Request", w.httpPort().orElseThrow(), "*", null, true, duration);
    } else {
      throw new ChaosException("fault '" + fault.name() + "' (" + e.kind() + ") has no Chaos Mesh equivalent;"
          + " exportable: pod-kill, pod-failure, net-latency, packet-loss, blackhole, bandwidth, latency, hang, error");
    }
    return admitted(new ChaosMeshResource(API_VERSION, kind, metadata(fault.name(), w.namespace()), spec), fault);
  }

  /** A last check that Chaos Mesh's admission webhook will accept {@code doc}; a failure is a bug here. */
  private static ChaosMeshResource admitted(ChaosMeshResource doc, Fault fault) {
    List<String> problems = ChaosMeshAdmission.problems(Json.tree(doc));
    if (!problems.isEmpty()) {
      throw new ChaosException("fault '" + fault.name() + "' would export a " + doc.kind()
          + " that Chaos Mesh's admission webhook rejects: " + problems);
    }
    return doc;
  }

  private Workload workload(Fault f) {
    Workload w = workloads.get(f.target());
    if (w == null) {
      throw new ChaosException("no workload for target '" + f.target() + "' (fault '" + f.name()
          + "'); add ChaosMeshExporter.builder().workload(\"" + f.target() + "\", ...)");
    }
    return w;
  }

  private static Delay delay(Duration latency, Duration jitter) {
    return new Delay(goDuration(latency), goDuration(jitter), "0");
  }

  /**
   * A NetworkChaos with {@code direction} and, when the workload has a peer, {@code target}. Chaos
   * Mesh's webhook rejects {@code from}/{@code both} without a target for netem actions (delay, loss,
   * bandwidth).
   */
  private static NetworkChaosSpec network(PodSelector pods, Fault fault, Workload w, String action, Delay delay,
      Bandwidth bandwidth, Direction d, String duration) {
    String text = switch (d) {
      case DOWNSTREAM -> "to";
      case UPSTREAM -> "from";
      case BOTH -> "both";
    };
    boolean netem = !action.equals("partition");
    if (netem && d != Direction.DOWNSTREAM && w.peer().isEmpty()) {
      throw new ChaosException("fault '" + fault.name() + "' (" + fault.effect().kind() + ", " + d
          + ") exports as NetworkChaos direction '" + text + "', which Chaos Mesh's admission webhook accepts only"
          + " with a target selector; name the other side with Workload.withPeer(...) for target '" + fault.target()
          + "', or use Direction.DOWNSTREAM");
    }
    Target target = w.peer().map(peer -> new Target("all", selector(peer))).orElse(null);
    return new NetworkChaosSpec(pods, action, delay, null, bandwidth, text, target, duration);
  }

  private static Selector selector(Workload w) {
    return new Selector(List.of(w.namespace()), new TreeMap<>(w.labels()));
  }

  private static Metadata metadata(String name, String namespace) {
    return new Metadata(resourceName(name), namespace, Map.of("app.kubernetes.io/managed-by", "heal-chaos-testkit"));
  }

  /** A valid Kubernetes name (RFC 1123 label, at most 57 characters so a Schedule can suffix it). */
  static String resourceName(String name) {
    String n = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
    if (n.isEmpty()) {
      n = "heal-fault";
    }
    return n.length() > 57 ? n.substring(0, 57).replaceAll("-+$", "") : n;
  }

  /** Go duration text, as Chaos Mesh expects: {@code 2s}, {@code 150ms}, {@code 1500us}. */
  static String goDuration(Duration d) {
    long nanos = d.toNanos();
    if (nanos == 0) {
      return "0ms";
    }
    if (nanos % 1_000_000_000L == 0) {
      return nanos / 1_000_000_000L + "s";
    }
    if (nanos % 1_000_000L == 0) {
      return nanos / 1_000_000L + "ms";
    }
    if (nanos % 1_000L == 0) {
      return nanos / 1_000L + "us";
    }
    return nanos + "ns";
  }

  /**
   * A byte rate in Chaos Mesh's units: chaos-daemon reads {@code bps} as bytes/s and {@code kbps},
   * {@code mbps} as 1024 and 1024² bytes/s.
   */
  static String rate(long bytesPerSecond) {
    if (bytesPerSecond % (1024L * 1024) == 0) {
      return bytesPerSecond / (1024L * 1024) + "mbps";
    }
    if (bytesPerSecond % 1024 == 0) {
      return bytesPerSecond / 1024 + "kbps";
    }
    return bytesPerSecond + "bps";
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  /**
   * Builds a {@link ChaosMeshExporter}. Defaults: mode {@code all}, bandwidth limit 20971520 bytes,
   * buffer 10000 bytes. At least one workload is required. Not thread-safe.
   */
  public static final class Builder {
    private final Map<String, Workload> workloads = new LinkedHashMap<>();
    private String mode = "all";
    private Optional<Integer> modeValue = Optional.empty();
    private long bandwidthLimit = 20_971_520;
    private long bandwidthBuffer = 10_000;

    private Builder() {}

    /** Maps fault target {@code target} to pods in the cluster. */
    public Builder workload(String target, Workload workload) {
      workloads.put(Objects.requireNonNull(target, "target"), Objects.requireNonNull(workload, "workload"));
      return this;
    }

    /** Chaos Mesh's pod selection mode without a value: {@code one} or {@code all}. */
    public Builder mode(String mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      this.modeValue = Optional.empty();
      return this;
    }

    /**
     * A pod selection mode with its value: {@code fixed} (a number of pods, at least 1), {@code
     * fixed-percent} or {@code random-max-percent} (a percentage in 1..100).
     */
    public Builder mode(String mode, int value) {
      this.mode = Objects.requireNonNull(mode, "mode");
      this.modeValue = Optional.of(value);
      return this;
    }

    public Builder bandwidthLimit(long bytes, long buffer) {
      this.bandwidthLimit = bytes;
      this.bandwidthBuffer = buffer;
      return this;
    }

    /** @throws IllegalArgumentException naming the invalid parameter */
    public ChaosMeshExporter build() {
      if (workloads.isEmpty()) {
        throw new IllegalArgumentException("workloads must not be empty: map each fault target to pods");
      }
      switch (mode) {
        case "one", "all" -> {
          if (modeValue.isPresent()) {
            throw new IllegalArgumentException("mode '" + mode + "' takes no value; use mode(\"" + mode + "\")");
          }
        }
        case "fixed" -> {
          int v = modeValue.orElseThrow(() -> new IllegalArgumentException(
              "mode 'fixed' needs the number of pods: mode(\"fixed\", 2)"));
          if (v < 1) {
            throw new IllegalArgumentException("mode 'fixed' needs at least 1 pod: " + v);
          }
        }
        case "fixed-percent", "random-max-percent" -> {
          int v = modeValue.orElseThrow(() -> new IllegalArgumentException(
              "mode '" + mode + "' needs a percentage: mode(\"" + mode + "\", 50)"));
          if (v < 1 || v > 100) {
            throw new IllegalArgumentException("mode '" + mode + "' needs a percentage in 1..100: " + v);
          }
        }
        default -> throw new IllegalArgumentException(
            "mode must be one of one, all, fixed, fixed-percent, random-max-percent: " + mode);
      }
      if (bandwidthLimit < 1 || bandwidthBuffer < 1 || bandwidthLimit > 0xFFFF_FFFFL || bandwidthBuffer > 0xFFFF_FFFFL) {
        throw new IllegalArgumentException("bandwidthLimit and buffer must be in 1..4294967295 bytes (uint32): limit="
            + bandwidthLimit + ", buffer=" + bandwidthBuffer);
      }
      return new ChaosMeshExporter(this);
    }
  }
}
