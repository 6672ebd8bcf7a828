package dev.heal.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heal.core.testing.ExternalTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's release command, {@code ./mvnw -B -Prelease deploy}, on heal-bom and heal-core with
 * a throwaway gpg key and a file repository instead of Maven Central: every artifact arrives signed
 * and the signatures verify.
 */
class ReleaseProfileIT {

  private static String run(Path dir, Path gnupgHome, Path log, String... command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().put("GNUPGHOME", gnupgHome.toString());
    Process p = pb.start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish in 5 minutes");
    }
    String out = Files.readString(log);
    assertThat(p.exitValue()).as(String.join(" ", command) + "\n" + tail(out)).isZero();
    return out;
  }

  private static String tail(String s) {
    return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
  }

  @Test
  void releaseProfileSignsAndDeploysEveryArtifact(@TempDir Path tmp) throws Exception {
    Path gpg = ExternalTools.require("gnupg", "gpg");
    Path home = Files.createDirectory(tmp.resolve("gnupg"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    run(tmp, home, tmp.resolve("gpg.log"), gpg.toString(), "--batch", "--passphrase", "", "--quick-gen-key",
        "heal release test <release-test@heal.invalid>", "default", "default", "never");
    Path repo = tmp.resolve("repo");
    String url = repo.toUri().toString();
    Path root = ReferenceDocTest.ROOT;
    run(root, home, tmp.resolve("mvn.log"), root.resolve("mvnw").toString(), "-B", "-Prelease",
        "-pl", "heal-bom,heal-core", "deploy", "-DskipTests", "-Dmaven.install.skip=true",
        "-Dheal.release.url=" + url, "-Dheal.snapshot.url=" + url);

    List<Path> core = files(repo.resolve("dev/heal/heal-core"));
    List<Path> bom = files(repo.resolve("dev/heal/heal-bom"));
    for (String suffix : List.of(".pom", ".jar", "-sources.jar", "-javadoc.jar")) {
      assertThat(core).as("heal-core%s and its signature", suffix)
          .anyMatch(p -> p.toString().endsWith(suffix))
          .anyMatch(p -> p.toString().endsWith(suffix + ".asc"));
    }
    assertThat(bom).anyMatch(p -> p.toString().endsWith(".pom")).anyMatch(p -> p.toString().endsWith(".pom.asc"));

    List<Path> signatures = new ArrayList<>();
    Stream.concat(core.stream(), bom.stream()).filter(p -> p.toString().endsWith(".asc")).forEach(signatures::add);
    assertThat(signatures).hasSizeGreaterThanOrEqualTo(6);
    for (Path asc : signatures) {
      Path signed = Path.of(asc.toString().substring(0, asc.toString().length() - 4));
      run(tmp, home, tmp.resolve("verify.log"), gpg.toString(), "--batch", "--verify", asc.toString(), signed.toString());
    }
    Path pom = core.stream().filter(p -> p.toString().endsWith(".pom")).findFirst().orElseThrow();
    assertThat(Files.readString(pom)).as("the deployed POM is the flattened one")
        .doesNotContain("<parent>").doesNotContain("${").contains("<licenses>").contains("<scm");
  }

  private static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).toList();
    }
  }
}
