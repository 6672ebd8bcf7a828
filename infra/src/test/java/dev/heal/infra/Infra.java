package dev.heal.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Paths of the reference deployment and generic YAML/JSON reading for the tests. Stateless, thread-safe. */
final class Infra {
  private Infra() {}

  static final ObjectMapper YAML = new YAMLMapper();
  static final ObjectMapper JSON = new ObjectMapper();

  /** The infra/ module directory (Maven runs tests with it as the working directory). */
  static Path dir() {
    Path base = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
    if (!Files.isDirectory(base.resolve("k8s"))) {
      throw new IllegalStateException("run from the infra module: no k8s/ under " + base);
    }
    return base;
  }

  static Path root() {
    return dir().getParent();
  }

  static Path path(String relative) {
    Path p = dir().resolve(relative);
    if (!Files.exists(p)) {
      throw new AssertionError("missing " + p);
    }
    return p;
  }

  static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every document of a (multi-document) YAML file, empty documents left out. */
  static List<JsonNode> yamlDocuments(Path p) {
    try (var parser = new YAMLFactory().createParser(p.toFile())) {
      List<JsonNode> docs = new ArrayList<>();
      var it = YAML.readValues(parser, JsonNode.class);
      while (it.hasNext()) {
        JsonNode n = it.next();
        if (n != null && !n.isNull() && !n.isMissingNode()) {
          docs.add(n);
        }
      }
      return docs;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse " + p, e);
    }
  }

  static JsonNode yaml(Path p) {
    List<JsonNode> docs = yamlDocuments(p);
    if (docs.size() != 1) {
      throw new AssertionError(p + " should hold one YAML document, has " + docs.size());
    }
    return docs.get(0);
  }

  static JsonNode json(Path p) {
    try {
      return JSON.readTree(p.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse " + p, e);
    }
  }

  static List<Path> files(String relativeDir, String... suffixes) {
    try (Stream<Path> s = Files.walk(path(relativeDir))) {
      return s.filter(Files::isRegularFile)
          .filter(f -> Stream.of(suffixes).anyMatch(x -> f.getFileName().toString().endsWith(x)))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
