package dev.heal.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Terraform in infra/terraform, parsed by the real HCL parser (@cdktf/hcl2json, HashiCorp's
 * hcl library compiled to WebAssembly). There is no terraform binary here, so `terraform validate`
 * and `terraform fmt -check` do not run; the structure is checked on the parsed form instead.
 */
class TerraformIT {
  private static final String PACKAGE = "@cdktf/hcl2json@0.21.0";
  private static final Pattern VAR = Pattern.compile("var\\.([a-z_]+)");
  private static ObjectNode merged;

  static JsonNode parse(Path tf) {
    ExternalTools.npmLibrary(PACKAGE);
    var r = ExternalTools.run(Infra.dir(), "node", Infra.dir().resolve("tools/hcl2json.cjs").toString(), tf.toString())
        .assertSuccess("hcl2json " + tf.getFileName());
    try {
      return Infra.JSON.readTree(r.output());
    } catch (Exception e) {
      throw new AssertionError("hcl2json printed no JSON for " + tf + ": " + r.output(), e);
    }
  }

  @BeforeAll
  static void parseAll() {
    merged = Infra.JSON.createObjectNode();
    for (Path tf : Infra.files("terraform", ".tf")) {
      JsonNode doc = parse(tf);
      doc.properties().forEach(block -> {
        if (!block.getValue().isObject()) {
          // terraform { } blocks: a list of bodies.
          assertThat(merged.has(block.getKey())).as("%s declared in two files", block.getKey()).isFalse();
          merged.set(block.getKey(), block.getValue());
          return;
        }
        ObjectNode into = merged.has(block.getKey())
            ? (ObjectNode) merged.get(block.getKey()) : merged.putObject(block.getKey());
        block.getValue().properties().forEach(e -> {
          assertThat(into.has(e.getKey())).as("%s %s declared twice", block.getKey(), e.getKey()).isFalse();
          into.set(e.getKey(), e.getValue());
        });
      });
    }
  }

  @Test
  void aSyntaxErrorIsReported(@TempDir Path tmp) throws Exception {
    ExternalTools.npmLibrary(PACKAGE);
    Path bad = tmp.resolve("bad.tf");
    Files.writeString(bad, "resource \"kubernetes_namespace_v1\" \"x\" {\n  metadata {\n");
    var r = ExternalTools.run(Infra.dir(), "node", Infra.dir().resolve("tools/hcl2json.cjs").toString(), bad.toString());
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.output()).contains("Unclosed configuration block");
  }

  @Test
  void installsNamespacesSecretMonitoringChaosMeshAndTheAppChartWithPinnedVersions() {
    JsonNode res = merged.get("resource");
    assertThat(merged.at("/locals/0/namespaces").toString())
        .contains("${var.namespace}", "${var.monitoring_namespace}", "${var.chaos_namespace}");
    assertThat(res.at("/kubernetes_namespace_v1/heal/0/for_each").asString()).isEqualTo("${local.namespaces}");
    JsonNode releases = res.get("helm_release");
    assertThat(releases.at("/kube_prometheus_stack/0/chart").asString()).isEqualTo("kube-prometheus-stack");
    assertThat(releases.at("/kube_prometheus_stack/0/repository").asString())
        .isEqualTo("https://prometheus-community.github.io/helm-charts");
    assertThat(releases.at("/chaos_mesh/0/chart").asString()).isEqualTo("chaos-mesh");
    assertThat(releases.at("/chaos_mesh/0/repository").asString()).isEqualTo("https://charts.chaos-mesh.org");
    // Chart versions are pinned to an exact version, never a range or "latest".
    for (String release : new String[] {"kube_prometheus_stack", "chaos_mesh"}) {
      Matcher v = VAR.matcher(releases.at("/" + release + "/0/version").asString());
      assertThat(v.find()).as("%s's version is a variable", release).isTrue();
      assertThat(merged.at("/variable/" + v.group(1) + "/0/default").asString()).as("var.%s", v.group(1))
          .matches("\\d+\\.\\d+\\.\\d+");
    }
    String chart = releases.at("/heal_examples/0/chart").asString();
    assertThat(chart).isEqualTo("${path.module}/../helm/heal-examples");
    assertThat(Infra.path("terraform").resolve("../helm/heal-examples/Chart.yaml")).exists();
    assertThat(releases.at("/heal_examples/0/depends_on/0").asString()).isEqualTo("${helm_release.kube_prometheus_stack}");
    for (String p : new String[] {"kubernetes", "helm"}) {
      JsonNode provider = merged.at("/terraform/0/required_providers/0/" + p);
      assertThat(provider.get("source").asString()).isEqualTo("hashicorp/" + p);
      assertThat(provider.get("version").asString()).startsWith("~>");
    }
    assertThat(res.at("/kubernetes_config_map_v1/heal_dashboard/0/data/heal.json").asString())
        .contains("../grafana/dashboards/heal.json");

    // The names the chart's pods expect; keys from the Secret template only.
    JsonNode secret = res.at("/kubernetes_secret_v1/orders_service/0");
    assertThat(secret.at("/metadata/0/name").asString()).isEqualTo("orders-service-secrets");
    JsonNode template = Infra.yaml(Infra.path("k8s/base/secret.example.yaml"));
    Set<String> templateKeys = new HashSet<>();
    templateKeys.addAll(template.get("stringData").propertyNames());
    Matcher key = Pattern.compile("\"([a-z-]+)\" = var\\.").matcher(secret.get("data").asString());
    Set<String> keys = new HashSet<>();
    while (key.find()) {
      keys.add(key.group(1));
    }
    assertThat(keys).isEqualTo(templateKeys);
  }

  /**
   * Issue 16, item 9: the Alertmanager secret went into a "monitoring" namespace nothing created, so
   * apply failed on a fresh cluster. Every namespaced object must live in a namespace made here.
   */
  @Test
  void everyNamespaceUsedIsOneTerraformCreates() {
    List<String> namespaces = new ArrayList<>();
    merged.get("resource").properties().forEach(type -> type.getValue().properties().forEach(r -> {
      JsonNode body = r.getValue().get(0);
      JsonNode ns = body.has("namespace") ? body.get("namespace") : body.at("/metadata/0/namespace");
      if (!ns.isMissingNode()) {
        namespaces.add(type.getKey() + "." + r.getKey() + " -> " + ns.asString());
      }
    }));
    assertThat(namespaces).hasSizeGreaterThanOrEqualTo(5)
        .allSatisfy(n -> assertThat(n).matches(".* -> \\$\\{kubernetes_namespace_v1\\.heal\\[\"(app|monitoring|chaos)\"\\]"
            + "\\.metadata\\[0\\]\\.name\\}"));
  }

  /** Item 7: an empty Slack URL must leave the key out, not store "" that something then calls. */
  @Test
  void anEmptySlackUrlLeavesTheSecretKeyOut() {
    String data = merged.at("/resource/kubernetes_secret_v1/orders_service/0/data").asString();
    assertThat(data).contains("var.slack_webhook_url == \"\" ? {} : { \"slack-webhook-url\" = var.slack_webhook_url }");
  }

  /** Issue 12: the read token is optional (the pods read it as optional); empty leaves its key out. */
  @Test
  void anEmptyReadTokenLeavesTheSecretKeyOut() {
    String data = merged.at("/resource/kubernetes_secret_v1/orders_service/0/data").asString();
    assertThat(data).contains("var.read_token == \"\" ? {} : { \"read-token\" = var.read_token }");
    JsonNode variable = merged.at("/variable/read_token/0");
    assertThat(variable.get("default").asString()).isEmpty();
    assertThat(variable.at("/validation/0/condition").asString()).contains("var.read_token == \"\"")
        .contains("length(var.read_token) >= 32");
  }

  /** State holds the secrets: it must not sit in a local file. */
  @Test
  void stateGoesToARemoteBackend() {
    JsonNode backend = merged.at("/terraform/0/backend/kubernetes/0");
    assertThat(backend.isMissingNode()).as("backend \"kubernetes\" block").isFalse();
    assertThat(backend.get("secret_suffix").asString()).isNotBlank();
    assertThat(Infra.read(Infra.path("README.md"))).contains("terraform init -backend-config=");
  }

  @Test
  void secretValuesComeOnlyFromSensitiveVariables() {
    Map<String, Boolean> sensitive = new HashMap<>();
    merged.get("variable").properties().forEach(v -> {
      JsonNode decl = v.getValue().get(0);
      assertThat(decl.has("description")).as("variable %s has a description", v.getKey()).isTrue();
      assertThat(decl.has("type")).as("variable %s has a type", v.getKey()).isTrue();
      sensitive.put(v.getKey(), decl.path("sensitive").asBoolean(false));
    });
    // Anything that looks like a credential is marked sensitive.
    sensitive.forEach((name, isSensitive) -> {
      if (name.matches(".*(password|token|secret|webhook|key).*")) {
        assertThat(isSensitive).as("variable %s is sensitive", name).isTrue();
      }
    });
    assertThat(sensitive).containsEntry("db_password", true).containsEntry("alert_token", true)
        .containsEntry("read_token", true).containsEntry("slack_webhook_url", true);
    // Every variable a Secret's data reads is sensitive.
    merged.at("/resource/kubernetes_secret_v1").properties().forEach(s -> {
      Matcher m = VAR.matcher(s.getValue().get(0).get("data").asString());
      int found = 0;
      while (m.find()) {
        found++;
        assertThat(sensitive.get(m.group(1))).as("secret %s reads var.%s", s.getKey(), m.group(1)).isTrue();
      }
      assertThat(found).as("secret %s comes from variables", s.getKey()).isPositive();
    });
    // Sensitive variables reach Helm only through set_sensitive, never through values or set.
    merged.at("/resource/helm_release").properties().forEach(r -> {
      JsonNode body = r.getValue().get(0);
      for (String field : new String[] {"values", "set"}) {
        Matcher m = VAR.matcher(body.path(field).toString());
        while (m.find()) {
          assertThat(sensitive.get(m.group(1))).as("helm_release %s %s uses var.%s", r.getKey(), field, m.group(1))
              .isFalse();
        }
      }
    });
    // No output reveals a sensitive variable.
    merged.get("output").properties().forEach(o -> {
      Matcher m = VAR.matcher(o.getValue().get(0).get("value").toString());
      while (m.find()) {
        assertThat(sensitive.get(m.group(1))).as("output %s uses var.%s", o.getKey(), m.group(1)).isFalse();
      }
    });
  }

  @Test
  void everyReferencedVariableIsDeclared() throws Exception {
    Set<String> declared = new HashSet<>();
    declared.addAll(merged.get("variable").propertyNames());
    for (Path tf : Infra.files("terraform", ".tf")) {
      Matcher m = VAR.matcher(Files.readString(tf));
      while (m.find()) {
        assertThat(declared).as("var.%s in %s", m.group(1), tf.getFileName()).contains(m.group(1));
      }
    }
  }
}
