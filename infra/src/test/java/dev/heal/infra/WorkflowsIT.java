package dev.heal.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The GitHub Actions workflows, validated against GitHub's schema by action-validator. */
class WorkflowsIT {
  private static final String PACKAGE = "@action-validator/cli@0.6.0";

  private static List<Path> workflows() {
    List<Path> out = new ArrayList<>();
    for (Path p : List.of(Infra.root().resolve(".github/workflows/ci.yml"), Infra.root().resolve(".github/workflows/cd.yml"))) {
      assertThat(p).exists();
      out.add(p);
    }
    return out;
  }

  @Test
  void workflowsPassActionValidator() {
    Path validator = ExternalTools.npm(PACKAGE, "action-validator");
    for (Path w : workflows()) {
      ExternalTools.run(Infra.root(), validator.toString(), w.toString()).assertSuccess("action-validator " + w);
    }
  }

  @Test
  void actionValidatorRejectsAMisspelledKey(@TempDir Path tmp) throws Exception {
    Path validator = ExternalTools.npm(PACKAGE, "action-validator");
    Path bad = tmp.resolve("bad.yml");
    Files.writeString(bad, Files.readString(workflows().get(0)).replace("runs-on:", "runs_on:"));
    var r = ExternalTools.run(tmp, validator.toString(), bad.toString());
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.output()).contains("runs_on");
  }

  @Test
  void ciRunsTheSameStepsAsCiRunOnJava17() {
    JsonNode ci = Infra.yaml(workflows().get(0));
    JsonNode job = ci.at("/jobs/verify");
    assertThat(job.get("runs-on").asString()).startsWith("ubuntu");
    assertThat(job.at("/env/HEAL_REQUIRE_TOOLS").asString()).isEqualTo("true");
    JsonNode java = null;
    StringBuilder runs = new StringBuilder();
    for (JsonNode step : job.get("steps")) {
      if (step.path("uses").asString().startsWith("actions/setup-java@")) {
        java = step.get("with");
      }
      runs.append(step.path("run").asString()).append('\n');
    }
    assertThat(java).isNotNull();
    assertThat(java.get("distribution").asString()).isEqualTo("temurin");
    assertThat(java.get("java-version").asString()).isEqualTo("17");
    assertThat(java.get("cache").asString()).isEqualTo("maven");
    String ciRun = Infra.read(Infra.root().resolve(".ci/run"));
    // The tools .ci/run installs are installed here too, and the test command is the same.
    for (String tool : List.of("prometheus-alertmanager", "prometheus", "yamllint", "shellcheck",
        "@action-validator/cli@0.6.0", "@cdktf/hcl2json@0.21.0")) {
      assertThat(ciRun).contains(tool);
      assertThat(runs).contains(tool);
    }
    assertThat(ciRun).contains("./mvnw -B verify");
    assertThat(runs).contains("./mvnw -B verify");
  }

  /** Issue 16, item 8: cd.yml only worked for one GitHub organisation name. */
  @Test
  void cdPushesToTheRepositoryOwnersRegistryAndPublishesDigests() {
    String cd = Infra.read(Infra.root().resolve(".github/workflows/cd.yml"));
    JsonNode job = Infra.yaml(Infra.root().resolve(".github/workflows/cd.yml")).at("/jobs/images");
    assertThat(job.at("/env/REGISTRY").asString()).isEqualTo("ghcr.io/${{ github.repository_owner }}");
    assertThat(cd).doesNotContain("ghcr.io/heal-dev").contains("jib-image.digest", "values-release.yaml");
  }

  /** Issue 16, item 10: a CI job renders the chart and runs the Chaos Mesh static checks. */
  @Test
  void ciHasADeployChecksJobThatRendersTheChartAndChecksChaosMesh() {
    JsonNode job = Infra.yaml(workflows().get(0)).at("/jobs/deploy-checks");
    StringBuilder runs = new StringBuilder();
    job.get("steps").forEach(step -> runs.append(step.path("run").asString()).append('\n'));
    assertThat(runs).contains("HelmChartIT", "ChaosMeshTest", "K8sManifestsTest");
  }
}
