package dev.heal.http;

import static org.assertj.core.api.Assertions.assertThat;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.heal.core.health.CheckKind;
import dev.heal.core.health.HealthCheckConfig;
import dev.heal.core.health.HealthRegistry;
import dev.heal.core.health.HealthResult;
import dev.heal.core.time.InlineExecutorService;
import dev.heal.core.time.ManualClock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /health} in both shapes, validated against the MicroProfile Health 4.0 JSON schema (the
 * specification's Appendix B, statuses UP/DOWN) and heal's extension schema.
 */
class MicroProfileHealthFormatTest {
  private static final Schema MICROPROFILE = schema("/schema/microprofile-health-4.0.schema.json");
  private static final Schema HEAL = schema("/schema/heal-health.schema.json");

  private final ObjectMapper json = new ObjectMapper();
  private final ManualClock clock = new ManualClock();
  private final AtomicReference<HealthResult> db =
      new AtomicReference<>(HealthResult.up(Map.of("pool", "hikari", "active", 3, "nested", List.of(1, 2))));
  private final AtomicReference<HealthResult> cache = new AtomicReference<>(HealthResult.degraded("slow replica"));
  private HealthRegistry registry;

  @BeforeEach
  void setUp() {
    registry = HealthRegistry.builder().clock(clock).executor(new InlineExecutorService()).build();
    registry.register(HealthCheckConfig.builder("db").external(true).failureThreshold(1)
        .interval(Duration.ofSeconds(1)).tags("storage").build(), db::get);
    registry.register(HealthCheckConfig.builder("cache").critical(false).interval(Duration.ofSeconds(1)).build(), cache::get);
    registry.register(HealthCheckConfig.builder("event-loop").liveness().interval(Duration.ofSeconds(1)).build(), HealthResult::up);
    // never run within the test: stays UNKNOWN
    registry.register(HealthCheckConfig.builder("warm-up").critical(false).initialDelay(Duration.ofHours(1)).build(), HealthResult::up);
    registry.start();
    clock.runDueTasks();
  }

  @AfterEach
  void tearDown() {
    registry.close();
  }

  private static Schema schema(String resource) {
    try (InputStream in = MicroProfileHealthFormatTest.class.getResourceAsStream(resource)) {
      return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4)
          .getSchema(new String(in.readAllBytes(), StandardCharsets.UTF_8), InputFormat.JSON);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> errors(Schema schema, String body) {
    List<String> out = new ArrayList<>();
    for (Error e : schema.validate(body, InputFormat.JSON)) {
      out.add(e.toString());
    }
    return out;
  }

  private static HttpResponse get(ProbeHandler handler, String query, Map<String, List<String>> headers) throws IOException {
    return handler.dispatch("GET", "/health", query, HttpRequest.Headers.of(headers), new ByteArrayInputStream(new byte[0]), 0);
  }

  private static String body(HttpResponse r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  private JsonNode check(JsonNode body, String name) {
    for (JsonNode c : body.get("checks")) {
      if (c.get("name").asString().equals(name)) {
        return c;
      }
    }
    throw new AssertionError("no check " + name + " in " + body);
  }

  @Test
  void strictShapeValidatesAgainstTheMicroProfileHealthSchema() throws Exception {
    registry.forceDown(CheckKind.STARTUP, "draining for a repair");
    ProbeHandler handler = ProbeHandler.builder(registry).showDetails(true).anonymousReads(true)
        .healthSection("degradation", () -> Map.of("level", "REDUCED", "off", List.of("recommendations")))
        .build();
    for (ProbeHandler h : List.of(handler, ProbeHandler.builder(registry).showDetails(false).build())) {
      HttpResponse r = get(h, "format=microprofile", Map.of());
      assertThat(errors(MICROPROFILE, body(r))).as(body(r)).isEmpty();
      JsonNode b = json.readTree(r.body());
      assertThat(b.get("status").asString()).as("startup is held down").isEqualTo("DOWN");
      assertThat(r.status()).isEqualTo(503);
      assertThat(b.findValues("status")).extracting(JsonNode::asText).containsOnly("UP", "DOWN");
    }

    JsonNode b = json.readTree(get(handler, "format=microprofile", Map.of()).body());
    assertThat(check(b, "cache").get("status").asString()).as("DEGRADED passes the probes: UP").isEqualTo("UP");
    assertThat(check(b, "cache").get("data").get("heal_status").asString()).isEqualTo("DEGRADED");
    assertThat(check(b, "warm-up").get("status").asString()).as("not yet run: DOWN, as the spec asks").isEqualTo("DOWN");
    assertThat(check(b, "warm-up").get("data").get("heal_status").asString()).isEqualTo("UNKNOWN");
    JsonNode dbData = check(b, "db").get("data");
    assertThat(dbData.get("pool").asString()).isEqualTo("hikari");
    assertThat(dbData.get("active").asInt()).isEqualTo(3);
    assertThat(dbData.get("nested").asString()).as("non-scalar details become JSON text").isEqualTo("[1,2]");
    assertThat(dbData.get("heal_kinds").asString()).isEqualTo("readiness");
    assertThat(dbData.get("heal_tags").asString()).isEqualTo("storage");
    assertThat(dbData.get("heal_critical").asBoolean()).isTrue();
    JsonNode summary = check(b, "heal").get("data");
    assertThat(summary.get("heal_readiness").asString()).isEqualTo("DEGRADED");
    assertThat(summary.get("heal_startup").asString()).isEqualTo("DOWN");
    assertThat(summary.get("heal_override_startup").asString()).contains("draining for a repair");
    assertThat(json.readTree(summary.get("heal_degradation").asString()).get("level").asString()).isEqualTo("REDUCED");
  }

  @Test
  void strictShapeIsWhatAClientAcceptingHealthJsonGets() throws Exception {
    ProbeHandler handler = ProbeHandler.builder(registry).showDetails(true).anonymousReads(true).build();
    HttpResponse r = get(handler, "", Map.of("accept", List.of("text/plain;q=0.5, application/health+json")));
    assertThat(errors(MICROPROFILE, body(r))).as(body(r)).isEmpty();
    assertThat(r.status()).isEqualTo(200);
    assertThat(json.readTree(r.body()).get("status").asString()).isEqualTo("UP");
    assertThat(r.headers()).containsEntry("Vary", "Accept, Authorization");
    assertThat(r.contentType()).startsWith("application/json");

    HttpResponse plain = get(handler, "", Map.of("accept", List.of("application/json")));
    assertThat(errors(HEAL, body(plain))).as(body(plain)).isEmpty();
    assertThat(json.readTree(plain.body()).has("probes")).isTrue();
  }

  @Test
  void healShapeIsTheDocumentedExtensionAndNotStrictMicroProfile() throws Exception {
    registry.forceDown(CheckKind.STARTUP, "draining");
    ProbeHandler handler = ProbeHandler.builder(registry).showDetails(true).anonymousReads(true)
        .healthSection("degradation", () -> Map.of("level", "NORMAL")).build();
    for (String query : List.of("", "format=heal")) {
      String body = body(get(handler, query, Map.of()));
      assertThat(errors(HEAL, body)).as(body).isEmpty();
      List<String> strict = errors(MICROPROFILE, body);
      assertThat(String.join("\n", strict)).as("why a strict consumer rejects heal's shape")
          .contains("property 'probes' is not defined")
          .contains("/status: does not have a value in the enumeration [\"UP\", \"DOWN\"]")
          .contains("property 'lastChangeAt' is not defined");
    }
  }

  @Test
  void strictShapeCanBeTheHandlersDefaultAndHealsShapeStaysOneQueryAway() throws Exception {
    ProbeHandler handler = ProbeHandler.builder(registry).showDetails(true).anonymousReads(true)
        .healthFormat(ProbeHandler.HealthFormat.MICROPROFILE).build();
    String strict = body(get(handler, "", Map.of()));
    assertThat(errors(MICROPROFILE, strict)).as(strict).isEmpty();
    String heal = body(get(handler, "verbose=1&format=HEAL", Map.of()));
    assertThat(errors(HEAL, heal)).as(heal).isEmpty();
    assertThat(errors(MICROPROFILE, heal)).isNotEmpty();
  }

  @Test
  void bothShapesAnswer503WhenAProbeIsDown() throws Exception {
    db.set(HealthResult.down("connection refused"));
    clock.advance(Duration.ofSeconds(1));
    ProbeHandler handler = ProbeHandler.builder(registry).showDetails(true).anonymousReads(true).build();
    HttpResponse strict = get(handler, "format=microprofile", Map.of());
    assertThat(strict.status()).isEqualTo(503);
    assertThat(errors(MICROPROFILE, body(strict))).as(body(strict)).isEmpty();
    JsonNode b = json.readTree(strict.body());
    assertThat(b.get("status").asString()).isEqualTo("DOWN");
    assertThat(check(b, "db").get("data").get("heal_last_error").asString()).isEqualTo("connection refused");
    assertThat(get(handler, "format=heal", Map.of()).status()).isEqualTo(503);
  }

  @Test
  void aCallerThatPassesNoQueryGetsTheDefaultShape() throws Exception {
    HttpResponse r = get(ProbeHandler.builder(registry).showDetails(true).anonymousReads(true).build(), null, Map.of());
    assertThat(r.status()).isEqualTo(200);
    assertThat(errors(HEAL, body(r))).as(body(r)).isEmpty();
  }

  @Test
  void unknownFormatIsRefusedNamingTheChoices() throws Exception {
    HttpResponse r = get(ProbeHandler.builder(registry).build(), "format=xml", Map.of());
    assertThat(r.status()).isEqualTo(400);
    assertThat(json.readTree(r.body()).get("error").asString())
        .isEqualTo("unknown format 'xml' for /health; use format=heal or format=microprofile");
  }
}
