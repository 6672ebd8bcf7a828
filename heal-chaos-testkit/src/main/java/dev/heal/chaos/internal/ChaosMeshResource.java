package dev.heal.chaos.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * A Chaos Mesh resource ({@code chaos-mesh.org/v1alpha1}) as {@code dev.heal.chaos.ChaosMeshExporter}
 * writes it: the subset of PodChaos, NetworkChaos, HTTPChaos and Schedule that heal exports, property
 * by property in the order the YAML shows them. Absent (null) properties are left out. Not API.
 * Immutable.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChaosMeshResource(String apiVersion, String kind, Metadata metadata, Spec spec) {

  /** What goes under {@code spec}. */
  public sealed interface Spec permits ChaosSpec, ScheduleSpec {}

  /** The spec of one chaos kind, as a resource of its own or embedded in a Schedule. */
  public sealed interface ChaosSpec extends Spec permits PodChaosSpec, NetworkChaosSpec, HttpChaosSpec {}

  public record Metadata(String name, String namespace, Map<String, String> labels) {}

  /** Pods by namespace and labels (labels sorted, so the document does not depend on map order). */
  public record Selector(List<String> namespaces, SortedMap<String, String> labelSelectors) {}

  /**
   * Chaos Mesh's {@code PodSelectorSpec} inlined into a spec: {@code mode}, its {@code value} (for
   * {@code fixed} and the percentages) and {@code selector}.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record PodSelector(String mode, String value, Selector selector) {}

  /** The other side of a NetworkChaos (its {@code target}); heal always takes all of its pods. */
  public record Target(String mode, Selector selector) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record PodChaosSpec(@JsonUnwrapped PodSelector pods, String action, String duration) implements ChaosSpec {}

  /** NetworkChaos; at most one of {@code delay}, {@code loss} and {@code bandwidth} is set, per action. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record NetworkChaosSpec(@JsonUnwrapped PodSelector pods, String action, Delay delay, Loss loss,
      Bandwidth bandwidth, String direction, Target target, String duration) implements ChaosSpec {}

  /** HTTPChaos on requests; either {@code delay} or {@code abort} is set. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record HttpChaosSpec(@JsonUnwrapped PodSelector pods, String target, int port, String path, String delay,
      Boolean abort, String duration) implements ChaosSpec {}

  /** Go durations and percentage strings, as Chaos Mesh's types want them. */
  public record Delay(String latency, String jitter, String correlation) {}

  public record Loss(String loss, String correlation) {}

  /** {@code rate} in Chaos Mesh's byte units; {@code limit} and {@code buffer} in bytes. */
  public record Bandwidth(String rate, long limit, long buffer) {}

  /** A Schedule: exactly one of the embedded chaos specs is set, the one {@code type} names. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ScheduleSpec(String schedule, int historyLimit, String concurrencyPolicy, String type,
      HttpChaosSpec httpChaos, PodChaosSpec podChaos, NetworkChaosSpec networkChaos) implements Spec {

    /** A schedule of {@code chaos}, which a resource of kind {@code type} holds. */
    public static ScheduleSpec of(String schedule, int historyLimit, String concurrencyPolicy, String type,
        ChaosSpec chaos) {
      return new ScheduleSpec(schedule, historyLimit, concurrencyPolicy, type,
          chaos instanceof HttpChaosSpec h ? h : null,
          chaos instanceof PodChaosSpec p ? p : null,
          chaos instanceof NetworkChaosSpec n ? n : null);
    }
  }
}
