package dev.heal.core.internal;

import io.micrometer.core.instrument.Meter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What one heal module declares about itself for {@code docs/reference.md}: the builders whose
 * methods are its configuration (with defaults and units), the keys of its configuration files,
 * and the meters it registers. Each module has one implementation, listed in {@code
 * META-INF/services/dev.heal.core.internal.ReferenceCatalog}; heal-release-check's generator reads
 * them all, checks them against the code (every public builder method has an entry, every declared
 * meter is registered with that type and those tags and nothing else is) and writes the reference.
 *
 * <p>Not API. Implementations are stateless and thread-safe.
 */
public interface ReferenceCatalog {
  /** The module's artifactId, e.g. {@code heal-core}. */
  String module();

  /** The module's builders, in the order the reference shows them. */
  List<Builder> builders();

  /** Keys of the module's configuration files; empty when it reads none. */
  default List<FileKey> fileKeys() {
    return List.of();
  }

  /** Every meter the module registers. */
  default List<MeterInfo> meters() {
    return List.of();
  }

  /**
   * One builder class and an entry for each of its public methods but {@code build()}.
   *
   * @param title the heading, e.g. "Health checks"
   * @param type the builder class
   * @param entry how to obtain one, e.g. {@code HealthCheckConfig.builder(name)}
   * @param fresh makes a new builder, whose fields give the defaults of settings declared without
   *     one (a setting {@code x} reads the builder's field {@code x})
   * @param settings one per public method name (overloads share one)
   */
  record Builder(String title, Class<?> type, String entry, Supplier<?> fresh, List<Setting> settings) {
    public Builder {
      settings = List.copyOf(settings);
    }

    /** Starts a builder entry. */
    public static Builder of(String title, Class<?> type, String entry, Supplier<?> fresh) {
      return new Builder(title, type, entry, fresh, List.of());
    }

    /** Adds a setting whose default is the fresh builder's field of the same name. */
    public Builder field(String method, String unit) {
      return field(method, unit, "");
    }

    /** As {@link #field(String, String)}, with its meaning written here. */
    public Builder field(String method, String unit, String meaning) {
      return add(new Setting(method, null, unit, "", "", meaning));
    }

    /** Adds a setting whose meaning is the method's javadoc (or its accessor's). */
    public Builder set(String method, Object defaultValue, String unit) {
      return set(method, defaultValue, unit, "");
    }

    /** Adds a setting with its meaning written here (when the method has no javadoc). */
    public Builder set(String method, Object defaultValue, String unit, String meaning) {
      return add(new Setting(method, defaultValue, unit, "", "", meaning));
    }

    /** Names the configuration file key that sets the setting added last. */
    public Builder fileKey(String key) {
      List<Setting> s = new ArrayList<>(settings);
      Setting last = s.remove(s.size() - 1);
      s.add(new Setting(last.method(), last.defaultValue(), last.unit(), key, last.springKey(), last.meaning()));
      return new Builder(title, type, entry, fresh, s);
    }

    private Builder add(Setting setting) {
      List<Setting> s = new ArrayList<>(settings);
      s.add(setting);
      return new Builder(title, type, entry, fresh, s);
    }
  }

  /**
   * One builder method.
   *
   * @param method the method name
   * @param defaultValue the value when the method is not called (a value read from the code, or
   *     text), or null to read it from the fresh builder's field of the same name
   * @param unit the unit of the value, or empty
   * @param fileKey the configuration file key that sets it too, or empty
   * @param springKey the Spring Boot property, or empty while no starter exists
   * @param meaning what it means, or empty to use the javadoc
   */
  record Setting(String method, Object defaultValue, String unit, String fileKey, String springKey,
      String meaning) {
    public Setting {
      Objects.requireNonNull(method, "method");
    }
  }

  /**
   * One key of a configuration file (YAML or properties).
   *
   * @param key the key, with {@code <name>} for the instance name
   * @param type the builder the key sets
   * @param method the builder method the key sets
   * @param defaultValue heal's default, in the file's syntax, read from the code where it can be
   * @param unit the unit, or empty
   * @param meaning what it means, or empty to use the builder method's javadoc (heal's builders)
   */
  record FileKey(String key, Class<?> type, String method, Object defaultValue, String unit, String meaning) {
    /** A key whose meaning is the javadoc of {@code type}'s {@code method}. */
    public static FileKey of(String key, Class<?> type, String method, Object defaultValue, String unit) {
      return new FileKey(key, type, method, defaultValue, unit, "");
    }
  }

  /**
   * One meter.
   *
   * @param name the Micrometer name
   * @param type the Micrometer type
   * @param tags the tag keys, in order
   * @param appears when it is registered
   */
  record MeterInfo(String name, Meter.Type type, List<String> tags, String appears) {
    public MeterInfo {
      tags = List.copyOf(tags);
    }
  }
}
