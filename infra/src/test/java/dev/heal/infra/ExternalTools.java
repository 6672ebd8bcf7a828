package dev.heal.infra;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds and runs the real tools the infra tests use: Debian packages on PATH, npm packages in the
 * git-ignored {@code infra/tools/node_modules} that {@code .ci/run} fills. Where
 * {@code HEAL_REQUIRE_TOOLS=true} (set by {@code .ci/run}) a missing tool fails the test; elsewhere
 * the test is skipped with what to install. Stateless and thread-safe.
 */
final class ExternalTools {
  private ExternalTools() {}

  static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** The output and exit code of one finished tool run. */
  record Result(int exitCode, String output) {
    Result assertSuccess(String what) {
      if (exitCode != 0) {
        throw new AssertionError(what + " failed with exit code " + exitCode + ":\n" + output);
      }
      return this;
    }
  }

  /** A tool from a Debian package, found on PATH. */
  static Path debian(String debianPackage, String name) {
    return find(name, List.of()).orElseGet(() -> missing(name, "Debian package " + debianPackage
        + "; apt-get install " + debianPackage));
  }

  /** A tool from an npm package installed into infra/tools (or found on PATH). */
  static Path npm(String npmPackage, String bin) {
    return find(bin, List.of(Infra.dir().resolve("tools/node_modules/.bin")))
        .orElseGet(() -> missing(bin, "npm package " + npmPackage
            + "; npm install --prefix infra/tools --no-audit --no-fund " + npmPackage));
  }

  /** A library-only npm package (no executable): its folder under infra/tools/node_modules, and node. */
  static Path npmLibrary(String npmPackage) {
    debian("nodejs", "node");
    Path dir = Infra.dir().resolve("tools/node_modules").resolve(npmPackage.substring(0, npmPackage.lastIndexOf('@')));
    if (Files.isRegularFile(dir.resolve("package.json"))) {
      return dir;
    }
    return missing(npmPackage, "npm package " + npmPackage
        + "; npm install --prefix infra/tools --no-audit --no-fund " + npmPackage);
  }

  private static Optional<Path> find(String name, List<Path> extraDirs) {
    List<Path> dirs = new ArrayList<>(extraDirs);
    for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (!d.isEmpty()) {
        dirs.add(Path.of(d));
      }
    }
    return dirs.stream().map(d -> d.resolve(name)).filter(Files::isExecutable).findFirst();
  }

  private static <T> T missing(String name, String hint) {
    String message = "needs " + name + " (" + hint + ")";
    if (Boolean.parseBoolean(Optional.ofNullable(System.getenv("HEAL_REQUIRE_TOOLS")).orElse("false"))) {
      throw new AssertionError("HEAL_REQUIRE_TOOLS=true but this test " + message);
    }
    assumeTrue(false, "skipped: this test " + message);
    throw new IllegalStateException("unreachable");
  }

  /** Runs a command in {@code workDir}, stdout and stderr merged, bounded by {@link #TIMEOUT}. */
  static Result run(Path workDir, List<String> command) {
    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
    pb.environment().put("NO_COLOR", "1");
    try {
      // Output goes to a file so that a hung tool cannot block the read; the wait is bounded.
      Path log = Files.createTempFile("heal-infra-tool", ".log");
      try {
        Process p = pb.redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new AssertionError(String.join(" ", command) + " did not finish within " + TIMEOUT);
        }
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(log);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running " + command, e);
    }
  }

  static Result run(Path workDir, String... command) {
    return run(workDir, List.of(command));
  }
}
