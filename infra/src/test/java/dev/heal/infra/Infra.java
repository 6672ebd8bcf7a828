package dev.heal.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** Paths of the reference deployment and generic YAML/JSON reading for the tests. Stateless, thread-safe. */
final class Infra {
  private Infra() {}

  static final YAMLMapper YAML = YAMLMapper.builder().build();
  static final JsonMapper JSON = JsonMapper.builder().build();

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
    try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(p.toFile())) {
      List<JsonNode> docs = new ArrayList<>();
      while (it.hasNext()) {
        JsonNode n = it.next();
        if (n != null && !n.isNull() && !n.isMissingNode()) {
          docs.add(n);
        }
      }
      return docs;
    } catch (JacksonException e) {
      throw new IllegalStateException("cannot parse " + p + ": " + e.getOriginalMessage(), e);
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
    } catch (JacksonException e) {
      throw new IllegalStateException("cannot parse " + p + ": " + e.getOriginalMessage(), e);
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
