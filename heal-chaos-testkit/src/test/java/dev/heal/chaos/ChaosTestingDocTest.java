package dev.heal.chaos;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/chaos-testing.md tells the truth: its Chaos Mesh YAML is what its Java exports, and Chaos Mesh admits it. */
class ChaosTestingDocTest {
  private static String doc() throws IOException {
    return Files.readString(Path.of("../docs/chaos-testing.md"));
  }

  @Test
  void theChaosMeshYamlInTheGuideIsWhatTheExporterWritesAndChaosMeshAdmits() throws IOException {
    String guide = doc();
    int section = guide.indexOf("## In the cluster: Chaos Mesh");
    int from = guide.indexOf("```yaml\n", section) + "```yaml\n".length();
    String shown = guide.substring(from, guide.indexOf("```", from));

    Fault outage = Fault.error("inventory").named("inventory-outage").startingAt(ofSeconds(2)).lasting(ofSeconds(3));
    ChaosMeshExporter export = ChaosMeshExporter.builder()
        .workload("inventory", ChaosMeshExporter.Workload.of("shop", "app", "inventory").withHttpPort(8080))
        .build();
    String yaml = export.toYaml(outage);
    String nightly = export.toScheduleYaml(
        Fault.networkLatency("inventory", ofMillis(100), ofMillis(10), Direction.DOWNSTREAM).lasting(ofSeconds(30)),
        "*/30 * * * *", 2);

    assertThat(shown).isEqualTo(yaml + nightly);
    for (var d : ChaosMeshSchemas.documents(shown)) {
      assertThat(ChaosMeshSchemas.problems(d)).isEmpty();
    }
  }
}
