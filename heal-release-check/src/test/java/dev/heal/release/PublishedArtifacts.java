package dev.heal.release;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * What a release of the repository at {@code root} would publish, read from its POMs and the
 * modules' {@code target} folders after {@code package}: a module is published unless it sets
 * {@code maven.deploy.skip}. {@link #problems()} lists, in words, everything missing or wrong.
 */
final class PublishedArtifacts {
  private static final String REQUIRED_METADATA = "name, description, url, licenses, developers, scm";

  /** One published module. */
  record Module(Path dir, String artifactId, String packaging, String moduleName) {}

  private final Path root;
  private final String version;
  private final List<Module> published = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();

  PublishedArtifacts(Path root) {
    this.root = root;
    Document parent = read(root.resolve("pom.xml"));
    this.version = child(parent.getDocumentElement(), "version");
    Element modules = childElement(parent.getDocumentElement(), "modules");
    NodeList names = modules.getElementsByTagName("module");
    for (int i = 0; i < names.getLength(); i++) {
      String m = names.item(i).getTextContent().trim();
      Path dir = root.resolve(m);
      Element pom = read(dir.resolve("pom.xml")).getDocumentElement();
      Element props = childElement(pom, "properties");
      if (props != null && "true".equals(child(props, "maven.deploy.skip", null))) {
        continue;
      }
      String packaging = child(pom, "packaging", "jar");
      String moduleName = props == null ? null : child(props, "heal.module.name", null);
      published.add(new Module(dir, child(pom, "artifactId"), packaging, moduleName));
    }
  }

  List<Module> published() {
    return published;
  }

  /** Everything wrong, one sentence each; empty when a release would be complete. */
  List<String> problems() {
    problems.clear();
    Set<String> jars = new LinkedHashSet<>();
    for (Module m : published) {
      if (m.packaging().equals("jar")) {
        jars.add(m.artifactId());
        jarModule(m);
      } else if (!m.packaging().equals("pom")) {
        problems.add(m.artifactId() + " has packaging " + m.packaging() + ", which this check does not know");
      }
      flattenedPom(m);
    }
    for (Module m : published) {
      if (m.artifactId().endsWith("-bom")) {
        String bom = readString(m.dir().resolve(".flattened-pom.xml"));
        for (String jar : jars) {
          if (bom != null && !bom.contains("<artifactId>" + jar + "</artifactId>")) {
            problems.add(m.artifactId() + " does not list published module " + jar);
          }
        }
      }
    }
    Path self = root.resolve("heal-release-check/pom.xml");
    String selfPom = readString(self);
    for (Module m : published) {
      if (selfPom != null && !selfPom.contains("<artifactId>" + m.artifactId() + "</artifactId>")) {
        problems.add("heal-release-check does not depend on published module " + m.artifactId()
            + ": add it, so that the reactor packages it before this check runs");
      }
    }
    return List.copyOf(problems);
  }

  private void jarModule(Module m) {
    String base = m.artifactId() + "-" + version;
    Path target = m.dir().resolve("target");
    Path main = target.resolve(base + ".jar");
    Path sources = target.resolve(base + "-sources.jar");
    Path javadoc = target.resolve(base + "-javadoc.jar");
    if (!Files.isRegularFile(main)) {
      problems.add(m.artifactId() + ": no " + root.relativize(main) + "; package the module first "
          + "(./mvnw -B -pl heal-release-check -am verify)");
      return;
    }
    if (!Files.isRegularFile(sources)) {
      problems.add(m.artifactId() + ": no sources jar " + root.relativize(sources));
    } else if (!contains(sources, ".java")) {
      problems.add(m.artifactId() + ": the sources jar " + root.relativize(sources) + " holds no .java file");
    }
    if (!Files.isRegularFile(javadoc)) {
      problems.add(m.artifactId() + ": no javadoc jar " + root.relativize(javadoc));
    } else if (!contains(javadoc, "index.html")) {
      problems.add(m.artifactId() + ": the javadoc jar " + root.relativize(javadoc) + " has no index.html");
    }
    try (JarFile jar = new JarFile(main.toFile())) {
      Manifest mf = jar.getManifest();
      String name = mf == null ? null : mf.getMainAttributes().getValue("Automatic-Module-Name");
      if (name == null) {
        problems.add(m.artifactId() + ": " + main.getFileName() + " has no Automatic-Module-Name; set "
            + "heal.module.name in " + root.relativize(m.dir().resolve("pom.xml")));
        return;
      }
      try {
        ModuleDescriptor.newModule(name);
      } catch (IllegalArgumentException e) {
        problems.add(m.artifactId() + ": Automatic-Module-Name '" + name + "' is not a valid module name");
        return;
      }
      String prefix = name.replace('.', '/') + "/";
      for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
        String entry = e.nextElement().getName();
        if (entry.endsWith(".class") && !entry.startsWith(prefix)) {
          problems.add(m.artifactId() + ": " + entry + " is outside the module's package " + name);
          return;
        }
      }
    } catch (IOException e) {
      problems.add(m.artifactId() + ": cannot read " + main + ": " + e.getMessage());
    }
  }

  private void flattenedPom(Module m) {
    Path flat = m.dir().resolve(".flattened-pom.xml");
    String text = readString(flat);
    if (text == null) {
      problems.add(m.artifactId() + ": no flattened POM " + root.relativize(flat));
      return;
    }
    if (text.contains("${")) {
      problems.add(m.artifactId() + ": the flattened POM still has an unresolved ${...}");
    }
    Element pom = read(flat).getDocumentElement();
    if (childElement(pom, "parent") != null) {
      problems.add(m.artifactId() + ": the flattened POM names a parent, which is not published");
    }
    for (String field : REQUIRED_METADATA.split(", ")) {
      if (childElement(pom, field) == null) {
        problems.add(m.artifactId() + ": the published POM has no <" + field + "> (Maven Central requires "
            + REQUIRED_METADATA + ")");
      }
    }
    Element deps = childElement(pom, "dependencies");
    if (deps != null) {
      NodeList list = deps.getElementsByTagName("dependency");
      for (int i = 0; i < list.getLength(); i++) {
        Element d = (Element) list.item(i);
        if (child(d, "version", null) == null) {
          problems.add(m.artifactId() + ": dependency " + child(d, "artifactId") + " has no version in the published POM");
        }
      }
    }
  }

  private static boolean contains(Path jar, String suffix) {
    try (JarFile j = new JarFile(jar.toFile())) {
      return j.stream().anyMatch(e -> e.getName().endsWith(suffix));
    } catch (IOException e) {
      return false;
    }
  }

  private static String readString(Path p) {
    try {
      return Files.isRegularFile(p) ? Files.readString(p) : null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Document read(Path pom) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      return f.newDocumentBuilder().parse(pom.toFile());
    } catch (Exception e) {
      throw new IllegalStateException("cannot read " + pom + ": " + e.getMessage(), e);
    }
  }

  private static Element childElement(Element parent, String name) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        return e;
      }
    }
    return null;
  }

  private static String child(Element parent, String name) {
    String v = child(parent, name, null);
    if (v == null) {
      throw new IllegalStateException("<" + parent.getTagName() + "> has no <" + name + ">");
    }
    return v;
  }

  private static String child(Element parent, String name, String otherwise) {
    Element e = childElement(parent, name);
    return e == null ? otherwise : e.getTextContent().trim();
  }
}
