package dev.heal.resilience;

import dev.heal.resilience.internal.ConfigMapper;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.common.CompositeCustomizer;
import io.github.resilience4j.common.bulkhead.configuration.CommonBulkheadConfigurationProperties;
import io.github.resilience4j.common.circuitbreaker.configuration.CommonCircuitBreakerConfigurationProperties;
import io.github.resilience4j.common.ratelimiter.configuration.CommonRateLimiterConfigurationProperties;
import io.github.resilience4j.common.retry.configuration.CommonRetryConfigurationProperties;
import io.github.resilience4j.common.timelimiter.configuration.CommonTimeLimiterConfigurationProperties;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.exc.PropertyBindingException;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Policies loaded from a properties or YAML file written for resilience4j-spring-boot3, bound
 * through resilience4j's own framework-common configuration property classes ({@code
 * CommonCircuitBreakerConfigurationProperties} and its siblings), so a declared instance gets
 * exactly the configuration resilience4j's Spring Boot binding builds from the same file:
 *
 * <pre>
 * resilience4j.circuitbreaker:
 *   configs:
 *     default: { sliding-window-size: 50 }
 *   instances:
 *     payments: { failureRateThreshold: 50, waitDurationInOpenState: 30s }
 * resilience4j.retry.instances.payments.maxAttempts: 3
 * heal.resilience:
 *   retrybudget.instances.payments: { ratio: 0.2, minRetriesPerSecond: 10, ttl: 10s }
 *   adaptivelimit.instances.payments: { minLimit: 5, maxLimit: 100 }
 *   circuitbreaker.instances.payments.slidingWindowSynchronizationStrategy: LOCK_FREE
 *   circuitbreaker.instances.payments.batch-successes: true
 *   dependencyScope.payments: SHARED
 * </pre>
 *
 * <p>Every property of those classes is accepted, in camelCase or kebab-case (Spring Boot's
 * relaxed binding), and {@code configs}, {@code instances}, {@code baseConfig} and {@code
 * configs.default} work as in resilience4j: an instance starts from <em>resilience4j's</em>
 * defaults (not heal's, which apply to policies declared on the builder), then its base or the
 * default config, then its own keys. Durations are {@code 500ms}, {@code 10s}, {@code 2m},
 * {@code 1h}, ISO-8601 ({@code PT10S}) or a bare number of milliseconds. The Spring Boot-only
 * settings ({@code registerHealthIndicator}, {@code eventConsumerBufferSize}, ...) are bound and
 * have no effect, as are the {@code <kind>AspectOrder} keys (heal's stage order is fixed) and the
 * {@code thread-pool-bulkhead}, {@code scheduled} and {@code micrometer} sections (heal refuses
 * thread-pool bulkheads and has no Spring executor or timer aspect). heal's own keys live under
 * {@code heal.resilience.}. Keys outside {@code resilience4j.} and {@code heal.resilience.} are
 * ignored (the file may hold other settings); inside them an unknown key or a bad value fails
 * with a {@link ResilienceException} naming the key (and, for an unknown one, the nearest known
 * key).
 *
 * <p>Immutable and thread-safe once loaded.
 */
public final class ResilienceConfig {
  private static final Pattern HEAL_KEY = Pattern.compile(
      "heal\\.resilience\\.(retrybudget|adaptivelimit|circuitbreaker)\\.instances\\.([^.]+)\\.(.+)");
  private static final Pattern SCOPE_KEY = Pattern.compile("heal\\.resilience\\.dependencyScope\\.([^.]+)");
  private static final Pattern INDEXED = Pattern.compile("([^\\[]*)((?:\\[\\d+\\])*)");
  /** The resilience4j sections heal binds, by their relaxed name. */
  private static final Set<String> KINDS =
      Set.of("circuitbreaker", "retry", "bulkhead", "ratelimiter", "timelimiter");
  /** resilience4j-spring-boot3 sections heal has no counterpart for: accepted, no effect. */
  private static final Set<String> IGNORED_KINDS = Set.of("threadpoolbulkhead", "scheduled", "micrometer");
  /** Segments after which the next one is a name (kept as written). */
  private static final Set<String> NAMED = Set.of("configs", "instances", "backends", "limiters", "tags");

  private final Policies policies = new Policies();

  private ResilienceConfig() {}

  /** Loads YAML. The stream is read fully, not closed. */
  public static ResilienceConfig fromYaml(InputStream yaml) {
    JsonNode root;
    try {
      root = ConfigMapper.MAPPER.readTree(yaml);
    } catch (JacksonException e) {
      throw new ResilienceException("cannot read the YAML configuration: " + e.getOriginalMessage(), e);
    }
    Map<String, String> flat = new LinkedHashMap<>();
    if (root != null && root.isObject()) {
      flatten("", root, flat);
    }
    return fromMap(flat);
  }

  /** Loads YAML from a string. */
  public static ResilienceConfig fromYaml(String yaml) {
    return fromYaml(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
  }

  /** Loads properties (lists comma-separated or indexed, {@code key[0]}). */
  public static ResilienceConfig fromProperties(Properties properties) {
    Map<String, String> flat = new TreeMap<>();
    for (String k : properties.stringPropertyNames()) {
      flat.put(k, properties.getProperty(k));
    }
    return fromMap(flat);
  }

  /** Flattens YAML the way Spring Boot does: {@code a.b} for objects, {@code a[0]} for lists. */
  private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        flatten(prefix + "[" + i + "]", node.get(i), out);
      }
    } else if (!node.isNull()) {
      out.put(prefix, node.asString());
    }
  }

  /** A segment in Spring Boot's canonical form: lower case, no dashes or underscores. */
  private static String relaxed(String segment) {
    return segment.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
  }

  /**
   * The key with every property segment in camelCase, as Spring Boot's relaxed binding reads it:
   * {@code failure-rate-threshold} is {@code failureRateThreshold}. Instance, config and tag
   * names are kept as written.
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

  /** Whether segment {@code i} names an instance, config or tag (kept as written). */
  private static boolean isName(String[] p, int i) {
    if (p[0].equals("resilience4j")) { // resilience4j.<kind>.<configs|instances>.<name>.<prop>
      return i == 3 && NAMED.contains(relaxed(p[2]));
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
    ResilienceConfig c = new ResilienceConfig();
    // relaxed kind -> (key below resilience4j.<kind>. -> value), in the file's order
    Map<String, Map<String, String>> r4j = new LinkedHashMap<>();
    Map<String, String> written = new LinkedHashMap<>(); // canonical key -> key as written
    Map<String, Map<String, Map<String, String[]>>> heal = new TreeMap<>();
    for (Map.Entry<String, String> e : raw.entrySet()) {
      String key = canonical(e.getKey());
      written.putIfAbsent(key, e.getKey());
      String[] seg = key.split("\\.", 3);
      if (seg[0].equals("resilience4j") && seg.length > 1) {
        String kind = relaxed(seg[1]);
        if (IGNORED_KINDS.contains(kind)) {
          continue;
        }
        if (!KINDS.contains(kind)) {
          throw new ResilienceException("unknown key '" + key + "': resilience4j has no section '"
              + seg[1] + "'; did you mean 'resilience4j." + nearest(kind, KINDS) + "'? heal reads "
              + new TreeSet<>(KINDS) + " and ignores " + new TreeSet<>(IGNORED_KINDS));
        }
        if (seg.length == 3 && seg[2].indexOf('.') < 0 && relaxed(seg[2]).endsWith("aspectorder")) {
          continue; // heal's stage order is fixed
        }
        if (seg.length < 3) {
          throw new ResilienceException("unknown key '" + key + "': expected resilience4j." + kind
              + ".<configs|instances>.<name>.<property>");
        }
        r4j.computeIfAbsent(kind, k -> new LinkedHashMap<>()).put(seg[2], e.getValue());
        continue;
      }
      if (!key.startsWith("heal.resilience.")) {
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
          + "heal.resilience.<retrybudget|adaptivelimit|circuitbreaker>.instances.<name>.<property> "
          + "or heal.resilience.dependencyScope.<name>");
    }
    r4j.forEach((kind, keys) -> bind(c.policies, kind, keys, written));
    heal.forEach((kind, instances) -> instances.forEach((name, props) -> {
      String where = "heal.resilience." + kind + ".instances." + name;
      try {
        switch (kind) {
          case "retrybudget" -> c.policies.retryBudgets.put(name, retryBudget(props));
          case "adaptivelimit" -> c.policies.adaptiveLimits.put(name, adaptiveLimit(props));
          default -> healCircuitBreaker(c.policies, name, props);
        }
      } catch (IllegalArgumentException ex) {
        throw new ResilienceException(where + ": " + ex.getMessage(), ex);
      }
    }));
    return c;
  }

  // ---------------------------------------------------------------- resilience4j's binding

  /**
   * Binds one resilience4j section into its framework-common properties class and builds the
   * configs the way resilience4j-spring6's registry configuration does: every config first, then
   * every instance, with no customizer.
   */
  private static void bind(Policies policies, String kind, Map<String, String> keys,
      Map<String, String> written) {
    String prefix = "resilience4j." + kind + ".";
    ObjectNode tree = tree(prefix, keys);
    switch (kind) {
      case "circuitbreaker" -> {
        var p = read(tree, CommonCircuitBreakerConfigurationProperties.class, prefix, keys, written);
        var none = new CompositeCustomizer<io.github.resilience4j.common.circuitbreaker.configuration
            .CircuitBreakerConfigCustomizer>(List.of());
        checkBases(prefix, p.getConfigs(), p.getInstances(), i -> i.getBaseConfig());
        build(prefix + "configs.", p.getConfigs(), (n, i) -> p.createCircuitBreakerConfig(n, i, none), null);
        build(prefix + "instances.", p.getInstances(), (n, i) -> p.createCircuitBreakerConfig(n, i, none),
            policies.circuitBreakers);
      }
      case "retry" -> {
        var p = read(tree, CommonRetryConfigurationProperties.class, prefix, keys, written);
        var none = new CompositeCustomizer<io.github.resilience4j.common.retry.configuration
            .RetryConfigCustomizer>(List.of());
        checkBases(prefix, p.getConfigs(), p.getInstances(), i -> i.getBaseConfig());
        build(prefix + "configs.", p.getConfigs(), (n, i) -> p.createRetryConfig(i, none, n), null);
        build(prefix + "instances.", p.getInstances(), (n, i) -> p.createRetryConfig(n, none),
            policies.retries);
      }
      case "bulkhead" -> {
        var p = read(tree, CommonBulkheadConfigurationProperties.class, prefix, keys, written);
        var none = new CompositeCustomizer<io.github.resilience4j.common.bulkhead.configuration
            .BulkheadConfigCustomizer>(List.of());
        checkBases(prefix, p.getConfigs(), p.getInstances(), i -> i.getBaseConfig());
        build(prefix + "configs.", p.getConfigs(), (n, i) -> p.createBulkheadConfig(i, none, n), null);
        build(prefix + "instances.", p.getInstances(), (n, i) -> p.createBulkheadConfig(i, none, n),
            policies.bulkheads);
      }
      case "ratelimiter" -> {
        var p = read(tree, CommonRateLimiterConfigurationProperties.class, prefix, keys, written);
        var none = new CompositeCustomizer<io.github.resilience4j.common.ratelimiter.configuration
            .RateLimiterConfigCustomizer>(List.of());
        checkBases(prefix, p.getConfigs(), p.getInstances(), i -> i.getBaseConfig());
        build(prefix + "configs.", p.getConfigs(), (n, i) -> p.createRateLimiterConfig(i, none, n), null);
        build(prefix + "instances.", p.getInstances(), (n, i) -> p.createRateLimiterConfig(i, none, n),
            policies.rateLimiters);
      }
      default -> {
        var p = read(tree, CommonTimeLimiterConfigurationProperties.class, prefix, keys, written);
        var none = new CompositeCustomizer<io.github.resilience4j.common.timelimiter.configuration
            .TimeLimiterConfigCustomizer>(List.of());
        checkBases(prefix, p.getConfigs(), p.getInstances(), i -> i.getBaseConfig());
        build(prefix + "configs.", p.getConfigs(), (n, i) -> p.createTimeLimiterConfig(n, i, none), null);
        build(prefix + "instances.", p.getInstances(), (n, i) -> p.createTimeLimiterConfig(n, i, none),
            policies.timeLimiters);
      }
    }
  }

  private static <I, C> void build(String where, Map<String, I> props,
      java.util.function.BiFunction<String, I, C> create, Map<String, C> into) {
    for (Map.Entry<String, I> e : new ArrayList<>(props.entrySet())) {
      C config;
      try {
        config = create.apply(e.getKey(), e.getValue());
      } catch (RuntimeException ex) {
        throw new ResilienceException(where + e.getKey() + ": " + ex.getMessage(), ex);
      }
      if (into != null) {
        into.put(e.getKey(), config);
      }
    }
  }

  /** A {@code baseConfig} must name a config, and bases must not form a cycle. */
  private static <I> void checkBases(String prefix, Map<String, I> configs, Map<String, I> instances,
      Function<I, String> base) {
    for (String section : List.of("configs", "instances")) {
      Map<String, I> own = section.equals("configs") ? configs : instances;
      own.forEach((name, props) -> {
        Set<String> seen = new HashSet<>();
        String at = section.equals("configs") ? name : null;
        String next = base.apply(props);
        while (next != null && !next.isEmpty()) {
          if (!configs.containsKey(next)) {
            throw new ResilienceException(prefix + section + "." + name + ".baseConfig: no " + prefix
                + "configs." + next + " is defined; defined: " + new TreeSet<>(configs.keySet()));
          }
          if (next.equals(at) || !seen.add(next)) {
            throw new ResilienceException(prefix + section + "." + name + ".baseConfig: the configs "
                + seen + " name each other as baseConfig; break the cycle");
          }
          next = base.apply(configs.get(next));
        }
      });
    }
  }

  /** The section's keys as a JSON tree ({@code a.b} objects, {@code a[0]} arrays). */
  private static ObjectNode tree(String prefix, Map<String, String> keys) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    keys.forEach((key, value) -> {
      JsonNode cur = root;
      String[] seg = key.split("\\.");
      for (int s = 0; s < seg.length; s++) {
        Matcher m = INDEXED.matcher(seg[s]);
        if (!m.matches()) {
          throw new ResilienceException("unknown key '" + prefix + key + "': cannot read segment '" + seg[s] + "'");
        }
        List<Integer> idx = new ArrayList<>();
        for (String i : m.group(2).isEmpty() ? new String[0] : m.group(2).substring(1).split("\\]\\[?")) {
          idx.add(Integer.parseInt(i.replace("[", "").replace("]", "")));
        }
        boolean last = s == seg.length - 1;
        cur = child(prefix + key, cur, m.group(1), idx, last ? value : null);
      }
    });
    return root;
  }

  private static JsonNode child(String key, JsonNode parent, String name, List<Integer> idx, String value) {
    if (!(parent instanceof ObjectNode obj)) {
      throw new ResilienceException("key '" + key + "' puts a property under a value that is not a section");
    }
    JsonNode node = obj.get(name);
    if (idx.isEmpty()) {
      if (value != null) {
        if (node != null) {
          throw new ResilienceException("key '" + key + "' is given both a value and properties");
        }
        obj.put(name, value);
        return null;
      }
      if (node == null) {
        node = obj.putObject(name);
      }
      return node;
    }
    if (node == null) {
      node = obj.putArray(name);
    }
    if (!(node instanceof ArrayNode arr) || idx.size() > 1) {
      throw new ResilienceException("key '" + key + "' mixes a list with other values");
    }
    int i = idx.get(0);
    while (arr.size() <= i) {
      arr.addNull();
    }
    if (value != null) {
      arr.set(i, JsonNodeFactory.instance.stringNode(value));
      return null;
    }
    if (arr.get(i).isNull()) {
      arr.set(i, JsonNodeFactory.instance.objectNode());
    }
    return arr.get(i);
  }

  private static <T> T read(ObjectNode tree, Class<T> type, String prefix, Map<String, String> keys,
      Map<String, String> written) {
    try {
      return ConfigMapper.MAPPER.treeToValue(tree, type);
    } catch (JacksonException e) {
      StringBuilder path = new StringBuilder(prefix.substring(0, prefix.length() - 1));
      for (JacksonException.Reference r : e.getPath()) {
        if (r.getPropertyName() != null) {
          path.append('.').append(r.getPropertyName());
        } else if (r.getIndex() >= 0) {
          path.append('[').append(r.getIndex()).append(']');
        }
      }
      String key = path.toString();
      if (e instanceof PropertyBindingException u) {
        Set<String> known = new TreeSet<>();
        u.getKnownPropertyIds().forEach(k -> known.add(String.valueOf(k)));
        String bad = u.getPropertyName();
        throw new ResilienceException("unknown key '" + key + "': " + prefix.substring(13, prefix.length() - 1)
            + " has no property '" + bad + "'; did you mean '" + nearest(bad, known) + "'? known: " + known, e);
      }
      String value = keys.get(key.substring(prefix.length()));
      String message = e.getOriginalMessage();
      if (message.contains(", problem: ")) { // a setter refused the value
        message = message.substring(message.indexOf(", problem: ") + 11);
      } else if (message.contains(": expected ")) { // heal's deserializers
        message = message.substring(message.indexOf(": expected ") + 2);
      } else if (message.startsWith("Cannot deserialize value of type `")) {
        String target = message.substring(34, message.indexOf('`', 34));
        message = "expected " + describe(target);
      }
      throw new ResilienceException(written.getOrDefault(key, key) + ": " + message
          + (value == null || message.contains("got '") ? "" : ", got '" + value + "'"), e);
    }
  }

  private static String describe(String javaType) {
    return switch (javaType) {
      case "java.lang.Integer", "int" -> "an integer";
      case "java.lang.Float", "java.lang.Double", "float", "double" -> "a number";
      case "java.lang.Boolean", "boolean" -> "true or false";
      case "java.lang.Class" -> "a class name";
      default -> "a " + javaType;
    };
  }

  // ---------------------------------------------------------------- heal's own keys

  /**
   * The keys the reference documents: for the resilience4j sections the commonly used subset of
   * the framework-common properties (every property of those classes is accepted); for heal's
   * sections every key. Package-private: ResilienceReferenceTest checks the reference lists
   * exactly these.
   */
  static final Map<String, Set<String>> KNOWN = Map.of(
      "circuitbreaker", Set.of("baseConfig", "failureRateThreshold", "slowCallRateThreshold",
          "slowCallDurationThreshold", "waitDurationInOpenState", "maxWaitDurationInHalfOpenState",
          "permittedNumberOfCallsInHalfOpenState", "slidingWindowSize", "minimumNumberOfCalls",
          "slidingWindowType", "automaticTransitionFromOpenToHalfOpenEnabled",
          "writableStackTraceEnabled", "recordExceptions", "ignoreExceptions", "initialState"),
      "retry", Set.of("baseConfig", "maxAttempts", "waitDuration", "enableExponentialBackoff",
          "exponentialBackoffMultiplier", "exponentialMaxWaitDuration", "enableRandomizedWait",
          "randomizedWaitFactor", "retryExceptions", "ignoreExceptions", "failAfterMaxAttempts"),
      "bulkhead", Set.of("baseConfig", "maxConcurrentCalls", "maxWaitDuration",
          "writableStackTraceEnabled"),
      "ratelimiter", Set.of("baseConfig", "limitForPeriod", "limitRefreshPeriod",
          "timeoutDuration", "writableStackTraceEnabled"),
      "timelimiter", Set.of("baseConfig", "timeoutDuration", "cancelRunningFuture"));

  /** heal's own per-instance keys, under {@code heal.resilience.<kind>.instances.<name>.}. */
  static final Map<String, Set<String>> HEAL_KNOWN = Map.of(
      "circuitbreaker", Set.of("slidingWindowSynchronizationStrategy", "batchSuccesses"),
      "retrybudget", Set.of("ratio", "minRetriesPerSecond", "ttl", "buckets"),
      "adaptivelimit", Set.of("initialLimit", "minLimit", "maxLimit", "smoothing",
          "rttTolerance", "windowSize", "baselineWindows", "probeInterval", "normalShare",
          "sheddableShare"));

  private static void checkKnown(String kind, String prop, String key) {
    Set<String> known = HEAL_KNOWN.get(kind);
    if (!known.contains(prop)) {
      throw new ResilienceException("unknown key '" + key + "': heal.resilience." + kind
          + " has no property '" + prop + "'; did you mean '" + nearest(prop, known) + "'? known: "
          + new TreeSet<>(known));
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

  /**
   * heal's window strategy and success batching on top of a breaker declared in the resilience4j
   * section.
   */
  private static void healCircuitBreaker(Policies policies, String name, Map<String, String[]> props) {
    props.forEach((p, kv) -> checkKnown("circuitbreaker", p, kv[0]));
    CircuitBreakerConfig declared = policies.circuitBreakers.get(name);
    if (declared == null) {
      throw new IllegalArgumentException("no resilience4j.circuitbreaker.instances." + name
          + " is declared; declare the breaker there first");
    }
    String[] kv = props.get("slidingWindowSynchronizationStrategy");
    if (kv != null) {
      policies.circuitBreakers.put(name, CircuitBreakerConfig.from(declared)
          .slidingWindowSynchronizationStrategy(enumValue(
              CircuitBreakerConfig.SlidingWindowSynchronizationStrategy.class, kv[0], kv[1]))
          .build());
    }
    String[] batch = props.get("batchSuccesses");
    if (batch != null) {
      policies.batchSuccesses.put(name, bool(batch[0], batch[1]));
    }
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
    try {
      return ConfigMapper.duration(v);
    } catch (IllegalArgumentException e) {
      throw new ResilienceException(key + ": " + e.getMessage(), e);
    }
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

  /** The loaded bulkhead configuration of {@code name}, if declared. */
  public Optional<BulkheadConfig> bulkhead(String name) {
    return Optional.ofNullable(policies.bulkheads.get(name));
  }

  /** The loaded rate limiter configuration of {@code name}, if declared. */
  public Optional<RateLimiterConfig> rateLimiter(String name) {
    return Optional.ofNullable(policies.rateLimiters.get(name));
  }

  /** The loaded time limiter configuration of {@code name}, if declared. */
  public Optional<TimeLimiterConfig> timeLimiter(String name) {
    return Optional.ofNullable(policies.timeLimiters.get(name));
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
