package dev.heal.examples.springorders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The command examples/README.md documents for this example,
 * {@code ./mvnw -q -pl examples/spring-boot-orders -am package -DskipTests exec:java@spring-boot-orders},
 * works: the test reads the {@code exec:java@spring-boot-orders} execution from this module's
 * pom.xml (main class, arguments, system properties, class path scope; any other setting fails the
 * test, so that the pom cannot do something this test does not), derives the documented command
 * from it and asserts every README that mentions it shows exactly that string, then runs the same
 * main class with the same arguments and system properties as a child JVM on the module's runtime
 * class path (what exec:java runs on), and checks it from outside: readiness 200, an order accepted
 * and read back, then stopped.
 *
 * <p>Two things differ from a developer's run, both through Spring's ordinary environment variables
 * and not through the command: the ports (8080 and 8081 in application.yml) are free ones, since the
 * build machine is shared, and payments-service is absent for certain ({@code PAYMENTS_URL} points
 * at a closed port). The example runs without payments-service: orders are accepted as
 * PAYMENT_PENDING (heal's {@code @Fallback}), the payments check is non-critical, so readiness is
 * 200 (DEGRADED).
 */
class DocumentedCommandIT {
  private static final String EXECUTION = "spring-boot-orders";
  private static final Set<String> UNDERSTOOD = Set.of("skip", "mainClass", "cleanupDaemonThreads", "arguments",
      "systemProperties", "classpathScope");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Path module = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
  private final Path root = module.getParent().getParent();

  /** The execution's configuration, as exec:java would read it. */
  record ExecJava(String mainClass, List<String> arguments, Map<String, String> systemProperties) {}

  static ExecJava execution(Path pom, String id) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    Document doc = f.newDocumentBuilder().parse(pom.toFile());
    NodeList plugins = doc.getElementsByTagName("plugin");
    for (int i = 0; i < plugins.getLength(); i++) {
      Element plugin = (Element) plugins.item(i);
      if (!"exec-maven-plugin".equals(text(plugin, "artifactId"))) {
        continue;
      }
      for (Element execution : children(child(plugin, "executions"), "execution")) {
        if (!id.equals(text(execution, "id"))) {
          continue;
        }
        Element config = child(execution, "configuration");
        assertThat(config).as("execution %s has a configuration", id).isNotNull();
        String mainClass = null;
        List<String> arguments = new ArrayList<>();
        Map<String, String> properties = new LinkedHashMap<>();
        for (Element setting : children(config, null)) {
          String name = setting.getTagName();
          assertThat(UNDERSTOOD).as("exec:java@%s setting <%s> (DocumentedCommandIT runs only what it understands)",
              id, name).contains(name);
          switch (name) {
            case "mainClass" -> mainClass = setting.getTextContent().trim();
            case "skip" -> assertThat(setting.getTextContent().trim()).as("<skip>").isEqualTo("false");
            case "classpathScope" -> assertThat(setting.getTextContent().trim()).as("<classpathScope>")
                .isEqualTo("runtime");
            case "arguments" -> children(setting, "argument").forEach(a -> arguments.add(a.getTextContent().trim()));
            case "systemProperties" -> children(setting, "systemProperty").forEach(p ->
                properties.put(text(p, "key"), text(p, "value") == null ? "" : text(p, "value")));
            default -> { } // cleanupDaemonThreads: how exec:java ends in Maven's JVM, nothing to run
          }
        }
        assertThat(mainClass).as("exec:java@%s <mainClass>", id).isNotBlank();
        return new ExecJava(mainClass, arguments, properties);
      }
    }
    throw new AssertionError("no exec-maven-plugin execution " + id + " in " + pom);
  }

  /** The command the READMEs show for the execution {@code id} of the module at {@code modulePath}. */
  static String documentedCommand(String modulePath, String id) {
    return "./mvnw -q -pl " + modulePath + " -am package -DskipTests exec:java@" + id;
  }

  @Test
  void theReadmesShowTheCommandDerivedFromThePom() throws Exception {
    execution(module.resolve("pom.xml"), EXECUTION);
    String command = documentedCommand(root.relativize(module).toString().replace('\\', '/'), EXECUTION);
    assertThat(command).isEqualTo("./mvnw -q -pl examples/spring-boot-orders -am package -DskipTests "
        + "exec:java@spring-boot-orders");
    assertThat(Files.readString(root.resolve("examples/README.md"))).contains("`" + command + "`");
    // Every command shown for this execution (prose naming `exec:java@spring-boot-orders` alone is not a command).
    Pattern mention = Pattern.compile("`([^`]*mvnw[^`]*exec:java@" + Pattern.quote(EXECUTION) + "[^`]*)`");
    for (String doc : List.of("README.md", "examples/README.md", "docs/spring-boot.md",
        "heal-spring-boot-starter/README.md")) {
      Path file = root.resolve(doc);
      if (!Files.exists(file)) {
        continue;
      }
      Matcher m = mention.matcher(Files.readString(file));
      while (m.find()) {
        assertThat(m.group(1)).as("the command %s shows", doc).isEqualTo(command);
      }
    }
  }

  @Test
  void theDocumentedCommandStartsAnApplicationThatIsReadyAndAcceptsOrders() throws Exception {
    ExecJava exec = execution(module.resolve("pom.xml"), EXECUTION);
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    exec.systemProperties().forEach((k, v) -> cmd.add("-D" + k + "=" + v));
    cmd.add("-cp");
    cmd.add(runtimeClassPath());
    cmd.add(exec.mainClass());
    cmd.addAll(exec.arguments());

    int port = freePort();
    int management = freePort();
    Path log = module.resolve("target/documented-command.log");
    ProcessBuilder builder = new ProcessBuilder(cmd).directory(module.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().put("SERVER_PORT", Integer.toString(port));
    builder.environment().put("MANAGEMENT_SERVER_PORT", Integer.toString(management));
    builder.environment().put("PAYMENTS_URL", "http://127.0.0.1:" + freePort());
    Process app = builder.start();
    try {
      URI readiness = URI.create("http://127.0.0.1:" + management + "/actuator/health/readiness");
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).ignoreExceptionsInstanceOf(IOException.class)
          .until(() -> {
            assertThat(app.isAlive()).as("the application exited: %s", tail(log)).isTrue();
            return HTTP.send(HttpRequest.newBuilder(readiness).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
          });
      // payments-service is absent: once its non-critical check has failed twice, readiness is DEGRADED, still 200
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(readiness).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(ready.body()).contains("DEGRADED");
      });

      HttpResponse<String> placed = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/orders"))
          .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"customerId\":\"c-7\",\"amount\":4.75}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
      assertThat(placed.body()).contains("\"status\":\"STORED\"").contains("PAYMENT_PENDING");
      Matcher id = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"").matcher(placed.body());
      assertThat(id.find()).as(placed.body()).isTrue();

      HttpResponse<String> read = HTTP.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/orders/" + id.group(1))).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(read.statusCode()).isEqualTo(200);
      assertThat(read.body()).contains(id.group(1)).contains("\"customerId\":\"c-7\"").contains("4.75");
    } finally {
      app.destroy();
      if (!app.waitFor(30, TimeUnit.SECONDS)) {
        app.destroyForcibly();
      }
    }
    assertThat(app.isAlive()).as("stopped").isFalse();
  }

  private String runtimeClassPath() throws IOException {
    Path deps = Path.of(System.getProperty("heal.runtime.classpath",
        module.resolve("target/runtime-classpath.txt").toString()));
    assertThat(deps).as("written by maven-dependency-plugin (generate-test-resources)").exists();
    String classes = System.getProperty("heal.main.classes", module.resolve("target/classes").toString());
    return classes + java.io.File.pathSeparator + Files.readString(deps).trim();
  }

  private static String tail(Path log) {
    try {
      String s = Files.readString(log);
      return s.substring(Math.max(0, s.length() - 3000));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static Element child(Element parent, String name) {
    if (parent == null) {
      return null;
    }
    List<Element> found = children(parent, name);
    return found.isEmpty() ? null : found.get(0);
  }

  private static String text(Element parent, String name) {
    Element e = child(parent, name);
    return e == null ? null : e.getTextContent().trim();
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> out = new ArrayList<>();
    if (parent == null) {
      return out;
    }
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && (name == null || e.getTagName().equals(name))) {
        out.add(e);
      }
    }
    return out;
  }
}
