package dev.heal.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every published module has its jar, sources jar, javadoc jar, Automatic-Module-Name and a
 * flattened POM with Maven Central's metadata; and the check notices when one is missing.
 */
class PublishedArtifactsTest {

  @Test
  void everyPublishedModuleHasItsJarSourcesJavadocModuleNameAndFlattenedPom() {
    PublishedArtifacts release = new PublishedArtifacts(ReferenceDocTest.ROOT);
    assertThat(release.published()).extracting(PublishedArtifacts.Module::artifactId)
        .contains("heal-bom", "heal-core", "heal-http", "heal-resilience", "heal-k8s", "heal-chaos-testkit",
            "heal-spring-boot-starter")
        .doesNotContain("heal-benchmarks", "heal-release-check", "heal-example-demo", "heal-infra-tests");
    assertThat(release.problems()).isEmpty();
  }

  // ------------------------------------------------------------- the check itself, on a fake tree

  private static final String PARENT = """
      <project><version>1.0</version><modules><module>a</module><module>b</module><module>heal-release-check</module></modules></project>""";
  private static final String META = "<name>n</name><description>d</description><url>u</url><licenses/><developers/><scm/>";

  private static void module(Path root, String dir, String props) throws IOException {
    Files.createDirectories(root.resolve(dir + "/target"));
    Files.writeString(root.resolve(dir + "/pom.xml"),
        "<project><artifactId>" + dir + "</artifactId><properties>" + props + "</properties></project>");
    Files.writeString(root.resolve(dir + "/.flattened-pom.xml"), "<project><artifactId>" + dir + "</artifactId>" + META
        + "<dependencies><dependency><artifactId>x</artifactId><version>1</version></dependency></dependencies></project>");
  }

  private static void jar(Path file, String moduleName, String... entries) throws IOException {
    Manifest mf = new Manifest();
    mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    if (moduleName != null) {
      mf.getMainAttributes().putValue("Automatic-Module-Name", moduleName);
    }
    try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, mf)) {
      for (String e : entries) {
        jar.putNextEntry(new JarEntry(e));
        jar.closeEntry();
      }
    }
  }

  private static Path completeTree(Path root) throws IOException {
    Files.writeString(root.resolve("pom.xml"), PARENT);
    module(root, "a", "<heal.module.name>dev.a</heal.module.name>");
    module(root, "b", "<maven.deploy.skip>true</maven.deploy.skip>");
    module(root, "heal-release-check", "<maven.deploy.skip>true</maven.deploy.skip>");
    Files.writeString(root.resolve("heal-release-check/pom.xml"),
        "<project><artifactId>heal-release-check</artifactId><properties><maven.deploy.skip>true</maven.deploy.skip>"
            + "</properties><dependencies><dependency><artifactId>a</artifactId></dependency></dependencies></project>");
    jar(root.resolve("a/target/a-1.0.jar"), "dev.a", "dev/a/A.class");
    jar(root.resolve("a/target/a-1.0-sources.jar"), null, "dev/a/A.java");
    jar(root.resolve("a/target/a-1.0-javadoc.jar"), null, "index.html");
    return root;
  }

  @Test
  void aCompleteTreeHasNoProblemsAndUnpublishedModulesAreNotChecked(@TempDir Path root) throws IOException {
    PublishedArtifacts release = new PublishedArtifacts(completeTree(root));
    assertThat(release.published()).extracting(PublishedArtifacts.Module::artifactId).containsExactly("a");
    assertThat(release.problems()).isEmpty();
  }

  @Test
  void aMissingSourcesOrJavadocJarIsNamed(@TempDir Path root) throws IOException {
    completeTree(root);
    Files.delete(root.resolve("a/target/a-1.0-sources.jar"));
    Files.delete(root.resolve("a/target/a-1.0-javadoc.jar"));
    assertThat(new PublishedArtifacts(root).problems()).containsExactly(
        "a: no sources jar a/target/a-1.0-sources.jar", "a: no javadoc jar a/target/a-1.0-javadoc.jar");
  }

  @Test
  void anEmptyJavadocJarAndAMissingModuleNameAreNamed(@TempDir Path root) throws IOException {
    completeTree(root);
    jar(root.resolve("a/target/a-1.0-javadoc.jar"), null, "META-INF/x");
    jar(root.resolve("a/target/a-1.0.jar"), null, "dev/a/A.class");
    List<String> problems = new PublishedArtifacts(root).problems();
    assertThat(problems).containsExactly("a: the javadoc jar a/target/a-1.0-javadoc.jar has no index.html",
        "a: a-1.0.jar has no Automatic-Module-Name; set heal.module.name in a/pom.xml");
  }

  @Test
  void classesOutsideTheModuleNameAndAnUnflattenedPomAreNamed(@TempDir Path root) throws IOException {
    completeTree(root);
    jar(root.resolve("a/target/a-1.0.jar"), "dev.a", "dev/a/A.class", "dev/other/B.class");
    Files.writeString(root.resolve("a/.flattened-pom.xml"),
        "<project><parent/><version>${revision}</version><name>n</name><dependencies><dependency><artifactId>x</artifactId></dependency></dependencies></project>");
    assertThat(new PublishedArtifacts(root).problems()).contains(
        "a: dev/other/B.class is outside the module's package dev.a",
        "a: the flattened POM still has an unresolved ${...}",
        "a: the flattened POM names a parent, which is not published",
        "a: the published POM has no <scm> (Maven Central requires name, description, url, licenses, developers, scm)",
        "a: dependency x has no version in the published POM");
  }

  @Test
  void aPublishedModuleTheCheckDoesNotDependOnIsNamed(@TempDir Path root) throws IOException {
    completeTree(root);
    Files.writeString(root.resolve("heal-release-check/pom.xml"),
        "<project><artifactId>heal-release-check</artifactId><properties><maven.deploy.skip>true</maven.deploy.skip>"
            + "</properties></project>");
    assertThat(new PublishedArtifacts(root).problems()).containsExactly("heal-release-check does not depend on "
        + "published module a: add it, so that the reactor packages it before this check runs");
  }
}
