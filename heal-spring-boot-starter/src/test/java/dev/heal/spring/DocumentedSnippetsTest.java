package dev.heal.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heal.spring.web.TestApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What docs/spring-boot.md tells the application to write is what the tests run: the Spring
 * Security rule for the Alertmanager intake ({@code IntakeSecurityWebIT}'s application) and the
 * resilience4j-spring-boot3 exclude line ({@code HealWebIT}, {@code IntakeWebIT}).
 */
class DocumentedSnippetsTest {
  private final Path module = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();

  private String doc() throws Exception {
    return Files.readString(module.getParent().resolve("docs/spring-boot.md"));
  }

  @Test
  void theIntakesSecurityRuleInTheDocIsTheOneTheTestRuns() throws Exception {
    String doc = doc();
    int section = doc.indexOf("\n## The Alertmanager intake");
    assertThat(section).as("docs/spring-boot.md has the intake section").isNotNegative();
    int start = doc.indexOf("```java\n", section);
    int next = doc.indexOf("\n## ", section + 1);
    assertThat(start).as("the intake section shows a Java snippet").isPositive().isLessThan(next);
    start += "```java\n".length();
    String documented = doc.substring(start, doc.indexOf("```", start)).strip();

    String app = Files.readString(module.resolve("src/test/java/dev/heal/spring/secured/SecuredIntakeApp.java"));
    int from = app.indexOf("// doc:begin\n");
    int to = app.indexOf("  // doc:end");
    assertThat(from).as("SecuredIntakeApp marks the documented rule").isPositive().isLessThan(to);
    String tested = Arrays.stream(app.substring(from + "// doc:begin\n".length(), to).split("\n", -1))
        .map(l -> l.startsWith("  ") ? l.substring(2) : l).collect(Collectors.joining("\n")).strip();

    assertThat(documented).isEqualTo(tested);
  }

  @Test
  void theResilience4jExcludeLineInTheDocIsTheOneTheTestsUse() throws Exception {
    String doc = doc();
    String line = "`" + TestApp.R4J_VERIFIER_EXCLUDE + "`";
    assertThat(doc).as("docs/spring-boot.md shows the exclude line HealWebIT and IntakeWebIT use").contains(line);
    long shown = doc.lines().filter(l -> l.contains("spring.autoconfigure.exclude=")).count();
    long same = doc.lines().filter(l -> l.contains(line)).count();
    assertThat(same).as("every exclude line in the doc is the tested one").isEqualTo(shown);
  }
}
