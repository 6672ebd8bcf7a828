package dev.heal.spring.internal;

import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;

/**
 * Reads the {@code resilience4j.*} and {@code heal.resilience.*} keys out of Spring's environment
 * into the flat form heal-resilience's {@code ResilienceConfig.fromProperties} reads: relaxed
 * (kebab-case) names become camelCase, YAML lists ({@code x[0]}, {@code x[1]}) become one
 * comma-separated value, and the first property source that has a key wins, as in Spring. Not API.
 */
public final class ResilienceEnvironment {
  private static final Pattern INDEX = Pattern.compile("^(.*)\\[(\\d+)]$");

  private ResilienceEnvironment() {}

  public static Properties read(ConfigurableEnvironment env) {
    Map<String, String> flat = new TreeMap<>();
    Map<String, TreeMap<Integer, String>> lists = new TreeMap<>();
    for (PropertySource<?> source : env.getPropertySources()) {
      if (!(source instanceof EnumerablePropertySource<?> e)) {
        continue;
      }
      for (String name : e.getPropertyNames()) {
        if (!name.startsWith("resilience4j.") && !name.startsWith("heal.resilience.")) {
          continue;
        }
        String value = env.getProperty(name);
        if (value == null) {
          continue;
        }
        Matcher m = INDEX.matcher(name);
        if (m.matches()) {
          lists.computeIfAbsent(camel(m.group(1)), k -> new TreeMap<>()).putIfAbsent(Integer.parseInt(m.group(2)), value);
        } else {
          flat.putIfAbsent(camel(name), value);
        }
      }
    }
    lists.forEach((k, v) -> flat.putIfAbsent(k, String.join(",", v.values())));
    Properties p = new Properties();
    p.putAll(flat);
    return p;
  }

  /** {@code max-attempts} to {@code maxAttempts}, segment by segment; instance names are kept as written. */
  static String camel(String key) {
    String[] parts = key.split("\\.");
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        out.append('.');
      }
      boolean instanceName = i > 0 && (parts[i - 1].equals("instances") || parts[i - 1].equals("configs"));
      out.append(instanceName ? parts[i] : camelSegment(parts[i]));
    }
    return out.toString();
  }

  private static String camelSegment(String s) {
    StringBuilder b = new StringBuilder();
    boolean up = false;
    for (char c : s.toCharArray()) {
      if (c == '-') {
        up = true;
      } else {
        b.append(up ? Character.toUpperCase(c) : c);
        up = false;
      }
    }
    return b.toString();
  }
}
