package dev.heal.chaos;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.heal.chaos.internal.ChaosMeshAdmission;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPInputStream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * What a Kubernetes API server running Chaos Mesh v2.8.3 would say to a document: the CRD's
 * {@code openAPIV3Schema} (vendored under {@code chaos-mesh/v2.8.3/}, see its SOURCE.md), unknown
 * fields as {@code kubectl apply --validate=strict} reports them, and the admission webhook's rules
 * ({@link ChaosMeshAdmission}). Shared with infra's tests through the test jar. Thread-safe.
 */
public final class ChaosMeshSchemas {
  public static final String RELEASE = "v2.8.3";
  private static final YAMLMapper YAML = YAMLMapper.shared();
  private static final Map<String, String> FILES = Map.of("NetworkChaos", "networkchaos", "PodChaos", "podchaos",
      "HTTPChaos", "httpchaos", "StressChaos", "stresschaos", "Schedule", "schedules", "Workflow", "workflows");
  private static final Map<String, JsonNode> SCHEMA_NODES = new ConcurrentHashMap<>();
  private static final Map<String, Schema> SCHEMAS = new ConcurrentHashMap<>();
  private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4);

  private ChaosMeshSchemas() {}

  /** Every reason the API server or the webhook would refuse {@code doc}; empty when it is admitted. */
  public static List<String> problems(JsonNode doc) {
    List<String> out = new ArrayList<>();
    String kind = doc.path("kind").asString();
    if (!doc.path("apiVersion").asString().equals("chaos-mesh.org/v1alpha1")) {
      out.add("apiVersion must be chaos-mesh.org/v1alpha1: " + doc.path("apiVersion").asString());
    }
    if (!FILES.containsKey(kind)) {
      out.add("no vendored CRD for kind '" + kind + "'");
      return out;
    }
    JsonNode schemaNode = schemaNode(kind);
    ObjectNode body = (ObjectNode) doc.deepCopy();
    body.remove("metadata"); // ObjectMeta is validated by the API server, not by the CRD schema
    for (com.networknt.schema.Error e : schema(kind).validate(body)) {
      out.add("schema: " + e.getInstanceLocation() + " " + e.getMessage());
    }
    unknownFields(body, schemaNode, "", out);
    out.addAll(ChaosMeshAdmission.problems(doc));
    return out;
  }

  /** Every document of a multi-document YAML text. */
  public static List<JsonNode> documents(String yaml) {
    try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
      List<JsonNode> out = new ArrayList<>();
      it.forEachRemaining(n -> {
        if (n != null && !n.isNull() && !n.isMissingNode()) {
          out.add(n);
        }
      });
      return out;
    }
  }

  private static Schema schema(String kind) {
    return SCHEMAS.computeIfAbsent(kind, k -> REGISTRY.getSchema(schemaNode(k)));
  }

  private static JsonNode schemaNode(String kind) {
    return SCHEMA_NODES.computeIfAbsent(kind, k -> {
      String res = "/chaos-mesh/" + RELEASE + "/chaos-mesh.org_" + FILES.get(k) + ".yaml.gz";
      try (InputStream in = ChaosMeshSchemas.class.getResourceAsStream(res)) {
        if (in == null) {
          throw new IllegalStateException("missing test resource " + res);
        }
        JsonNode crd = YAML.readTree(new GZIPInputStream(in));
        for (JsonNode v : crd.at("/spec/versions")) {
          if (v.path("name").asString().equals("v1alpha1")) {
            return v.at("/schema/openAPIV3Schema");
          }
        }
        throw new IllegalStateException(res + " has no v1alpha1 version");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  /** Fields the schema does not declare (structural schemas prune them; strict validation refuses them). */
  private static void unknownFields(JsonNode node, JsonNode schema, String path, List<String> out) {
    if (schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
      return;
    }
    if (node.isObject()) {
      JsonNode props = schema.path("properties");
      JsonNode additional = schema.path("additionalProperties");
      for (Map.Entry<String, JsonNode> f : node.properties()) {
        String p = path + "." + f.getKey();
        if (props.has(f.getKey())) {
          unknownFields(f.getValue(), props.get(f.getKey()), p, out);
        } else if (additional.isObject()) {
          unknownFields(f.getValue(), additional, p, out);
        } else if (!additional.asBoolean(false)) {
          out.add("unknown field " + p.substring(1));
        }
      }
    } else if (node.isArray() && schema.has("items")) {
      int i = 0;
      for (JsonNode item : node) {
        unknownFields(item, schema.get("items"), path + "[" + i++ + "]", out);
      }
    }
  }
}
