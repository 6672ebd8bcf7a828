package dev.heal.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
  void provisionsNamespaceSecretsAndServiceAccountWithThePinnedProvider() {
    JsonNode res = merged.get("resource");
    assertThat(res.at("/kubernetes_namespace_v1/heal/0/metadata/0/name").asText()).isEqualTo("${var.namespace}");
    assertThat(res.get("kubernetes_secret_v1").has("orders_service")).isTrue();
    assertThat(res.get("kubernetes_secret_v1").has("alertmanager_heal")).isTrue();
    assertThat(res.get("kubernetes_service_account_v1").has("orders_service")).isTrue();
    JsonNode provider = merged.at("/terraform/0/required_providers/0/kubernetes");
    assertThat(provider.get("source").asText()).isEqualTo("hashicorp/kubernetes");
    assertThat(provider.get("version").asText()).startsWith("~>");

    // The names the manifests and Alertmanager expect.
    JsonNode secret = res.at("/kubernetes_secret_v1/orders_service/0");
    assertThat(secret.at("/metadata/0/name").asText()).isEqualTo("orders-service-secrets");
    Set<String> keys = new HashSet<>();
    secret.get("data").fieldNames().forEachRemaining(keys::add);
    JsonNode template = Infra.yaml(Infra.path("k8s/base/secret.example.yaml"));
    Set<String> templateKeys = new HashSet<>();
    template.get("stringData").fieldNames().forEachRemaining(templateKeys::add);
    assertThat(keys).isEqualTo(templateKeys);
    Set<String> amKeys = new HashSet<>();
    res.at("/kubernetes_secret_v1/alertmanager_heal/0/data").fieldNames().forEachRemaining(amKeys::add);
    String am = Infra.read(Infra.path("alertmanager/alertmanager.yml"));
    amKeys.forEach(k -> assertThat(am).contains("/etc/alertmanager/secrets/" + k));
    assertThat(res.at("/kubernetes_service_account_v1/orders_service/0/metadata/0/name").asText())
        .isEqualTo("orders-service");
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
        .containsEntry("slack_webhook_url", true);
    // Every value of every Secret is a sensitive variable.
    merged.at("/resource/kubernetes_secret_v1").properties().forEach(s ->
        s.getValue().get(0).get("data").properties().forEach(d -> {
          Matcher m = VAR.matcher(d.getValue().asText());
          assertThat(m.find()).as("secret %s key %s comes from a variable", s.getKey(), d.getKey()).isTrue();
          assertThat(sensitive.get(m.group(1))).as("var.%s is sensitive", m.group(1)).isTrue();
        }));
    // No output reveals a sensitive variable.
    merged.get("output").properties().forEach(o -> {
      Matcher m = VAR.matcher(o.getValue().get(0).get("value").asText());
      while (m.find()) {
        assertThat(sensitive.get(m.group(1))).as("output %s uses var.%s", o.getKey(), m.group(1)).isFalse();
      }
    });
  }

  @Test
  void everyReferencedVariableIsDeclared() throws Exception {
    Set<String> declared = new HashSet<>();
    merged.get("variable").fieldNames().forEachRemaining(declared::add);
    for (Path tf : Infra.files("terraform", ".tf")) {
      Matcher m = VAR.matcher(Files.readString(tf));
      while (m.find()) {
        assertThat(declared).as("var.%s in %s", m.group(1), tf.getFileName()).contains(m.group(1));
      }
    }
  }
}
