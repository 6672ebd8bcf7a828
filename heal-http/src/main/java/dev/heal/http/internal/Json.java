package dev.heal.http.internal;

import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * heal-http's one configured Jackson 3 mapper: strict on input (duplicate keys and trailing tokens
 * are errors), records and plain values on output. Immutable and thread-safe. Not API.
 */
public final class Json {
  /** The mapper every heal-http wire format is read and written with. */
  public static final JsonMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private Json() {}
}
