package dev.heal.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ChaosReportTest {

  private static ExperimentResult result() {
    try (Shop shop = new Shop(42, true)) {
      return shop.chaos.run(ExperimentTest.experiment(shop, ExperimentTest.OUTAGE));
    }
  }

  @Test
  void jsonHoldsScheduleSeedMeasurementsAndEpisodes(@TempDir Path dir) throws Exception {
    ExperimentResult r = result();
    ChaosReport.Files files = ChaosReport.write(r, dir, "outage");
    JsonNode json = JsonMapper.shared().readTree(Files.readString(files.json()));
    assertThat(json.path("experiment").asString()).isEqualTo("checkout-survives-inventory-outage");
    assertThat(json.path("seed").asLong()).isEqualTo(42);
    assertThat(json.path("durationMs").asLong()).isEqualTo(12_000);
    JsonNode fault = json.path("schedule").get(0);
    assertThat(fault.path("name").asString()).isEqualTo("inventory-outage");
    assertThat(fault.path("kind").asString()).isEqualTo("error");
    assertThat(fault.path("startMs").asLong()).isEqualTo(2_000);
    assertThat(fault.path("durationMs").asLong()).isEqualTo(3_000);
    JsonNode m = json.path("measurements");
    assertThat(m.path("requests").asInt()).isEqualTo(240);
    assertThat(m.path("availability").asDouble()).isEqualTo(r.availability());
    assertThat(m.path("latencyMs").has("p99")).isTrue();
    JsonNode pf = m.path("faults").get(0);
    assertThat(pf.path("availability").asDouble()).isZero();
    assertThat(pf.path("hits").asLong()).isPositive();
    assertThat(pf.path("timeToDetectMs").asDouble()).isEqualTo(r.timeToDetect("inventory-outage").orElseThrow().toNanos() / 1e6);
    assertThat(pf.path("timeToRecoverMs").isNumber()).isTrue();
    assertThat(json.path("episodes")).isNotEmpty();
    assertThat(json.path("episodes").get(0).path("steps").get(0).path("action").asString()).isEqualTo("reconnectPool");
    assertThat(json.path("episodes").get(0).path("outcome").asString()).isEqualTo("RECOVERED");
    assertThat(json.path("timeline")).as("whole-second buckets").hasSize(12)
        .allSatisfy(b -> assertThat(b.path("widthMs").asDouble()).isEqualTo(1000.0))
        .allSatisfy(b -> assertThat(b.path("requests").asInt()).isEqualTo(20));
    assertThat(json.path("markers").toString()).contains("EPISODE_OPENED");
  }

  @Test
  void svgIsWellFormedAndShowsFaultsErrorsActionsAndAnnotations(@TempDir Path dir) throws Exception {
    ExperimentResult r = result();
    ChaosReport.Files files = ChaosReport.write(r, dir, "outage");
    String svg = Files.readString(files.svg());
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    assertThat(doc.getDocumentElement().getLocalName()).isEqualTo("svg");
    assertThat(svg).contains("class=\"fault\"").contains("class=\"errors\"").contains("class=\"marker\"")
        .contains("class=\"p99\"").contains("action: reconnectPool").contains("detect ").contains("recover ")
        .contains("seed 42").doesNotContain("rotate(");
    if (Boolean.getBoolean("heal.chaos.writeDocsImage")) {
      Files.writeString(Path.of("../docs/images/chaos-report.svg"), svg);
    }
  }

  @Test
  void emptyExperimentsRenderToo(@TempDir Path dir) throws Exception {
    try (ChaosController chaos = ChaosController.builder().seed(1).clock(new dev.heal.core.time.ManualClock()).build()) {
      ExperimentResult r = chaos.run(Experiment.builder("idle").duration(Duration.ofSeconds(1)).build());
      ChaosReport.Files files = ChaosReport.write(r, dir, "idle");
      assertThat(JsonMapper.shared().readTree(files.json().toFile()).path("measurements").path("availability").isNull()).isTrue();
      assertThat(Files.readString(files.svg())).contains("availability n/a");
    }
  }
}
