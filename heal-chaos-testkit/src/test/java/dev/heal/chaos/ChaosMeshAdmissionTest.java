package dev.heal.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heal.chaos.ChaosMeshExporter.Workload;
import dev.heal.chaos.internal.ChaosMeshAdmission;
import dev.heal.chaos.internal.EffectSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Exports are right by units and by Chaos Mesh's admission rules: every exported document passes
 * the vendored v2.8.3 CRD schema, strict field validation and the re-implemented webhook rules.
 */
class ChaosMeshAdmissionTest {
  private static final Workload DB = Workload.of("shop", "app", "postgres");
  private static final Workload CLIENTS = Workload.of("shop", "app", "checkout");
  private static final ChaosMeshExporter WITH_PEERS = ChaosMeshExporter.builder()
      .workload("db", DB.withPeer(CLIENTS))
      .workload("api", CLIENTS.withHttpPort(8080))
      .build();
  private static final Duration D = Duration.ofSeconds(30);

  private static JsonNode doc(String yaml) {
    return ChaosMeshSchemas.documents(yaml).get(0);
  }

  @Test
  void bandwidthRateIsExportedInBytesPerSecondAsChaosMeshReadsIt() {
    // 1 000 000 B/s: Chaos Mesh's "bps" is bytes per second, "kbps"/"mbps" are KiB/s and MiB/s.
    assertThat(doc(WITH_PEERS.toYaml(Fault.bandwidth("db", 1_000_000, Direction.DOWNSTREAM).lasting(D)))
        .at("/spec/bandwidth/rate").asString()).isEqualTo("1000000bps");
    assertThat(ChaosMeshExporter.rate(1024)).isEqualTo("1kbps");
    assertThat(ChaosMeshExporter.rate(3 * 1024 * 1024)).isEqualTo("3mbps");
    assertThat(ChaosMeshExporter.rate(1_000)).isEqualTo("1000bps");
  }

  @Test
  void upstreamAndBothNetworkFaultsWithoutAPeerAreRefusedBecauseTheWebhookWouldRejectThem() {
    ChaosMeshExporter noPeer = ChaosMeshExporter.builder().workload("db", DB).build();
    for (Fault f : List.of(Fault.networkLatency("db", Duration.ofMillis(50), Duration.ZERO, Direction.UPSTREAM),
        Fault.networkLatency("db", Duration.ofMillis(50), Duration.ZERO, Direction.BOTH),
        Fault.bandwidth("db", 1_000, Direction.BOTH))) {
      assertThatThrownBy(() -> noPeer.toYaml(f.lasting(D))).isInstanceOf(ChaosException.class)
          .hasMessageContaining("Workload.withPeer").hasMessageContaining("admission webhook");
    }
  }

  @Test
  void upstreamAndBothNetworkFaultsWithAPeerExportTheTargetSelector() {
    JsonNode spec = doc(WITH_PEERS.toYaml(Fault.networkLatency("db", Duration.ofMillis(50), Duration.ZERO,
        Direction.BOTH).lasting(D))).path("spec");
    assertThat(spec.path("direction").asString()).isEqualTo("both");
    assertThat(spec.at("/target/mode").asString()).isEqualTo("all");
    assertThat(spec.at("/target/selector/labelSelectors/app").asString()).isEqualTo("checkout");
  }

  @Test
  void theNetLatencyEffectSpecExportsAsADocumentChaosMeshAdmits() {
    Effect e = EffectSpec.parse("net-latency:100ms");
    assertThat(e).isEqualTo(new Effect.NetworkLatency(Duration.ofMillis(100), Duration.ZERO, Direction.DOWNSTREAM));
    ChaosMeshExporter noPeer = ChaosMeshExporter.builder().workload("db", DB).build();
    assertThat(ChaosMeshSchemas.problems(doc(noPeer.toYaml(Fault.of("db", e).lasting(D))))).isEmpty();
    assertThat(EffectSpec.parse("net-latency:100ms:both"))
        .isEqualTo(new Effect.NetworkLatency(Duration.ofMillis(100), Duration.ZERO, Direction.BOTH));
    assertThatThrownBy(() -> EffectSpec.parse("net-latency:100ms:sideways")).hasMessageContaining("sideways")
        .hasMessageContaining("upstream, downstream or both");
  }

  @Test
  void modesThatNeedAValueTakeIt() {
    JsonNode spec = doc(ChaosMeshExporter.builder().workload("db", DB).mode("fixed", 2).build()
        .toYaml(Fault.podKill("db"))).path("spec");
    assertThat(spec.path("mode").asString()).isEqualTo("fixed");
    assertThat(spec.path("value").asString()).isEqualTo("2");
    assertThat(ChaosMeshSchemas.problems(doc(ChaosMeshExporter.builder().workload("db", DB)
        .mode("random-max-percent", 50).build().toYaml(Fault.podKill("db"))))).isEmpty();
    assertThatThrownBy(() -> ChaosMeshExporter.builder().workload("db", DB).mode("fixed").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mode 'fixed' needs the number of pods");
    assertThatThrownBy(() -> ChaosMeshExporter.builder().workload("db", DB).mode("fixed-percent", 150).build())
        .hasMessageContaining("1..100");
    assertThatThrownBy(() -> ChaosMeshExporter.builder().workload("db", DB).mode("all", 3).build())
        .hasMessageContaining("takes no value");
  }

  @Test
  void everyExportableFaultInEveryDirectionPassesTheSchemaAndTheWebhook() {
    List<Fault> faults = new ArrayList<>();
    for (Direction d : Direction.values()) {
      faults.add(Fault.networkLatency("db", Duration.ofMillis(100), Duration.ofMillis(10), d));
      faults.add(Fault.bandwidth("db", 1_000_000, d));
      faults.add(Fault.blackhole("db", d));
    }
    faults.add(Fault.packetLoss("db", 12.5));
    faults.add(Fault.podFailure("api"));
    faults.add(Fault.latency("db", Duration.ofMillis(200)));
    faults.add(Fault.latency("api", Duration.ofMillis(200)));
    faults.add(Fault.hang("api", Duration.ofSeconds(5)));
    faults.add(Fault.error("api"));
    faults.add(Fault.throwing("api", "sql", IllegalStateException::new));
    int checked = 0;
    for (Fault f : faults) {
      Fault bounded = f.lasting(Duration.ofMillis(1500));
      assertThat(ChaosMeshSchemas.problems(doc(WITH_PEERS.toYaml(bounded)))).as("%s", bounded.describe()).isEmpty();
      assertThat(ChaosMeshSchemas.problems(doc(WITH_PEERS.toScheduleYaml(bounded, "*/5 * * * *", 2))))
          .as("schedule of %s", bounded.describe()).isEmpty();
      checked++;
    }
    assertThat(ChaosMeshSchemas.problems(doc(WITH_PEERS.toYaml(Fault.podKill("api"))))).isEmpty();
    assertThat(checked).isEqualTo(faults.size());
  }

  @Test
  void theReimplementedWebhookRejectsWhatChaosMeshRejects() {
    ObjectNode bothWithoutTarget = (ObjectNode) doc(WITH_PEERS.toYaml(Fault.networkLatency("db", Duration.ofMillis(5),
        Duration.ZERO, Direction.BOTH).lasting(D)));
    ((ObjectNode) bothWithoutTarget.get("spec")).remove("target");
    assertThat(ChaosMeshAdmission.problems(bothWithoutTarget))
        .contains("spec.direction: `from` and `both` direction cannot be used when targets is empty in netem action");

    ObjectNode fixedWithoutValue = (ObjectNode) doc(WITH_PEERS.toYaml(Fault.podKill("db")));
    ((ObjectNode) fixedWithoutValue.get("spec")).put("mode", "fixed");
    assertThat(ChaosMeshAdmission.problems(fixedWithoutValue)).anyMatch(p -> p.startsWith("spec.value: parse value"));

    ObjectNode bitsRate = (ObjectNode) doc(WITH_PEERS.toYaml(Fault.bandwidth("db", 10, Direction.DOWNSTREAM).lasting(D)));
    ((ObjectNode) bitsRate.at("/spec/bandwidth")).put("rate", "8 megabits");
    assertThat(ChaosMeshAdmission.problems(bitsRate)).anyMatch(p -> p.contains("parse rate field error"));

    ObjectNode badCron = (ObjectNode) doc(WITH_PEERS.toScheduleYaml(Fault.podFailure("api").lasting(D), "* * * * *", 1));
    ((ObjectNode) badCron.get("spec")).put("schedule", "every minute");
    assertThat(ChaosMeshAdmission.problems(badCron)).anyMatch(p -> p.startsWith("spec.schedule"));
  }

  @Test
  void aWronglyTypedFieldIsReportedWithItsValueNotThrown() {
    ObjectNode http = (ObjectNode) doc(WITH_PEERS.toYaml(Fault.latency("api", Duration.ofMillis(5)).lasting(D)));
    ObjectNode spec = (ObjectNode) http.get("spec");
    spec.putObject("target").put("phase", "Request");
    spec.putArray("delay").add("5ms");
    spec.putObject("duration").put("seconds", 30);
    assertThat(ChaosMeshAdmission.problems(http)).containsExactly(
        "spec.duration: parse duration field error: '{\"seconds\":30}'",
        "spec.target: target {\"phase\":\"Request\"} is not supported",
        "spec.delay: invalid duration [\"5ms\"]");

    ObjectNode net = (ObjectNode) doc(WITH_PEERS.toYaml(Fault.packetLoss("db", 5).lasting(D)));
    ((ObjectNode) net.at("/spec/loss")).putArray("correlation");
    ((ObjectNode) net.get("spec")).putObject("mode");
    assertThat(ChaosMeshAdmission.problems(net))
        .containsExactly("spec.loss.correlation: parse correlation field error: '[]'");
  }

  @Test
  void theVendoredSchemaRejectsWhatTheApiServerRejects() {
    ObjectNode badMode = (ObjectNode) doc(WITH_PEERS.toYaml(Fault.podKill("db")));
    ((ObjectNode) badMode.get("spec")).put("mode", "sometimes");
    assertThat(ChaosMeshSchemas.problems(badMode)).anyMatch(p -> p.startsWith("schema:") && p.contains("mode"));

    ObjectNode typo = (ObjectNode) doc(WITH_PEERS.toYaml(Fault.networkLatency("db", Duration.ofMillis(5),
        Duration.ZERO, Direction.DOWNSTREAM).lasting(D)));
    ((ObjectNode) typo.get("spec")).put("directoin", "to");
    assertThat(ChaosMeshSchemas.problems(typo)).contains("unknown field spec.directoin");

    ObjectNode noAction = (ObjectNode) doc(WITH_PEERS.toYaml(Fault.podKill("db")));
    ((ObjectNode) noAction.get("spec")).remove("action");
    assertThat(ChaosMeshSchemas.problems(noAction)).anyMatch(p -> p.startsWith("schema:") && p.contains("action"));
  }
}
