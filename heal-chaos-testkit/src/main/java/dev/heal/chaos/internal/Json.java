package dev.heal.chaos.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/**
 * The chaos testkit's one Jackson configuration: a JSON mapper for the report and a YAML mapper
 * for Chaos Mesh resources. Both write the DTO records' properties in declaration order, so
 * documents read like the wire formats they stand for: a record's components come first in that
 * order anyway, and alphabetical sorting (on by default in Jackson 3) is off for anything else. Not
 * API. Jackson 3 mappers are immutable: thread-safe. Jackson 3's exceptions are unchecked
 * ({@code tools.jackson.core.JacksonException}); the records written here never raise them.
 */
public final class Json {
  private static final JsonMapper JSON = JsonMapper.builder()
      .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .build();

  /** Chaos Mesh YAML: quotes only where YAML needs them, and always around strings that look like numbers. */
  private static final YAMLMapper YAML = YAMLMapper.builder()
      .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
      .enable(YAMLWriteFeature.MINIMIZE_QUOTES)
      .enable(YAMLWriteFeature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
      .build();

  private Json() {}

  /** {@code value} as indented JSON. */
  public static String json(Object value) {
    return JSON.writeValueAsString(value);
  }

  /** {@code value} as one YAML document (starting with {@code ---}). */
  public static String yaml(Object value) {
    return YAML.writeValueAsString(value);
  }

  /** {@code value} as the tree its YAML reads back as. */
  public static JsonNode tree(Object value) {
    return YAML.valueToTree(value);
  }

  /** {@code value} as plain maps, lists and scalars, for the deprecated map views of the DTOs. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> map(Object value) {
    return JSON.convertValue(value, LinkedHashMap.class);
  }
}
