package dev.heal.infra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heal.chaos.ChaosMeshSchemas;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The Chaos Mesh experiments in infra/chaos-mesh: kinds and fields as Chaos Mesh's CRDs
 * (chaos-mesh.org/v1alpha1) name them, selectors that hit the pods of infra/k8s/base, and the
 * demo's four faults covered.
 */
class ChaosMeshTest {
  private static final String API = "chaos-mesh.org/v1alpha1";
  private static final Pattern GO_DURATION = Pattern.compile("([0-9]+(ms|s|m|h))+");
  private static final Pattern PERCENT = Pattern.compile("(100|[1-9]?[0-9])");
  /** Chaos kinds and the field holding them inside a Schedule or a Workflow template. */
  private static final Map<String, String> EMBEDDED = Map.of(
      "NetworkChaos", "networkChaos", "PodChaos", "podChaos", "HTTPChaos", "httpChaos",
      "StressChaos", "stressChaos");
  private static final Set<String> MODES = Set.of("one", "all", "fixed", "fixed-percent", "random-max-percent");

  private static List<JsonNode> experiments() {
    List<JsonNode> all = new ArrayList<>();
    for (Path f : Infra.files("chaos-mesh", ".yaml")) {
      // fabric8 reads custom resources as GenericKubernetesResource: apiVersion, kind, metadata.
      for (HasMetadata o : Manifests.load(f)) {
        assertThat(o).as("%s", f).isInstanceOf(GenericKubernetesResource.class);
        assertThat(o.getApiVersion()).isEqualTo(API);
        assertThat(o.getMetadata().getNamespace()).isEqualTo("heal-demo");
      }
      all.addAll(Infra.yamlDocuments(f));
    }
    return all;
  }

  private static final List<Map<String, String>> POD_LABELS = readPodLabels();

  private static List<Map<String, String>> podLabels() {
    return POD_LABELS;
  }

  /** Labels of every pod the base deploys. */
  private static List<Map<String, String>> readPodLabels() {
    List<Map<String, String>> out = new ArrayList<>();
    for (Path f : Infra.files("k8s/base", ".yaml")) {
      if (f.getFileName().toString().equals("kustomization.yaml")) {
        continue;
      }
      for (HasMetadata o : Manifests.load(f)) {
        PodTemplateSpec t = o instanceof Deployment d ? d.getSpec().getTemplate()
            : o instanceof StatefulSet s ? s.getSpec().getTemplate() : null;
        if (t != null) {
          out.add(t.getMetadata().getLabels());
        }
      }
    }
    return out;
  }

  @Test
  void everyExperimentIsAKnownKindWithValidFields() {
    Set<String> kinds = new HashSet<>();
    for (JsonNode doc : experiments()) {
      String kind = doc.get("kind").asString();
      kinds.add(kind);
      JsonNode spec = doc.get("spec");
      switch (kind) {
        case "Schedule" -> checkSchedule(spec);
        case "Workflow" -> checkWorkflow(spec);
        default -> {
          checkChaos(kind, spec);
          assertThat(spec.path("duration").asString()).as("%s duration", name(doc)).matches(GO_DURATION);
        }
      }
    }
    assertThat(kinds).contains("NetworkChaos", "PodChaos", "HTTPChaos", "StressChaos", "Schedule", "Workflow");
  }

  private static String name(JsonNode doc) {
    return doc.get("kind").asString() + "/" + doc.at("/metadata/name").asString();
  }

  private static void checkChaos(String kind, JsonNode spec) {
    assertThat(EMBEDDED).containsKey(kind);
    checkSelector(kind, spec);
    switch (kind) {
      case "NetworkChaos" -> {
        String action = spec.get("action").asString();
        assertThat(action).isIn("delay", "loss", "partition", "duplicate", "corrupt", "bandwidth");
        assertThat(spec.path("direction").asString("to")).isIn("to", "from", "both");
        if (spec.has("target")) {
          checkSelector(kind + " target", spec.get("target"));
        }
        if (action.equals("delay")) {
          assertThat(spec.at("/delay/latency").asString()).matches(GO_DURATION);
          assertThat(spec.at("/delay/jitter").asString("0ms")).matches(GO_DURATION);
          assertThat(spec.at("/delay/correlation").asString("0")).matches(PERCENT);
        }
        if (action.equals("loss")) {
          assertThat(spec.at("/loss/loss").asString()).matches(PERCENT);
        }
        if (action.equals("partition")) {
          assertThat(spec.has("target")).as("a partition names both sides").isTrue();
        }
      }
      case "PodChaos" -> assertThat(spec.get("action").asString()).isIn("pod-failure", "pod-kill", "container-kill");
      case "HTTPChaos" -> {
        assertThat(spec.get("target").asString()).isIn("Request", "Response");
        assertThat(spec.get("port").asInt()).isIn(8080, 8090);
        assertThat(spec.get("delay").asString()).matches(GO_DURATION);
      }
      case "StressChaos" -> {
        JsonNode cpu = spec.at("/stressors/cpu");
        assertThat(cpu.get("workers").asInt()).isPositive();
        assertThat(cpu.get("load").asInt()).isBetween(1, 100);
      }
      default -> throw new AssertionError("unexpected kind " + kind);
    }
  }

  private static void checkSelector(String what, JsonNode spec) {
    assertThat(spec.get("mode").asString()).as("%s mode", what).isIn(MODES);
    JsonNode selector = spec.get("selector");
    assertThat(selector.get("namespaces")).as("%s namespaces", what).hasSize(1);
    assertThat(selector.get("namespaces").get(0).asString()).isEqualTo("heal-demo");
    Map<String, String> wanted = new HashMap<>();
    selector.get("labelSelectors").properties().forEach(e -> wanted.put(e.getKey(), e.getValue().asString()));
    assertThat(wanted).as("%s selects by label", what).isNotEmpty();
    assertThat(podLabels()).as("%s selector %s hits a pod of the base", what, wanted)
        .anyMatch(labels -> labels.entrySet().containsAll(wanted.entrySet()));
  }

  private static void checkSchedule(JsonNode spec) {
    assertThat(spec.get("schedule").asString().split(" ")).as("a five-field cron").hasSize(5);
    assertThat(spec.get("concurrencyPolicy").asString()).isIn("Forbid", "Allow");
    assertThat(spec.get("historyLimit").asInt()).isPositive();
    String type = spec.get("type").asString();
    assertThat(spec.has(EMBEDDED.get(type))).as("Schedule of type %s carries %s", type, EMBEDDED.get(type)).isTrue();
    JsonNode chaos = spec.get(EMBEDDED.get(type));
    checkChaos(type, chaos);
    assertThat(chaos.get("duration").asString()).matches(GO_DURATION);
  }

  private static void checkWorkflow(JsonNode spec) {
    Map<String, JsonNode> templates = new HashMap<>();
    spec.get("templates").forEach(t -> templates.put(t.get("name").asString(), t));
    assertThat(templates).containsKey(spec.get("entry").asString());
    for (JsonNode t : templates.values()) {
      String type = t.get("templateType").asString();
      assertThat(t.get("deadline").asString()).as("template %s deadline", t.get("name")).matches(GO_DURATION);
      switch (type) {
        case "Serial", "Parallel" -> t.get("children").forEach(c ->
            assertThat(templates).as("child %s is defined", c.asString()).containsKey(c.asString()));
        case "Suspend" -> { }
        default -> {
          assertThat(t.has(EMBEDDED.get(type))).as("template %s carries %s", t.get("name"), EMBEDDED.get(type))
              .isTrue();
          checkChaos(type, t.get(EMBEDDED.get(type)));
        }
      }
    }
  }

  /** The schema of Chaos Mesh v2.8.3's CRDs, strict field validation and its admission webhook's rules. */
  @Test
  void everyExperimentIsAdmittedByChaosMeshsSchemaAndWebhook() {
    List<JsonNode> docs = experiments();
    assertThat(docs).isNotEmpty();
    for (JsonNode doc : docs) {
      assertThat(ChaosMeshSchemas.problems(doc)).as("%s", name(doc)).isEmpty();
    }
  }

  @Test
  void theDemosFaultsAreAllThere() {
    Set<String> faults = new HashSet<>();
    for (JsonNode doc : experiments()) {
      JsonNode fault = doc.at("/metadata/labels/heal.dev~1fault");
      if (!fault.isMissingNode() && !doc.get("kind").asString().equals("Schedule")) {
        faults.add(fault.asString());
      }
    }
    assertThat(faults).containsExactlyInAnyOrder("payments-latency", "payments-outage", "database-dropped", "overload");

    // The workflow plays them in the demo's order.
    JsonNode workflow = experiments().stream().filter(d -> d.get("kind").asString().equals("Workflow")).findFirst()
        .orElseThrow();
    List<String> steps = new ArrayList<>();
    workflow.at("/spec/templates/0/children").forEach(c -> steps.add(c.asString()));
    assertThat(steps.stream().filter(s -> !s.startsWith("quiet")).toList())
        .containsExactly("payments-latency", "payments-outage", "database-partition", "orders-cpu-pressure");
  }

  @Test
  void databaseFaultsCutOrdersFromPostgres() {
    for (JsonNode doc : experiments()) {
      if (doc.at("/metadata/labels/heal.dev~1fault").asString().equals("database-dropped")) {
        assertThat(doc.at("/spec/selector/labelSelectors/app.kubernetes.io~1name").asString()).isEqualTo("orders-service");
        assertThat(doc.at("/spec/target/selector/labelSelectors/app.kubernetes.io~1name").asString()).isEqualTo("postgres");
      }
    }
  }
}
