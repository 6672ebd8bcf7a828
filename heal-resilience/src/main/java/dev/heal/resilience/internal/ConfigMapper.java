package dev.heal.resilience.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * heal-resilience's one configured Jackson mapper: reads YAML and binds resilience4j's
 * framework-common configuration property classes the way Spring Boot's relaxed binding does
 * (property names ignore case; durations in Spring Boot's simple form {@code 500ms}, {@code 10s},
 * ISO-8601 or bare milliseconds; exception class lists as YAML lists or comma-separated; enum
 * values ignore case and take {@code -} for {@code _}). Immutable and thread-safe.
 */
public final class ConfigMapper {
  private static final Pattern DURATION = Pattern.compile("([+-]?\\d+)\\s*(ns|us|ms|s|m|h|d)?");
  /** What a bad duration gets told. */
  public static final String DURATION_FORM = "a duration such as 500ms, 10s, 2m or PT10S";

  /** The mapper. */
  public static final YAMLMapper MAPPER = YAMLMapper.builder()
      // Jackson 3 defaults both off: the properties classes' maps have getters only, and an
      // unknown key must fail
      .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES, MapperFeature.USE_GETTERS_AS_SETTERS)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .addModule(new SimpleModule("heal-resilience-config")
          .addDeserializer(Duration.class, new DurationDeserializer())
          .addDeserializer(Class[].class, new ClassesDeserializer())
          .addDeserializer(CircuitBreaker.State.class, new LenientEnum<>(CircuitBreaker.State.class))
          .addDeserializer(CircuitBreakerConfig.SlidingWindowType.class,
              new LenientEnum<>(CircuitBreakerConfig.SlidingWindowType.class)))
      .build();

  private ConfigMapper() {}

  /**
   * Parses a duration the way Spring Boot does: ISO-8601, or a number with an optional unit
   * ({@code ns us ms s m h d}, milliseconds when absent).
   *
   * @throws IllegalArgumentException naming the expected form
   */
  public static Duration duration(String value) {
    String s = value.trim();
    if (s.startsWith("P") || s.startsWith("p") || s.startsWith("-P")) {
      try {
        return Duration.parse(s);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("expected " + DURATION_FORM + ", got '" + value + "'");
      }
    }
    Matcher m = DURATION.matcher(s.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("expected " + DURATION_FORM + ", got '" + value + "'");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2) == null ? "ms" : m.group(2)) {
      case "ns" -> Duration.ofNanos(n);
      case "us" -> Duration.ofNanos(n * 1000);
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  private static final class DurationDeserializer extends ValueDeserializer<Duration> {
    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctxt) {
      String text = p.getString();
      try {
        return duration(text);
      } catch (IllegalArgumentException e) {
        throw ctxt.weirdStringException(text, Duration.class, e.getMessage());
      }
    }
  }

  /** Exception class names, as a list or comma-separated; each must be a {@code Throwable}. */
  private static final class ClassesDeserializer extends ValueDeserializer<Class<?>[]> {
    @Override
    public Class<?>[] deserialize(JsonParser p, DeserializationContext ctxt) {
      List<String> names = new ArrayList<>();
      if (p.currentToken() == JsonToken.START_ARRAY) {
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
          names.addAll(Arrays.asList(p.getString().split(",")));
        }
      } else {
        names.addAll(Arrays.asList(p.getString().split(",")));
      }
      List<Class<?>> out = new ArrayList<>();
      for (String n : names) {
        String name = n.trim();
        if (name.isEmpty()) {
          continue;
        }
        Class<?> c;
        try {
          c = Class.forName(name, false, ConfigMapper.class.getClassLoader());
        } catch (ClassNotFoundException e) {
          throw ctxt.weirdStringException(name, Class[].class,
              "expected exception class names, but class " + name + " was not found");
        }
        if (!Throwable.class.isAssignableFrom(c)) {
          throw ctxt.weirdStringException(name, Class[].class,
              "expected exception class names, but " + name + " is not a Throwable");
        }
        out.add(c);
      }
      return out.toArray(new Class<?>[0]);
    }
  }

  /** An enum value ignoring case, {@code -} read as {@code _} (Spring Boot's lenient form). */
  private static final class LenientEnum<E extends Enum<E>> extends ValueDeserializer<E> {
    private final Class<E> type;

    LenientEnum(Class<E> type) {
      this.type = type;
    }

    @Override
    public E deserialize(JsonParser p, DeserializationContext ctxt) {
      String text = p.getString();
      String wanted = text.trim().replace('-', '_');
      for (E c : type.getEnumConstants()) {
        if (c.name().equalsIgnoreCase(wanted)) {
          return c;
        }
      }
      throw ctxt.weirdStringException(text, type,
          "expected one of " + Arrays.toString(type.getEnumConstants()));
    }
  }
}
