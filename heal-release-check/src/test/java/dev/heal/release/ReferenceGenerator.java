package dev.heal.release;

import dev.heal.core.internal.ReferenceCatalog;
import dev.heal.core.internal.ReferenceCatalog.FileKey;
import dev.heal.core.internal.ReferenceCatalog.MeterInfo;
import dev.heal.core.internal.ReferenceCatalog.Setting;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Writes {@code docs/reference.md} from every module's {@link ReferenceCatalog}, and checks each
 * catalog against the code as it goes: every public method of a listed builder that returns the
 * builder has an entry and every entry names such a method; meanings come from the methods'
 * javadoc; defaults not written in the catalog are read from a fresh builder's fields; the meters a
 * module's scenario registers are exactly the ones its catalog declares (name, type, tag keys), and
 * their Prometheus names and HELP text come from a real Prometheus scrape. Any mismatch is a {@link
 * IllegalStateException} that says what to add or remove where.
 */
final class ReferenceGenerator {
  private static final Pattern JAVADOC_THEN_METHOD = Pattern.compile(
      "/\\*\\*((?:(?!\\*/).)*)\\*/\\s*(?:@\\w+(?:\\([^)]*\\))?\\s*)*public\\s+(?:static\\s+)?(?:final\\s+)?"
          + "[\\w<>\\[\\],.? ]+?\\s+(\\w+)\\s*\\(",
      Pattern.DOTALL);

  private static final Pattern RECORD_PARAM =
      Pattern.compile("@param (\\w+) ((?:(?!@param|\\*/).)*)", Pattern.DOTALL);

  private static final Pattern SENTENCE_END = Pattern.compile("(?<!e\\.g|i\\.e|etc)\\. ");

  private final Path root;
  private final Map<String, Consumer<MeterRegistry>> scenarios;

  /**
   * @param root the repository root (sources are read for javadoc)
   * @param scenarios per module, code that registers every meter the module has
   */
  ReferenceGenerator(Path root, Map<String, Consumer<MeterRegistry>> scenarios) {
    this.root = root;
    this.scenarios = scenarios;
  }

  /** Every catalog on the class path, in the order the root POM lists the modules. */
  List<ReferenceCatalog> catalogs() {
    List<String> order;
    try {
      order = new ArrayList<>();
      Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(root.resolve("pom.xml")));
      while (m.find()) {
        order.add(m.group(1));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<ReferenceCatalog> all = new ArrayList<>();
    ServiceLoader.load(ReferenceCatalog.class).forEach(all::add);
    all.sort(Comparator.comparing((ReferenceCatalog c) -> order.indexOf(c.module()) < 0 ? Integer.MAX_VALUE
        : order.indexOf(c.module())).thenComparing(ReferenceCatalog::module));
    return all;
  }

  String generate() {
    return generate(catalogs());
  }

  String generate(List<ReferenceCatalog> catalogs) {
    StringBuilder out = new StringBuilder();
    out.append("# heal reference\n\n")
        .append("Every configuration key and every meter of heal's published modules, generated from the code by\n")
        .append("`heal-release-check`'s `ReferenceDocTest` (each module declares its builders, file keys and meters in one\n")
        .append("`ReferenceCatalog` class; meanings are the builder methods' javadoc; defaults, Prometheus names and HELP\n")
        .append("texts are read from the running code). Do not edit by hand: the test fails when this file differs from\n")
        .append("what the code produces, and rewrites it when run with `-Dheal.reference.update=true`:\n\n")
        .append("```bash\n")
        .append("./mvnw -B -q -pl heal-release-check -am install -DskipTests\n")
        .append("./mvnw -B -pl heal-release-check verify -Dheal.reference.update=true\n")
        .append("```\n\n")
        .append("Spring Boot keys: none yet. The column fills in once `heal-spring-boot-starter` exists.\n\n")
        .append("Modules: ")
        .append(catalogs.stream().map(c -> "[" + c.module() + "](#" + c.module() + ")").collect(Collectors.joining(", ")))
        .append(".\n");
    for (ReferenceCatalog c : catalogs) {
      out.append("\n## ").append(c.module()).append("\n");
      for (ReferenceCatalog.Builder b : c.builders()) {
        builder(c, b, out);
      }
      if (!c.fileKeys().isEmpty()) {
        out.append("\n### Configuration file keys\n\n")
            .append("| key | sets | default | unit | meaning |\n|---|---|---|---|---|\n");
        String where = c.getClass().getSimpleName() + " (" + c.module() + ")";
        for (FileKey k : c.fileKeys()) {
          String what = name(k.type()) + "." + k.method();
          if (Arrays.stream(k.type().getMethods()).noneMatch(m -> m.getName().equals(k.method()))) {
            throw new IllegalStateException(k.key() + " in " + where + " names " + what + ", which does not exist");
          }
          String meaning = k.meaning().isEmpty() ? javadoc(k.type()).get(k.method()) : k.meaning();
          if (meaning == null || meaning.isBlank()) {
            throw new IllegalStateException(what + " has no javadoc: write a meaning for " + k.key() + " in " + where);
          }
          Object def = k.defaultValue();
          String defText = def instanceof String str ? str : value(def, k.key(), where);
          out.append("| `").append(k.key()).append("` | `").append(what).append("` | ")
              .append(cell(defText)).append(" | ").append(dash(k.unit())).append(" | ")
              .append(cell(meaning)).append(" |\n");
        }
      }
      meters(c, out);
    }
    return out.toString();
  }

  // ------------------------------------------------------------------------------------ builders

  private void builder(ReferenceCatalog c, ReferenceCatalog.Builder b, StringBuilder out) {
    Class<?> type = b.type();
    String where = c.getClass().getSimpleName() + " (" + c.module() + ")";
    Map<String, List<Method>> methods = new TreeMap<>();
    for (Method m : type.getDeclaredMethods()) {
      if (Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers()) && !m.isSynthetic()
          && m.getReturnType() == type) {
        methods.computeIfAbsent(m.getName(), k -> new ArrayList<>()).add(m);
      }
    }
    Set<String> declared = new LinkedHashSet<>();
    for (Setting s : b.settings()) {
      if (!declared.add(s.method())) {
        throw new IllegalStateException(where + " lists " + name(type) + "." + s.method() + " twice");
      }
    }
    Set<String> missing = new TreeSet<>(methods.keySet());
    missing.removeAll(declared);
    Set<String> stale = new TreeSet<>(declared);
    stale.removeAll(methods.keySet());
    if (!missing.isEmpty() || !stale.isEmpty()) {
      throw new IllegalStateException(name(type) + " and " + where + " disagree: "
          + (missing.isEmpty() ? "" : "add settings for " + missing + " (default and unit) ")
          + (stale.isEmpty() ? "" : "remove " + stale + ", which " + name(type) + " no longer has"));
    }
    Map<String, String> docs = javadoc(type);
    Object fresh = null;
    out.append("\n### ").append(b.title()).append("\n\n`").append(b.entry()).append("`\n\n")
        .append("| builder method | file key | Spring key | default | unit | meaning |\n")
        .append("|---|---|---|---|---|---|\n");
    for (Setting s : b.settings()) {
      String signature = methods.get(s.method()).stream()
          .map(m -> m.getName() + "(" + Arrays.stream(m.getParameterTypes()).map(p -> p.getSimpleName())
              .collect(Collectors.joining(", ")) + ")")
          .sorted().distinct().map(x -> "`" + x + "`").collect(Collectors.joining("<br>"));
      String meaning = !s.meaning().isEmpty() ? s.meaning() : docs.get(s.method());
      if (meaning == null || meaning.isBlank()) {
        throw new IllegalStateException(name(type) + "." + s.method() + " has no javadoc (nor has its accessor):"
            + " write one, or a meaning in " + where);
      }
      Object def = s.defaultValue();
      String defText;
      if (def == null) {
        if (fresh == null) {
          fresh = b.fresh().get();
        }
        defText = value(field(fresh, s.method(), where), name(type) + "." + s.method(), where);
      } else {
        defText = def instanceof String str ? str : value(def, name(type) + "." + s.method(), where);
      }
      out.append("| ").append(signature).append(" | ").append(s.fileKey().isEmpty() ? "—" : "`" + s.fileKey() + "`")
          .append(" | ").append(dash(s.springKey())).append(" | ")
          .append(cell(defText)).append(" | ").append(dash(s.unit())).append(" | ").append(cell(meaning))
          .append(" |\n");
    }
  }

  private static String name(Class<?> type) {
    return type.getEnclosingClass() == null ? type.getSimpleName()
        : type.getEnclosingClass().getSimpleName() + "." + type.getSimpleName();
  }

  private static Object field(Object builder, String name, String where) {
    for (Class<?> c = builder.getClass(); c != null; c = c.getSuperclass()) {
      try {
        Field f = c.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(builder);
      } catch (NoSuchFieldException e) {
        // try the superclass
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException(builder.getClass().getName() + " has no field '" + name
        + "' to read the default of " + name + "() from: give the default in " + where);
  }

  /** A default as the reference shows it; values that have no plain form must be written in the catalog. */
  static String value(Object v, String what, String where) {
    if (v == null) {
      return "none";
    }
    if (v instanceof Duration d) {
      return "`" + duration(d) + "`";
    }
    if (v instanceof Enum<?> e) {
      return "`" + e.name() + "`";
    }
    if (v instanceof Collection<?> coll) {
      return coll.isEmpty() ? "none"
          : coll.stream().map(x -> value(x, what, where)).collect(Collectors.joining(", "));
    }
    if (v instanceof Optional<?> o) {
      return o.isEmpty() ? "none" : value(o.get(), what, where);
    }
    if (v instanceof Number || v instanceof Boolean || v instanceof String) {
      return "`" + v + "`";
    }
    throw new IllegalStateException("the default of " + what + " is a " + v.getClass().getName()
        + ", which has no plain text form: write it in " + where);
  }

  static String duration(Duration d) {
    if (d.isZero()) {
      return "0";
    }
    long ms = d.toMillis();
    if (d.toNanos() % 1_000_000 != 0) {
      return d.toNanos() % 1000 == 0 ? d.toNanos() / 1000 + "us" : d.toNanos() + "ns";
    }
    if (ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }

  /** First sentences of the javadoc of each public method of {@code type}'s source file, by name. */
  private Map<String, String> javadoc(Class<?> type) {
    Class<?> top = type;
    while (top.getEnclosingClass() != null) {
      top = top.getEnclosingClass();
    }
    Path source = source(top);
    String text;
    try {
      text = Files.readString(source);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int builderAt = text.indexOf("class " + type.getSimpleName() + " ");
    Map<String, String> inBuilder = new LinkedHashMap<>();
    Map<String, String> outside = new LinkedHashMap<>();
    Matcher m = JAVADOC_THEN_METHOD.matcher(text);
    while (m.find()) {
      Map<String, String> target = builderAt >= 0 && m.start() > builderAt ? inBuilder : outside;
      target.putIfAbsent(m.group(2), firstSentence(m.group(1)));
    }
    Map<String, String> docs = new LinkedHashMap<>();
    Matcher params = RECORD_PARAM.matcher(text.substring(0, Math.max(0, text.indexOf("public record "))));
    while (params.find()) {
      docs.put(params.group(1), firstSentence(params.group(2)));
    }
    docs.putAll(outside);
    docs.putAll(inBuilder);
    return docs;
  }

  private Path source(Class<?> top) {
    String rel = "src/main/java/" + top.getName().replace('.', '/') + ".java";
    try (var dirs = Files.list(root)) {
      for (Path d : dirs.toList()) {
        for (String tree : List.of("src/main/java/", "src/test/java/")) {
          Path p = d.resolve(tree + top.getName().replace('.', '/') + ".java");
          if (Files.exists(p)) {
            return p;
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException("no source for " + top.getName() + " under " + root + "/*/" + rel);
  }

  static String firstSentence(String javadoc) {
    String s = Arrays.stream(javadoc.split("\n"))
        .map(l -> l.replaceFirst("^\\s*\\*\\s?", "").trim())
        .takeWhile(l -> !l.startsWith("@") && !l.startsWith("<p>"))
        .collect(Collectors.joining(" ")).trim();
    s = s.replaceAll("\\{@code ([^}]*)}", "`$1`")
        .replaceAll("\\{@value #?([^}]*)}", "`$1`")
        .replaceAll("\\{@link(?:plain)? #([^}( ]*)\\([^)]*\\)}", "`$1()`")
        .replaceAll("\\{@link(?:plain)? #([^}( ]*)}", "`$1`")
        .replaceAll("\\{@link(?:plain)? ([^}# ]*)#([^}( ]*)\\([^)]*\\)}", "`$1.$2()`")
        .replaceAll("\\{@link(?:plain)? ([^}# ]*)#([^}( ]*)}", "`$1.$2`")
        .replaceAll("\\{@link(?:plain)? ([^} ]*)(?: ([^}]*))?}", "`$1`")
        .replaceAll("</?[a-z]+>", "")
        .replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    Matcher end = SENTENCE_END.matcher(s);
    return end.find() ? s.substring(0, end.start() + 1) : s;
  }

  private static String cell(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }

  private static String dash(String s) {
    return s == null || s.isEmpty() ? "—" : cell(s);
  }

  // -------------------------------------------------------------------------------------- meters

  private void meters(ReferenceCatalog c, StringBuilder out) {
    Consumer<MeterRegistry> scenario = scenarios.get(c.module());
    if (c.meters().isEmpty()) {
      if (scenario != null) {
        throw new IllegalStateException(c.module() + " has a meter scenario but its catalog declares no meters");
      }
      return;
    }
    if (scenario == null) {
      throw new IllegalStateException(c.module() + " declares meters but ReferenceDocTest has no scenario "
          + "that registers them: add one to MeterScenarios");
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    scenario.accept(registry);
    Map<String, List<Meter>> registered = new TreeMap<>();
    for (Meter m : registry.getMeters()) {
      registered.computeIfAbsent(m.getId().getName(), k -> new ArrayList<>()).add(m);
    }
    Map<String, MeterInfo> declared = new LinkedHashMap<>();
    for (MeterInfo m : c.meters()) {
      if (declared.put(m.name(), m) != null) {
        throw new IllegalStateException(c.getClass().getSimpleName() + " declares meter " + m.name() + " twice");
      }
    }
    Set<String> undeclared = new TreeSet<>(registered.keySet());
    undeclared.removeAll(declared.keySet());
    Set<String> unregistered = new TreeSet<>(declared.keySet());
    unregistered.removeAll(registered.keySet());
    if (!undeclared.isEmpty() || !unregistered.isEmpty()) {
      throw new IllegalStateException(c.module() + "'s meters and " + c.getClass().getSimpleName() + " disagree: "
          + (undeclared.isEmpty() ? "" : "declare " + undeclared + " (registered by the code) ")
          + (unregistered.isEmpty() ? "" : "remove " + unregistered + " or make the scenario register them"));
    }
    Map<String, Family> families = families(registry.scrape());
    out.append("\n### Meters\n\n")
        .append("| Micrometer name | type | tags | Prometheus series | HELP | appears |\n")
        .append("|---|---|---|---|---|---|\n");
    for (MeterInfo info : c.meters()) {
      List<Meter> meters = registered.get(info.name());
      Meter.Id id = meters.get(0).getId();
      if (id.getType() != info.type()) {
        throw new IllegalStateException(info.name() + " is registered as a " + id.getType() + " but "
            + c.getClass().getSimpleName() + " says " + info.type());
      }
      for (Meter m : meters) {
        Set<String> keys = m.getId().getTags().stream().map(t -> t.getKey()).collect(Collectors.toCollection(TreeSet::new));
        if (!keys.equals(new TreeSet<>(info.tags()))) {
          throw new IllegalStateException(info.name() + " is registered with tags " + keys + " but "
              + c.getClass().getSimpleName() + " says " + info.tags());
        }
      }
      String base = registry.config().namingConvention().name(id.getName(), id.getType(), id.getBaseUnit());
      List<Family> mine = new ArrayList<>();
      for (String suffix : List.of("", "_total", "_max")) {
        Family f = families.get(base + suffix);
        if (f != null) {
          mine.add(f);
        }
      }
      if (mine.isEmpty()) {
        throw new IllegalStateException("no Prometheus family for " + info.name() + " (" + base + ") in the scrape");
      }
      String series = mine.stream()
          .map(f -> f.samples.stream().map(s -> "`" + s + "`").collect(Collectors.joining(", ")) + " (" + f.type + ")")
          .collect(Collectors.joining("<br>"));
      String help = mine.get(0).help;
      out.append("| `").append(info.name()).append("` | ").append(info.type().name().toLowerCase(Locale.ROOT))
          .append(" | ").append(info.tags().isEmpty() ? "—" : info.tags().stream().map(t -> "`" + t + "`")
              .collect(Collectors.joining(", ")))
          .append(" | ").append(series).append(" | ").append(help.isBlank() ? "—" : cell(help.trim())).append(" | ")
          .append(cell(info.appears())).append(" |\n");
    }
    registry.close();
  }

  /** A Prometheus metric family from a scrape: its TYPE, HELP and distinct sample names. */
  private static final class Family {
    String type = "";
    String help = "";
    final Set<String> samples = new LinkedHashSet<>();
  }

  private static Map<String, Family> families(String scrape) {
    Map<String, Family> families = new LinkedHashMap<>();
    Family current = null;
    for (String line : scrape.split("\n")) {
      if (line.startsWith("# HELP ")) {
        String[] p = line.split(" ", 4);
        current = families.computeIfAbsent(p[2], k -> new Family());
        current.help = p.length > 3 ? p[3] : "";
      } else if (line.startsWith("# TYPE ")) {
        String[] p = line.split(" ", 4);
        current = families.computeIfAbsent(p[2], k -> new Family());
        current.type = p[3];
      } else if (!line.isBlank() && !line.startsWith("#") && current != null) {
        int end = line.indexOf('{');
        if (end < 0) {
          end = line.indexOf(' ');
        }
        current.samples.add(line.substring(0, end));
      }
    }
    return families;
  }
}
