package dev.heal.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/reference.md} is exactly what the code produces. Run with {@code
 * -Dheal.reference.update=true} to rewrite it; otherwise a difference fails, and the generated
 * text is left in {@code target/reference.md} to compare.
 */
class ReferenceDocTest {
  static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  @Test
  void committedReferenceIsWhatTheCodeProduces() throws Exception {
    String generated = new ReferenceGenerator(ROOT, MeterScenarios.all()).generate();
    Path committed = ROOT.resolve("docs/reference.md");
    if (Boolean.getBoolean("heal.reference.update")) {
      Files.writeString(committed, generated, StandardCharsets.UTF_8);
    }
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target/reference.md"), generated, StandardCharsets.UTF_8);
    assertThat(Files.exists(committed)).as(committed + " exists").isTrue();
    assertThat(Files.readString(committed, StandardCharsets.UTF_8))
        .as("docs/reference.md differs from what the code produces (target/reference.md); regenerate it: "
            + "./mvnw -B -pl heal-release-check verify -Dheal.reference.update=true")
        .isEqualTo(generated);
  }
}
