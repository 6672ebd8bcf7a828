package dev.heal.examples.springorders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.heal.core.healer.ControlState;
import dev.heal.core.healer.Healer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;

/**
 * What docs/spring-boot.md shows, run against this example: every row of the runtime control table
 * (each operation with each body it shows) posted to {@code /actuator/heal/{operation}} answers 200
 * and has the effect the table says, checked on the healer; {@code GET /actuator/heal}; the probe
 * paths of "Which endpoints Kubernetes should probe" on the management port. The writes are allowed
 * here by {@code heal.endpoint.allow-unsecured-writes=true}, the key the doc names (the example has
 * no Spring Security; OrdersApplicationIT shows the 403 without the key). A row this test does not
 * know, or a doc without the table, fails it.
 */
@SpringBootTest(classes = OrdersApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"management.server.port=0", "payments.url=http://127.0.0.1:9", "payments.timeout=100ms",
        "heal.endpoint.allow-unsecured-writes=true"})
class SpringBootDocsIT {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final Path DOC = Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
      .toAbsolutePath().getParent().getParent().resolve("docs/spring-boot.md");

  @Autowired
  Healer healer;
  @Autowired
  Environment environment;

  /** One body of one row of the doc's runtime control table. */
  record Row(String operation, String body) {}

  static String section(String doc, String heading) {
    int start = doc.indexOf("\n## " + heading + "\n");
    assertThat(start).as("docs/spring-boot.md has a section '%s'", heading).isNotNegative();
    int end = doc.indexOf("\n## ", start + 1);
    return doc.substring(start, end < 0 ? doc.length() : end);
  }

  static List<Row> runtimeControlRows(String doc) {
    List<Row> rows = new ArrayList<>();
    Matcher row = Pattern.compile("(?m)^\\| `([a-z-]+)` \\| (.*?) \\| .* \\|$").matcher(section(doc, "Runtime control"));
    while (row.find()) {
      Matcher body = Pattern.compile("`(\\{[^`]*\\})`").matcher(row.group(2));
      boolean any = false;
      while (body.find()) {
        rows.add(new Row(row.group(1), body.group(1)));
        any = true;
      }
      assertThat(any).as("row %s shows a JSON body", row.group(1)).isTrue();
    }
    return rows;
  }

  private String management() {
    return "http://127.0.0.1:" + environment.getProperty("local.management.port") + "/actuator";
  }

  private HttpResponse<String> post(String operation, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(management() + "/heal/" + operation))
        .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private ControlState.PlanState plan(String name) {
    return healer.control().plans().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void everyRuntimeControlRowOfTheDocAnswers200AndDoesWhatTheDocSays() throws Exception {
    List<Row> rows = runtimeControlRows(Files.readString(DOC));
    assertThat(rows).extracting(Row::operation).as("the operations the doc shows")
        .containsExactly("disable-plan", "enable-plan", "dry-run", "dry-run", "refill-budget", "resize-budget");
    HttpResponse<String> read = HTTP.send(HttpRequest.newBuilder(URI.create(management() + "/heal")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.body()).contains("database-recovery").contains("budgetCapacity");
    for (Row row : rows) {
      HttpResponse<String> r = post(row.operation(), row.body());
      assertThat(r.statusCode()).as("POST /actuator/heal/%s %s: %s", row.operation(), row.body(), r.body()).isEqualTo(200);
      switch (row.operation() + " " + row.body()) {
        case "disable-plan {\"plan\":\"database-recovery\"}" -> assertThat(plan("database-recovery").enabled()).isFalse();
        case "enable-plan {\"plan\":\"database-recovery\"}" -> assertThat(plan("database-recovery").enabled()).isTrue();
        case "dry-run {\"dryRun\":true}" -> {
          assertThat(healer.control().dryRun()).isTrue();
          assertThat(post("dry-run", "{\"dryRun\":false}").statusCode()).isEqualTo(200);
          assertThat(healer.control().dryRun()).isFalse();
        }
        case "dry-run {\"dryRun\":true,\"plan\":\"database-recovery\"}" -> {
          assertThat(plan("database-recovery").dryRun()).isTrue();
          assertThat(healer.control().dryRun()).as("only the plan").isFalse();
        }
        case "refill-budget {}" -> assertThat(healer.control().budgetRemaining())
            .isEqualTo(healer.control().budgetCapacity());
        case "resize-budget {\"actions\":20,\"window\":\"10m\"}" -> {
          assertThat(healer.control().budgetCapacity()).isEqualTo(20);
          assertThat(healer.control().budgetWindow()).isEqualTo(Duration.ofMinutes(10));
        }
        default -> throw new AssertionError("docs/spring-boot.md shows " + row + ", which this test does not check");
      }
    }
    HttpResponse<String> bad = post("disable-plan", "{\"plan\":\"nope\"}");
    assertThat(bad.statusCode()).as("the doc: a bad plan name is 400 naming it").isEqualTo(400);
    assertThat(bad.body()).contains("nope");
  }

  @Test
  void theProbePathsTheDocGivesKubernetesAnswerOnTheManagementPort() throws Exception {
    String probes = section(Files.readString(DOC), "Which endpoints Kubernetes should probe");
    Matcher path = Pattern.compile("(livenessProbe|readinessProbe): +\\{httpGet: \\{path: (/actuator/health/[a-z]+), +port: management\\}\\}")
        .matcher(probes);
    List<String> paths = new ArrayList<>();
    while (path.find()) {
      paths.add(path.group(2));
    }
    assertThat(paths).containsExactly("/actuator/health/liveness", "/actuator/health/readiness");
    for (String p : paths) {
      URI uri = URI.create(management().replace("/actuator", "") + p);
      await().atMost(Duration.ofSeconds(15)).until(() -> HTTP.send(HttpRequest.newBuilder(uri).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    }
  }
}
