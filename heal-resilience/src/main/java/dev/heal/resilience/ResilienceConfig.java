package dev.heal.resilience;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Policies loaded from a properties or YAML file using resilience4j's own property names, so a
 * resilience4j (Spring Boot) user feels at home:
 *
 * <pre>
 * resilience4j.circuitbreaker:
 *   configs:
 *     default: { slidingWindowSize: 50 }
 *   instances:
 *     payments: { failureRateThreshold: 50, waitDurationInOpenState: 30s }
 * resilience4j.retry.instances.payments.maxAttempts: 3
 * heal.resilience:
 *   retrybudget.instances.payments: { ratio: 0.2, minRetriesPerSecond: 10, ttl: 10s }
 *   adaptivelimit.instances.payments: { minLimit: 5, maxLimit: 100 }
 *   dependencyScope.payments: SHARED
 * </pre>
 *
 * <p>Instances start from heal's defaults (see {@link Resilience}), then {@code configs.default}
 * (or the {@code configs.<x>} named by {@code baseConfig}), then their own keys. Durations are
 * {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, ISO-8601 ({@code PT10S}) or a bare number of
 * milliseconds. Every segment but instance and config names may be written in kebab-case, as
 * Spring Boot's relaxed binding allows ({@code failure-rate-threshold}). Settings of Spring Boot
 * integrations heal does not have are accepted and ignored: {@code registerHealthIndicator},
 * {@code allowHealthIndicatorToFail}, {@code eventConsumerBufferSize}, the {@code <kind>AspectOrder}
 * keys (heal's stage order is fixed) and the {@code thread-pool-bulkhead} section (heal refuses
 * thread-pool bulkheads). resilience4j properties heal does not map (for example {@code
 * recordFailurePredicate}) fail like any unknown key, with the nearest known one. Keys outside
 * {@code resilience4j.} and {@code heal.resilience.} are ignored (the
 * file may hold other settings); inside them an unknown key or a bad value fails with a {@link
 * ResilienceException} naming the key.
 *
 * <p>Immutable and thread-safe once loaded.
 */
public final class ResilienceConfig {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ns|us|ms|s|m|h|d)?");
  private static final Pattern R4J_KEY = Pattern.compile(
      "resilience4j\\.(circuitbreaker|retry|bulkhead|ratelimiter|timelimiter)\\.(configs|instances)\\.([^.]+)\\.(.+)");
  private static final Pattern HEAL_KEY = Pattern.compile(
      "heal\\.resilience\\.(retrybudget|adaptivelimit)\\.instances\\.([^.]+)\\.(.+)");
  private static final Pattern SCOPE_KEY = Pattern.compile("heal\\.resilience\\.dependencyScope\\.([^.]+)");

  private final Policies policies = new Policies();

  private ResilienceConfig() {}

  /** Loads YAML. The stream is read fully, not closed. */
  public static ResilienceConfig fromYaml(InputStream yaml) {
    try {
      JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
      Map<String, String> flat = new TreeMap<>();
      if (root != null) {
        flatten("", root, flat);
      }
      return fromMap(flat);
    } catch (IOException e) {
      throw new ResilienceException("cannot read the YAML configuration: " + e.getMessage(), e);
    }
  }

  /** Loads YAML from a string. */
  public static ResilienceConfig fromYaml(String yaml) {
    return fromYaml(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
  }

  /** Loads properties (lists comma-separated). */
  public static ResilienceConfig fromProperties(Properties properties) {
    Map<String, String> flat = new TreeMap<>();
    for (String k : properties.stringPropertyNames()) {
      flat.put(k, properties.getProperty(k));
    }
    return fromMap(flat);
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
      }
    } else if (node.isArray()) {
      List<String> items = new ArrayList<>();
      node.forEach(n -> items.add(n.asText()));
      out.put(prefix, String.join(",", items));
    } else if (!node.isNull()) {
      out.put(prefix, node.asText());
    }
  }

  /**
   * Keys resilience4j-spring-boot3 accepts that configure Spring Boot integrations heal does not
   * have (health indicators, the actuator event buffer): accepted and ignored, so a Spring Boot
   * {@code application.yml} loads unchanged.
   */
  static final Set<String> SPRING_BOOT_ONLY = Set.of("registerHealthIndicator",
      "allowHealthIndicatorToFail", "eventConsumerBufferSize");
  private static final Pattern ASPECT_ORDER = Pattern.compile(
      "resilience4j\\.(circuitbreaker|retry|bulkhead|ratelimiter|timelimiter)\\.[a-zA-Z]+AspectOrder");

  /**
   * The key with every property segment in camelCase, as Spring Boot's relaxed binding reads it:
   * {@code failure-rate-threshold} is {@code failureRateThreshold}. Instance and config names are
   * kept as written.
   */
  static String canonical(String key) {
    String[] parts = key.split("\\.", -1);
    for (int i = 0; i < parts.length; i++) {
      if (!isName(parts, i)) {
        parts[i] = camel(parts[i]);
      }
    }
    return String.join(".", parts);
  }

  /** Whether segment {@code i} names an instance or config (kept as written). */
  private static boolean isName(String[] p, int i) {
    if (p[0].equals("resilience4j")) { // resilience4j.<kind>.<configs|instances>.<name>.<prop>
      return i == 3 && p.length > 4 && (p[2].equals("configs") || p[2].equals("instances"));
    }
    if (p.length > 3 && p[0].equals("heal") && p[1].equals("resilience")) {
      return camel(p[2]).equals("dependencyScope") ? i == 3 : i == 4 && p[3].equals("instances");
    }
    return false;
  }

  private static String camel(String segment) {
    if (segment.indexOf('-') < 0) {
      return segment;
    }
    StringBuilder b = new StringBuilder();
    boolean up = false;
    for (char ch : segment.toCharArray()) {
      if (ch == '-') {
        up = b.length() > 0;
      } else {
        b.append(up ? Character.toUpperCase(ch) : ch);
        up = false;
      }
    }
    return b.toString();
  }

  static ResilienceConfig fromMap(Map<String, String> raw) {
    Map<String, String> flat = new TreeMap<>();
    raw.forEach((k, v) -> flat.put(canonical(k), v));
    ResilienceConfig c = new ResilienceConfig();
    // kind -> (configs|instances) -> name -> prop -> (key, value)
    Map<String, Map<String, Map<String, Map<String, String[]>>>> r4j = new TreeMap<>();
    Map<String, Map<String, Map<String, String[]>>> heal = new TreeMap<>();
    for (Map.Entry<String, String> e : flat.entrySet()) {
      String key = e.getKey();
      if (!key.startsWith("resilience4j.") && !key.startsWith("heal.resilience.")
          || key.startsWith("resilience4j.threadPoolBulkhead.") // heal refuses THREADPOOL bulkheads
          || ASPECT_ORDER.matcher(key).matches()) { // heal's stage order is fixed
        continue;
      }
      Matcher m = R4J_KEY.matcher(key);
      if (m.matches()) {
        r4j.computeIfAbsent(m.group(1), k -> new TreeMap<>())
            .computeIfAbsent(m.group(2), k -> new TreeMap<>())
            .computeIfAbsent(m.group(3), k -> new LinkedHashMap<>())
            .put(m.group(4), new String[] {key, e.getValue()});
        continue;
      }
      Matcher h = HEAL_KEY.matcher(key);
      if (h.matches()) {
        heal.computeIfAbsent(h.group(1), k -> new TreeMap<>())
            .computeIfAbsent(h.group(2), k -> new LinkedHashMap<>())
            .put(h.group(3), new String[] {key, e.getValue()});
        continue;
      }
      Matcher s = SCOPE_KEY.matcher(key);
      if (s.matches()) {
        c.policies.scopes.put(s.group(1), enumValue(DependencyScope.class, key, e.getValue()));
        continue;
      }
      throw new ResilienceException("unknown key '" + key + "': expected resilience4j.<circuitbreaker|"
          + "retry|bulkhead|ratelimiter|timelimiter>.<configs|instances>.<name>.<property>, "
          + "heal.resilience.<retrybudget|adaptivelimit>.instances.<name>.<property> "
          + "or heal.resilience.dependencyScope.<name>");
    }
    r4j.forEach((kind, sections) -> {
      Map<String, Map<String, String[]>> configs = sections.getOrDefault("configs", Map.of());
      Map<String, Map<String, String[]>> instances = sections.getOrDefault("instances", Map.of());
      instances.forEach((name, props) -> {
        List<Map<String, String[]>> layers = new ArrayList<>();
        String[] base = props.get("baseConfig");
        if (base != null) {
          Map<String, String[]> b = configs.get(base[1]);
          if (b == null) {
            throw new ResilienceException(base[0] + ": no resilience4j." + kind + ".configs."
                + base[1] + " is defined; defined: " + configs.keySet());
          }
          layers.add(b);
        } else if (configs.containsKey("default")) {
          layers.add(configs.get("default"));
        }
        layers.add(props);
        String where = "resilience4j." + kind + ".instances." + name;
        try {
          switch (kind) {
            case "circuitbreaker" -> c.policies.circuitBreakers.put(name, circuitBreaker(layers));
            case "retry" -> c.policies.retries.put(name, retry(layers));
            case "bulkhead" -> c.policies.bulkheads.put(name, bulkhead(layers));
            case "ratelimiter" -> c.policies.rateLimiters.put(name, rateLimiter(layers));
            default -> c.policies.timeLimiters.put(name, timeLimiter(layers));
          }
        } catch (IllegalArgumentException | IllegalStateException | NullPointerException ex) {
          throw new ResilienceException(where + ": " + ex.getMessage(), ex);
        }
      });
      // configs are validated even when no instance uses them
      configs.forEach((cfg, props) -> props.forEach((p, kv) -> checkKnown(kind, p, kv[0])));
    });
    heal.forEach((kind, instances) -> instances.forEach((name, props) -> {
      String where = "heal.resilience." + kind + ".instances." + name;
      try {
        if (kind.equals("retrybudget")) {
          c.policies.retryBudgets.put(name, retryBudget(props));
        } else {
          c.policies.adaptiveLimits.put(name, adaptiveLimit(props));
        }
      } catch (IllegalArgumentException ex) {
        throw new ResilienceException(where + ": " + ex.getMessage(), ex);
      }
    }));
    return c;
  }

  // ---------------------------------------------------------------- per kind

  // package-private: ResilienceReferenceTest checks the reference lists exactly these
  static final Map<String, Set<String>> KNOWN = Map.of(
      "circuitbreaker", Set.of("baseConfig", "failureRateThreshold", "slowCallRateThreshold",
          "slowCallDurationThreshold", "waitDurationInOpenState", "maxWaitDurationInHalfOpenState",
          "permittedNumberOfCallsInHalfOpenState", "slidingWindowSize", "minimumNumberOfCalls",
          "slidingWindowType", "slidingWindowSynchronizationStrategy",
          "automaticTransitionFromOpenToHalfOpenEnabled", "writableStackTraceEnabled",
          "recordExceptions", "ignoreExceptions", "initialState"),
      "retry", Set.of("baseConfig", "maxAttempts", "waitDuration", "enableExponentialBackoff",
          "exponentialBackoffMultiplier", "exponentialMaxWaitDuration", "enableRandomizedWait",
          "randomizedWaitFactor", "retryExceptions", "ignoreExceptions", "failAfterMaxAttempts",
          "writableStackTraceEnabled"),
      "bulkhead", Set.of("baseConfig", "maxConcurrentCalls", "maxWaitDuration",
          "writableStackTraceEnabled", "fairCallHandlingStrategyEnabled"),
      "ratelimiter", Set.of("baseConfig", "limitForPeriod", "limitRefreshPeriod",
          "timeoutDuration", "writableStackTraceEnabled"),
      "timelimiter", Set.of("baseConfig", "timeoutDuration", "cancelRunningFuture"),
      "retrybudget", Set.of("ratio", "minRetriesPerSecond", "ttl", "buckets"),
      "adaptivelimit", Set.of("initialLimit", "minLimit", "maxLimit", "smoothing",
          "rttTolerance", "windowSize", "baselineWindows", "probeInterval", "normalShare",
          "sheddableShare"));

  private static void checkKnown(String kind, String prop, String key) {
    if (!KNOWN.get(kind).contains(prop) && !SPRING_BOOT_ONLY.contains(prop)) {
      throw new ResilienceException("unknown key '" + key + "': " + kind + " has no property '"
          + prop + "'; did you mean '" + nearest(prop, KNOWN.get(kind)) + "'? known: "
          + new TreeSet<>(KNOWN.get(kind)));
    }
  }

  /** The known property closest to {@code prop} by edit distance (ignoring case). */
  static String nearest(String prop, Set<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : new TreeSet<>(known)) {
      int d = distance(prop.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    return best;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int subst = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(subst, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static void each(String kind, List<Map<String, String[]>> layers,
      BiConsumer<String, String[]> apply) {
    for (Map<String, String[]> layer : layers) {
      layer.forEach((p, kv) -> {
        checkKnown(kind, p, kv[0]);
        if (!p.equals("baseConfig") && !SPRING_BOOT_ONLY.contains(p)) {
          apply.accept(p, kv);
        }
      });
    }
  }

  private static CircuitBreakerConfig circuitBreaker(List<Map<String, String[]>> layers) {
    CircuitBreakerConfig.Builder b = Resilience.defaultCircuitBreakerConfig();
    each("circuitbreaker", layers, (p, kv) -> {
      String k = kv[0];
      String v = kv[1];
      switch (p) {
        case "failureRateThreshold" -> b.failureRateThreshold((float) number(k, v));
        case "slowCallRateThreshold" -> b.slowCallRateThreshold((float) number(k, v));
        case "slowCallDurationThreshold" -> b.slowCallDurationThreshold(duration(k, v));
        case "waitDurationInOpenState" -> b.waitDurationInOpenState(duration(k, v));
        case "maxWaitDurationInHalfOpenState" -> b.maxWaitDurationInHalfOpenState(duration(k, v));
        case "permittedNumberOfCallsInHalfOpenState" ->
            b.permittedNumberOfCallsInHalfOpenState(integer(k, v));
        case "slidingWindowSize" -> b.slidingWindowSize(integer(k, v));
        case "minimumNumberOfCalls" -> b.minimumNumberOfCalls(integer(k, v));
        case "slidingWindowType" ->
            b.slidingWindowType(enumValue(CircuitBreakerConfig.SlidingWindowType.class, k, v));
        case "slidingWindowSynchronizationStrategy" -> b.slidingWindowSynchronizationStrategy(
            enumValue(CircuitBreakerConfig.SlidingWindowSynchronizationStrategy.class, k, v));
        case "automaticTransitionFromOpenToHalfOpenEnabled" ->
            b.automaticTransitionFromOpenToHalfOpenEnabled(bool(k, v));
        case "writableStackTraceEnabled" -> b.writableStackTraceEnabled(bool(k, v));
        case "recordExceptions" -> b.recordExceptions(classes(k, v));
        case "ignoreExceptions" -> b.ignoreExceptions(classes(k, v));
        case "initialState" -> b.initialState(enumValue(CircuitBreaker.State.class, k, v));
        default -> throw new IllegalStateException(p);
      }
    });
    return b.build();
  }

  private static RetryConfig retry(List<Map<String, String[]>> layers) {
    RetryConfig.Builder<Object> b = RetryConfig.custom();
    b.maxAttempts(3);
    // heal's default: exponential backoff with jitter
    Duration[] wait = {Duration.ofMillis(100)};
    boolean[] exponential = {true};
    double[] multiplier = {2.0};
    Duration[] maxWait = {Duration.ofSeconds(10)};
    boolean[] randomized = {true};
    double[] factor = {0.5};
    each("retry", layers, (p, kv) -> {
      String k = kv[0];
      String v = kv[1];
      switch (p) {
        case "maxAttempts" -> b.maxAttempts(integer(k, v));
        case "waitDuration" -> wait[0] = duration(k, v);
        case "enableExponentialBackoff" -> exponential[0] = bool(k, v);
        case "exponentialBackoffMultiplier" -> multiplier[0] = number(k, v);
        case "exponentialMaxWaitDuration" -> maxWait[0] = duration(k, v);
        case "enableRandomizedWait" -> randomized[0] = bool(k, v);
        case "randomizedWaitFactor" -> factor[0] = number(k, v);
        case "retryExceptions" -> b.retryExceptions(classes(k, v));
        case "ignoreExceptions" -> b.ignoreExceptions(classes(k, v));
        case "failAfterMaxAttempts" -> b.failAfterMaxAttempts(bool(k, v));
        case "writableStackTraceEnabled" -> b.writableStackTraceEnabled(bool(k, v));
        default -> throw new IllegalStateException(p);
      }
    });
    IntervalFunction f;
    if (exponential[0] && randomized[0]) {
      f = IntervalFunction.ofExponentialRandomBackoff(wait[0], multiplier[0], factor[0], maxWait[0]);
    } else if (exponential[0]) {
      f = IntervalFunction.ofExponentialBackoff(wait[0], multiplier[0], maxWait[0]);
    } else if (randomized[0]) {
      f = IntervalFunction.ofRandomized(wait[0], factor[0]);
    } else {
      f = IntervalFunction.of(wait[0]);
    }
    b.intervalFunction(f);
    return b.build();
  }

  private static BulkheadConfig bulkhead(List<Map<String, String[]>> layers) {
    BulkheadConfig.Builder b = BulkheadConfig.custom();
    each("bulkhead", layers, (p, kv) -> {
      String k = kv[0];
      String v = kv[1];
      switch (p) {
        case "maxConcurrentCalls" -> b.maxConcurrentCalls(integer(k, v));
        case "maxWaitDuration" -> b.maxWaitDuration(duration(k, v));
        case "writableStackTraceEnabled" -> b.writableStackTraceEnabled(bool(k, v));
        case "fairCallHandlingStrategyEnabled" -> b.fairCallHandlingStrategyEnabled(bool(k, v));
        default -> throw new IllegalStateException(p);
      }
    });
    return b.build();
  }

  private static RateLimiterConfig rateLimiter(List<Map<String, String[]>> layers) {
    RateLimiterConfig.Builder b = RateLimiterConfig.custom();
    each("ratelimiter", layers, (p, kv) -> {
      String k = kv[0];
      String v = kv[1];
      switch (p) {
        case "limitForPeriod" -> b.limitForPeriod(integer(k, v));
        case "limitRefreshPeriod" -> b.limitRefreshPeriod(duration(k, v));
        case "timeoutDuration" -> b.timeoutDuration(duration(k, v));
        case "writableStackTraceEnabled" -> b.writableStackTraceEnabled(bool(k, v));
        default -> throw new IllegalStateException(p);
      }
    });
    return b.build();
  }

  private static TimeLimiterConfig timeLimiter(List<Map<String, String[]>> layers) {
    TimeLimiterConfig.Builder b = TimeLimiterConfig.custom();
    each("timelimiter", layers, (p, kv) -> {
      String k = kv[0];
      String v = kv[1];
      switch (p) {
        case "timeoutDuration" -> b.timeoutDuration(duration(k, v));
        case "cancelRunningFuture" -> b.cancelRunningFuture(bool(k, v));
        default -> throw new IllegalStateException(p);
      }
    });
    return b.build();
  }

  private static RetryBudgetConfig retryBudget(Map<String, String[]> props) {
    RetryBudgetConfig.Builder b = RetryBudgetConfig.builder();
    props.forEach((p, kv) -> {
      checkKnown("retrybudget", p, kv[0]);
      switch (p) {
        case "ratio" -> b.ratio(number(kv[0], kv[1]));
        case "minRetriesPerSecond" -> b.minRetriesPerSecond(integer(kv[0], kv[1]));
        case "ttl" -> b.ttl(duration(kv[0], kv[1]));
        default -> b.buckets(integer(kv[0], kv[1]));
      }
    });
    return b.build();
  }

  private static AdaptiveLimitConfig adaptiveLimit(Map<String, String[]> props) {
    AdaptiveLimitConfig.Builder b = AdaptiveLimitConfig.builder();
    props.forEach((p, kv) -> {
      checkKnown("adaptivelimit", p, kv[0]);
      String k = kv[0];
      String v = kv[1];
      switch (p) {
        case "initialLimit" -> b.initialLimit(integer(k, v));
        case "minLimit" -> b.minLimit(integer(k, v));
        case "maxLimit" -> b.maxLimit(integer(k, v));
        case "smoothing" -> b.smoothing(number(k, v));
        case "rttTolerance" -> b.rttTolerance(number(k, v));
        case "windowSize" -> b.windowSize(integer(k, v));
        case "baselineWindows" -> b.baselineWindows(integer(k, v));
        case "probeInterval" -> b.probeInterval(integer(k, v));
        case "normalShare" -> b.normalShare(number(k, v));
        default -> b.sheddableShare(number(k, v));
      }
    });
    return b.build();
  }

  // ---------------------------------------------------------------- values

  static Duration duration(String key, String v) {
    String s = v.trim();
    try {
      if (s.startsWith("P") || s.startsWith("p")) {
        return Duration.parse(s);
      }
    } catch (DateTimeParseException e) {
      throw badValue(key, v, "a duration such as 500ms, 10s, 2m or PT10S");
    }
    Matcher m = DURATION.matcher(s.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw badValue(key, v, "a duration such as 500ms, 10s, 2m or PT10S");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "ms" : m.group(2);
    return switch (unit) {
      case "ns" -> Duration.ofNanos(n);
      case "us" -> Duration.ofNanos(n * 1000);
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  private static int integer(String key, String v) {
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw badValue(key, v, "an integer");
    }
  }

  private static double number(String key, String v) {
    try {
      return Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw badValue(key, v, "a number");
    }
  }

  private static boolean bool(String key, String v) {
    String s = v.trim().toLowerCase(Locale.ROOT);
    if (s.equals("true") || s.equals("false")) {
      return Boolean.parseBoolean(s);
    }
    throw badValue(key, v, "true or false");
  }

  private static <E extends Enum<E>> E enumValue(Class<E> type, String key, String v) {
    try {
      return Enum.valueOf(type, v.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      List<String> names = new ArrayList<>();
      for (E c : type.getEnumConstants()) {
        names.add(c.name());
      }
      throw badValue(key, v, "one of " + names);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Class<? extends Throwable>[] classes(String key, String v) {
    List<Class<? extends Throwable>> out = new ArrayList<>();
    for (String n : v.split(",")) {
      String name = n.trim();
      if (name.isEmpty()) {
        continue;
      }
      try {
        Class<?> c = Class.forName(name, false, ResilienceConfig.class.getClassLoader());
        if (!Throwable.class.isAssignableFrom(c)) {
          throw badValue(key, v, "exception class names, but " + name + " is not a Throwable");
        }
        out.add((Class<? extends Throwable>) c);
      } catch (ClassNotFoundException e) {
        throw badValue(key, v, "exception class names, but class " + name + " was not found");
      }
    }
    return out.toArray(new Class[0]);
  }

  private static ResilienceException badValue(String key, String v, String expected) {
    return new ResilienceException(key + ": expected " + expected + ", got '" + v + "'");
  }

  void applyTo(Resilience.Builder b) {
    b.policies.putAll(policies);
  }

  /** Names of the circuit breakers this configuration declares. */
  public Set<String> circuitBreakerNames() {
    return policies.circuitBreakers.keySet();
  }

  /** The loaded circuit breaker configuration of {@code name}, if declared. */
  public Optional<CircuitBreakerConfig> circuitBreaker(String name) {
    return Optional.ofNullable(policies.circuitBreakers.get(name));
  }

  /** The loaded retry configuration of {@code name}, if declared. */
  public Optional<RetryConfig> retry(String name) {
    return Optional.ofNullable(policies.retries.get(name));
  }

  /** The loaded retry budget configuration of {@code name}, if declared. */
  public Optional<RetryBudgetConfig> retryBudget(String name) {
    return Optional.ofNullable(policies.retryBudgets.get(name));
  }

  /** The loaded adaptive limit configuration of {@code name}, if declared. */
  public Optional<AdaptiveLimitConfig> adaptiveLimit(String name) {
    return Optional.ofNullable(policies.adaptiveLimits.get(name));
  }
}
