package dev.heal.core.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds real tools (names on the PATH, or absolute paths) (installed from Debian packages by {@code .ci/run}). Where
 * {@code HEAL_REQUIRE_TOOLS=true} (set by {@code .ci/run}) a missing tool fails the test; on a
 * developer machine without the package the test is skipped with a message saying what to install.
 */
public final class ExternalTools {
  private ExternalTools() {}

  public static Path require(String debianPackage, String... names) {
    for (String name : names) {
      Path direct = Path.of(name);
      if (direct.isAbsolute() && Files.isExecutable(direct)) {
        return direct;
      }
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
