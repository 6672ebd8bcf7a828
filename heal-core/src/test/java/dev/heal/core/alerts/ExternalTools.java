package dev.heal.core.alerts;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds real tools (installed from Debian packages by {@code .ci/run}). Where
 * {@code HEAL_REQUIRE_TOOLS=true} (set by {@code .ci/run}) a missing tool fails the test; on a
 * developer machine without the package the test is skipped with a message saying what to install.
 */
final class ExternalTools {
  private ExternalTools() {}

  static Path require(String debianPackage, String... names) {
    for (String name : names) {
      for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) {
          return p;
        }
      }
    }
    String message = "needs " + String.join(" or ", names) + " (Debian package " + debianPackage
        + "; apt-get install " + debianPackage + ")";
    if (Boolean.parseBoolean(Optional.ofNullable(System.getenv("HEAL_REQUIRE_TOOLS")).orElse("false"))) {
      throw new AssertionError("HEAL_REQUIRE_TOOLS=true but this test " + message);
    }
    assumeTrue(false, "skipped: this test " + message);
    throw new IllegalStateException("unreachable");
  }
}
