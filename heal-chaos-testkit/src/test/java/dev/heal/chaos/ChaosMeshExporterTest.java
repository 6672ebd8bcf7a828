package dev.heal.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** Every export is parsed back and checked field by field. */
class ChaosMeshExporterTest {
  static final YAMLMapper YAML = YAMLMapper.shared();
  static final ChaosMeshExporter EXPORT = ChaosMeshExporter.builder()
      .workload("db", ChaosMeshExporter.Workload.of("shop", "app", "postgres"))
      .workload("api", ChaosMeshExporter.Workload.of("shop", "app", "checkout").withHttpPort(8080))
      .build();

  static JsonNode parse(String yaml) {
    return YAML.readTree(yaml);
  }

  static void assertHeader(JsonNode n, String kind, String name) {
    assertThat(n.path("apiVersion").asString()).isEqualTo("chaos-mesh.org/v1alpha1");
    assertThat(n.path("kind").asString()).isEqualTo(kind);
    assertThat(n.path("metadata").path("name").asString()).isEqualTo(name);
    assertThat(n.path("metadata").path("namespace").asString()).isEqualTo("shop");
  }

  static void assertSelector(JsonNode spec, String app) {
    assertThat(spec.path("mode").asString()).isEqualTo("all");
    assertThat(spec.path("selector").path("namespaces")).hasSize(1);
    assertThat(spec.path("selector").path("namespaces").get(0).asString()).isEqualTo("shop");
    assertThat(spec.path("selector").path("labelSelectors").path("app").asString()).isEqualTo(app);
  }

  @Test
  void networkDelayWithJitterAndDirection() {
    JsonNode n = parse(EXPORT.toYaml(Fault.networkLatency("db", Duration.ofMillis(100), Duration.ofMillis(10),
        Direction.DOWNSTREAM).lasting(Duration.ofSeconds(30))));
    assertHeader(n, "NetworkChaos", "db-net-latency");
    JsonNode spec = n.path("spec");
    assertSelector(spec, "postgres");
    assertThat(spec.path("action").asString()).isEqualTo("delay");
    assertThat(spec.path("delay").path("latency").asString()).isEqualTo("100ms");
    assertThat(spec.path("delay").path("jitter").asString()).isEqualTo("10ms");
    assertThat(spec.path("delay").path("correlation").asString()).isEqualTo("0");
    assertThat(spec.path("direction").asString()).isEqualTo("to");
    assertThat(spec.path("duration").asString()).isEqualTo("30s");
  }

  @Test
  void lossPartitionAndBandwidth() {
    JsonNode loss = parse(EXPORT.toYaml(Fault.packetLoss("db", 25).lasting(Duration.ofMinutes(1)))).path("spec");
    assertThat(loss.path("action").asString()).isEqualTo("loss");
    assertThat(loss.path("loss").path("loss").asString()).isEqualTo("25");
    assertThat(loss.path("duration").asString()).isEqualTo("60s");

    JsonNode part = parse(EXPORT.toYaml(Fault.blackhole("db", Direction.UPSTREAM).lasting(Duration.ofSeconds(5)))).path("spec");
    assertThat(part.path("action").asString()).isEqualTo("partition");
    assertThat(part.path("direction").asString()).isEqualTo("from");

    JsonNode bw = parse(EXPORT.toYaml(Fault.bandwidth("db", 131_072, Direction.DOWNSTREAM).lasting(Duration.ofSeconds(5)))).path("spec");
    assertThat(bw.path("action").asString()).isEqualTo("bandwidth");
    assertThat(bw.path("bandwidth").path("rate").asString()).isEqualTo("128kbps");
    assertThat(bw.path("bandwidth").path("limit").asLong()).isEqualTo(20_971_520L);
    assertThat(bw.path("bandwidth").path("buffer").asLong()).isEqualTo(10_000L);
    assertThat(bw.path("direction").asString()).isEqualTo("to");
  }

  @Test
  void podKillAndPodFailure() {
    JsonNode kill = parse(EXPORT.toYaml(Fault.podKill("api")));
    assertHeader(kill, "PodChaos", "api-pod-kill");
    assertSelector(kill.path("spec"), "checkout");
    assertThat(kill.path("spec").path("action").asString()).isEqualTo("pod-kill");
    assertThat(kill.path("spec").has("duration")).isFalse();

    JsonNode fail = parse(EXPORT.toYaml(Fault.podFailure("api").lasting(Duration.ofSeconds(45)))).path("spec");
    assertThat(fail.path("action").asString()).isEqualTo("pod-failure");
    assertThat(fail.path("duration").asString()).isEqualTo("45s");
  }

  @Test
  void inProcessErrorsAndLatencyBecomeHttpChaos() {
    JsonNode abort = parse(EXPORT.toYaml(Fault.error("api").lasting(Duration.ofSeconds(10))));
    assertHeader(abort, "HTTPChaos", "api-error");
    JsonNode spec = abort.path("spec");
    assertSelector(spec, "checkout");
    assertThat(spec.path("target").asString()).isEqualTo("Request");
    assertThat(spec.path("port").asInt()).isEqualTo(8080);
    assertThat(spec.path("path").asString()).isEqualTo("*");
    assertThat(spec.path("abort").asBoolean()).isTrue();
    assertThat(spec.path("duration").asString()).isEqualTo("10s");

    JsonNode delay = parse(EXPORT.toYaml(Fault.latency("api", Duration.ofMillis(1500)).lasting(Duration.ofSeconds(10)))).path("spec");
    assertThat(delay.path("delay").asString()).isEqualTo("1500ms");
    assertThat(delay.has("abort")).isFalse();

    JsonNode netDelay = parse(EXPORT.toYaml(Fault.latency("db", Duration.ofMillis(200)).lasting(Duration.ofSeconds(10))));
    assertThat(netDelay.path("kind").asString()).as("no HTTP port: network delay").isEqualTo("NetworkChaos");
    assertThat(netDelay.path("spec").path("delay").path("latency").asString()).isEqualTo("200ms");
  }

  @Test
  void scheduleWrapsTheChaosForRecurringRuns() {
    JsonNode n = parse(EXPORT.toScheduleYaml(Fault.networkLatency("db", Duration.ofMillis(10), Duration.ZERO,
        Direction.DOWNSTREAM).lasting(Duration.ofSeconds(12)), "5 * * * *", 2));
    assertHeader(n, "Schedule", "db-net-latency-schedule");
    JsonNode spec = n.path("spec");
    assertThat(spec.path("schedule").asString()).isEqualTo("5 * * * *");
    assertThat(spec.path("historyLimit").asInt()).isEqualTo(2);
    assertThat(spec.path("concurrencyPolicy").asString()).isEqualTo("Forbid");
    assertThat(spec.path("type").asString()).isEqualTo("NetworkChaos");
    JsonNode inner = spec.path("networkChaos");
    assertThat(inner.path("action").asString()).isEqualTo("delay");
    assertThat(inner.path("delay").path("latency").asString()).isEqualTo("10ms");
    assertThat(inner.path("duration").asString()).isEqualTo("12s");
    assertSelector(inner, "postgres");

    JsonNode http = parse(EXPORT.toScheduleYaml(Fault.error("api").lasting(Duration.ofSeconds(5)), "*/30 * * * *", 3)).path("spec");
    assertThat(http.path("type").asString()).isEqualTo("HTTPChaos");
    assertThat(http.path("httpChaos").path("abort").asBoolean()).isTrue();
    assertThat(http.path("schedule").asString()).isEqualTo("*/30 * * * *");
  }

  @Test
  void aWholeScheduleExportsAsOneDocumentPerFault() {
    FaultSchedule s = FaultSchedule.of(
        Fault.podKill("api").named("Kill The API!").startingAt(Duration.ofSeconds(5)),
        Fault.packetLoss("db", 10).lasting(Duration.ofSeconds(20)));
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(EXPORT.toYaml(s))) {
      List<JsonNode> docs = it.readAll();
      assertThat(docs).hasSize(2);
      assertThat(docs.get(0).path("kind").asString()).isEqualTo("NetworkChaos");
      assertThat(docs.get(1).path("metadata").path("name").asString()).isEqualTo("kill-the-api");
    }
  }

  @Test
  void refusesWhatChaosMeshCannotExpress() {
    assertThatThrownBy(() -> EXPORT.toYaml(Fault.failFirst("db", 3))).isInstanceOf(ChaosException.class)
        .hasMessageContaining("fail-first");
    assertThatThrownBy(() -> EXPORT.toYaml(Fault.error("db"))).hasMessageContaining("HTTP port");
    assertThatThrownBy(() -> EXPORT.toYaml(Fault.error("nowhere"))).hasMessageContaining("no workload for target 'nowhere'");
    assertThatThrownBy(() -> EXPORT.toScheduleYaml(Fault.error("api").lasting(Duration.ofSeconds(1)), "every minute", 1))
        .hasMessageContaining("cron");
    assertThatThrownBy(() -> ChaosMeshExporter.builder().build()).hasMessageContaining("workloads");
  }
}
