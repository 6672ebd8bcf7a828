package dev.heal.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** yamllint over infra/ and .github/, shellcheck over .ci/run. */
class LintIT {
  private static Path yamllint() {
    return ExternalTools.debian("yamllint", "yamllint");
  }

  @Test
  void yamlIsLintClean() {
    var r = ExternalTools.run(Infra.root(), yamllint().toString(), "-f", "parsable", "-c", "infra/.yamllint.yml",
        "infra", ".github");
    assertThat(r.output()).as("yamllint findings").isEmpty();
    r.assertSuccess("yamllint");
  }

  @Test
  void yamllintFindsProblems(@TempDir Path tmp) throws Exception {
    Files.writeString(tmp.resolve("bad.yaml"), "---\nkey: 1\nkey: 2\n");
    var r = ExternalTools.run(tmp, yamllint().toString(), "-c", Infra.dir().resolve(".yamllint.yml").toString(),
        "bad.yaml");
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.output()).contains("key-duplicates");
  }

  @Test
  void ciRunIsShellcheckClean() {
    Path shellcheck = ExternalTools.debian("shellcheck", "shellcheck");
    ExternalTools.run(Infra.root(), shellcheck.toString(), ".ci/run").assertSuccess("shellcheck .ci/run");
  }
}
