package dev.heal.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The README's build snippets, module table and the changelog match what a release publishes. */
class ReadmeReleaseDocsTest {
  private final PublishedArtifacts release = new PublishedArtifacts(ReferenceDocTest.ROOT);
  private final String readme = read("README.md");

  private static String read(String file) {
    try {
      return Files.readString(ReferenceDocTest.ROOT.resolve(file), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private String releaseVersion() throws Exception {
    Element pom = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(ReferenceDocTest.ROOT.resolve("pom.xml").toFile()).getDocumentElement();
    String v = pom.getElementsByTagName("version").item(0).getTextContent().trim();
    return v.replace("-SNAPSHOT", "");
  }

  private List<String> jarModules() {
    return release.published().stream().filter(m -> m.packaging().equals("jar"))
        .map(PublishedArtifacts.Module::artifactId).toList();
  }

  private String block(String language, String mustContain) {
    Matcher m = Pattern.compile("```" + language + "\n(.*?)```", Pattern.DOTALL).matcher(readme);
    while (m.find()) {
      if (m.group(1).contains(mustContain)) {
        return m.group(1);
      }
    }
    throw new AssertionError("README has no ```" + language + " block with " + mustContain);
  }

  @Test
  void mavenSnippetImportsTheBomOfThisReleaseAndAddsEveryPublishedModule() throws Exception {
    String xml = "<root>" + block("xml", "heal-bom") + "</root>";
    Element root = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8))).getDocumentElement();
    NodeList deps = root.getElementsByTagName("dependency");
    List<String> modules = new ArrayList<>();
    for (int i = 0; i < deps.getLength(); i++) {
      Element d = (Element) deps.item(i);
      assertThat(d.getElementsByTagName("groupId").item(0).getTextContent()).isEqualTo("dev.heal");
      String artifact = d.getElementsByTagName("artifactId").item(0).getTextContent();
      if (artifact.equals("heal-bom")) {
        assertThat(d.getElementsByTagName("version").item(0).getTextContent()).isEqualTo(releaseVersion());
        assertThat(d.getElementsByTagName("scope").item(0).getTextContent()).isEqualTo("import");
      } else {
        assertThat(d.getElementsByTagName("version").getLength()).as(artifact + " takes its version from the BOM").isZero();
        modules.add(artifact);
      }
    }
    assertThat(modules).containsExactlyInAnyOrderElementsOf(jarModules());
  }

  @Test
  void gradleSnippetUsesTheBomOfThisReleaseAndEveryPublishedModule() throws Exception {
    String kotlin = block("kotlin", "heal-bom");
    assertThat(kotlin).contains("platform(\"dev.heal:heal-bom:" + releaseVersion() + "\")");
    for (String m : jarModules()) {
      assertThat(kotlin).contains("\"dev.heal:" + m + "\"");
    }
  }

  @Test
  void whichModuleTableNamesEveryPublishedModuleWithItsModuleName() {
    for (PublishedArtifacts.Module m : release.published()) {
      if (m.packaging().equals("jar")) {
        assertThat(readme).as(m.artifactId()).containsPattern("\\| `" + m.artifactId() + "`[^|]*\\| `"
            + Pattern.quote(m.moduleName()) + "` \\|");
      }
    }
  }

  @Test
  void changelogKeepsAChangelogAndHasThisVersion() throws Exception {
    String changelog = read("CHANGELOG.md");
    assertThat(changelog).contains("[Keep a Changelog 1.1.0](https://keepachangelog.com/en/1.1.0/)")
        .contains("## [Unreleased]").contains("## [" + releaseVersion() + "]")
        .contains("[" + releaseVersion() + "]: https://github.com/heal-dev/heal/releases/tag/v" + releaseVersion());
    assertThat(readme).contains("### Version policy").contains("[docs/reference.md](docs/reference.md)");
  }
}
