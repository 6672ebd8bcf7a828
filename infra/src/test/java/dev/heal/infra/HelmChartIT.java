package dev.heal.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * infra/helm/heal-examples checked by real Helm (helm-java bundles Helm's Go library from Maven
 * Central): {@code helm lint --strict}, {@code helm template} into fabric8's typed model (the
 * same unknown-field check as the kustomize manifests), the defaults equal to the kustomize base,
 * and the Prometheus Operator objects equal to the rule, scrape and Alertmanager files they stand
 * for.
 */
class HelmChartIT {
  private static final Path CHART = Infra.path("helm/heal-examples");

  private static String render(UnaryOperator<TemplateCommand> values) {
    return values.apply(new Helm(CHART).template().withName("heal-examples")).call();
  }

  private static List<HasMetadata> objects(UnaryOperator<TemplateCommand> values) {
    return Manifests.parse(render(values));
  }

  private static TemplateCommand operatorObjects(TemplateCommand t) {
    return t.set("monitoring.prometheusRule.enabled", "true").set("monitoring.podMonitor.enabled", "true")
        .set("monitoring.alertmanagerConfig.enabled", "true");
  }

  private static Map<String, HasMetadata> byKindAndName(List<HasMetadata> objects) {
    Map<String, HasMetadata> out = new TreeMap<>();
    for (HasMetadata o : objects) {
      assertThat(out.put(o.getKind() + "/" + o.getMetadata().getName(), o)).as("duplicate %s", o.getKind()).isNull();
    }
    return out;
  }

  private static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type, String name) {
    return objects.stream().filter(type::isInstance).map(type::cast)
        .filter(o -> o.getMetadata().getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
  }

  private static JsonNode generic(List<HasMetadata> objects, String kind) {
    HasMetadata o = objects.stream().filter(x -> x.getKind().equals(kind)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " rendered"));
    assertThat(o).isInstanceOf(GenericKubernetesResource.class);
    return Infra.JSON.readTree(Manifests.SERIALIZATION.asJson(o));
  }

  @Test
  void chartPassesHelmLintStrict() {
    LintResult lint = new Helm(CHART).lint().strict().call();
    assertThat(lint.isFailed()).as("helm lint --strict: %s", lint.getMessages()).isFalse();
  }

  @Test
  void defaultsRenderExactlyTheKustomizeBaseObjects() {
    List<HasMetadata> rendered = objects(t -> t);
    for (HasMetadata o : rendered) {
      assertThat(o).as("%s parses to a typed class", o.getKind()).isNotInstanceOf(GenericKubernetesResource.class);
      assertThat(Manifests.unknownFields(o)).as("unknown fields in rendered %s %s", o.getKind(),
          o.getMetadata().getName()).isEmpty();
    }
    List<HasMetadata> base = new ArrayList<>();
    Infra.yaml(Infra.path("k8s/base/kustomization.yaml")).get("resources")
        .forEach(r -> base.addAll(Manifests.load(Infra.path("k8s/base/" + r.asString()))));
    Map<String, HasMetadata> chart = byKindAndName(rendered);
    Map<String, HasMetadata> kustomize = byKindAndName(base);
    assertThat(chart.keySet()).isEqualTo(kustomize.keySet());
    kustomize.forEach((key, expected) -> assertThat(chart.get(key)).as(key).isEqualTo(expected));
  }

  /** Issue 16, item 8: the demo's HPA must not scale out an idle demo (orders uses 63m at 10 requests/s). */
  @Test
  void demoValuesGiveOneReplicaAndAnAutoscalerThresholdAboveTheDemosLoad() {
    List<HasMetadata> rendered = objects(t -> t.withValuesFile(CHART.resolve("values-demo.yaml")));
    for (String name : List.of("orders-service", "payments-service")) {
      Deployment d = one(rendered, Deployment.class, name);
      HorizontalPodAutoscaler hpa = one(rendered, HorizontalPodAutoscaler.class, name);
      assertThat(d.getSpec().getReplicas()).isEqualTo(1);
      assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(1);
    }
    Deployment orders = one(rendered, Deployment.class, "orders-service");
    HorizontalPodAutoscaler hpa = one(rendered, HorizontalPodAutoscaler.class, "orders-service");
    double requestMillis = Quantity.getAmountInBytes(orders.getSpec().getTemplate().getSpec().getContainers().get(0)
        .getResources().getRequests().get("cpu")).doubleValue() * 1000;
    double thresholdMillis = requestMillis * hpa.getSpec().getMetrics().get(0).getResource().getTarget()
        .getAverageUtilization() / 100.0;
    assertThat(thresholdMillis).as("CPU at which the demo's HPA scales out, in millicores").isGreaterThan(63);
    // The kustomize demo overlay patches the same request.
    assertThat(Infra.read(Infra.path("k8s/overlays/demo/kustomization.yaml")))
        .contains("path: /spec/template/spec/containers/0/resources/requests/cpu\n        value: "
            + Math.round(requestMillis) + "m");
  }

  @Test
  void aReleaseDigestPinsTheImageInsteadOfTheTag() {
    String digest = "sha256:" + "0123456789abcdef".repeat(4);
    List<HasMetadata> rendered = objects(t -> t.set("image.digests.orders-service", digest));
    assertThat(one(rendered, Deployment.class, "orders-service").getSpec().getTemplate().getSpec().getContainers()
        .get(0).getImage()).isEqualTo("ghcr.io/heal-dev/orders-service@" + digest);
    assertThat(one(rendered, Deployment.class, "payments-service").getSpec().getTemplate().getSpec().getContainers()
        .get(0).getImage()).isEqualTo("ghcr.io/heal-dev/payments-service:0.1.0");
  }

  @Test
  void theSecretNeedsAPasswordAndALongTokenAndSaysSo() {
    assertThatThrownBy(() -> render(t -> t.set("secrets.create", "true").set("secrets.alertToken", "x".repeat(40))))
        .hasMessageContaining("secrets.create=true needs secrets.dbPassword");
    assertThatThrownBy(() -> render(t -> t.set("secrets.create", "true").set("secrets.dbPassword", "pw")
        .set("secrets.alertToken", "short")))
        .hasMessageContaining("secrets.alertToken of at least 32 characters");
    assertThatThrownBy(() -> render(t -> t.set("secrets.create", "true").set("secrets.dbPassword", "pw")
        .set("secrets.alertToken", "x".repeat(40)).set("secrets.readToken", "short")))
        .hasMessageContaining("secrets.readToken must be empty or at least 32 characters");
  }

  /** Issue 12: the read token for /heal/episodes and /health details reaches orders-service only when set. */
  @Test
  void aReadTokenGoesIntoTheSecretUnderTheKeyOrdersServiceReads() {
    UnaryOperator<TemplateCommand> secrets = t -> t.set("secrets.create", "true").set("secrets.dbPassword", "pw")
        .set("secrets.alertToken", "t".repeat(64));
    assertThat(one(objects(secrets), Secret.class, "orders-service-secrets").getStringData())
        .doesNotContainKey("read-token");
    List<HasMetadata> on = objects(t -> secrets.apply(t).set("secrets.readToken", "r".repeat(64)));
    assertThat(one(on, Secret.class, "orders-service-secrets").getStringData()).containsEntry("read-token", "r".repeat(64));
    var ref = one(on, Deployment.class, "orders-service").getSpec().getTemplate().getSpec().getContainers().get(0)
        .getEnv().stream().filter(e -> e.getName().equals("HEAL_READ_TOKEN")).findFirst()
        .orElseThrow(() -> new AssertionError("orders-service has no HEAL_READ_TOKEN")).getValueFrom().getSecretKeyRef();
    assertThat(ref.getName()).isEqualTo("orders-service-secrets");
    assertThat(ref.getKey()).isEqualTo("read-token");
    assertThat(ref.getOptional()).as("a Secret without the key still starts the pod").isTrue();
  }

  /** Issue 16, item 7: an empty Slack URL must turn Slack off, not make Alertmanager retry against "". */
  @Test
  void anEmptySlackUrlLeavesSlackOutOfTheSecretAndTheAlertmanagerConfig() {
    UnaryOperator<TemplateCommand> secrets = t -> operatorObjects(t).set("secrets.create", "true")
        .set("secrets.dbPassword", "pw").set("secrets.alertToken", "t".repeat(64));
    List<HasMetadata> off = objects(secrets);
    assertThat(one(off, Secret.class, "orders-service-secrets").getStringData())
        .containsOnlyKeys("db-password", "alert-token");
    JsonNode amOff = generic(off, "AlertmanagerConfig");
    assertThat(amOff.toString()).doesNotContain("slack");
    assertThat(receivers(amOff)).containsExactlyInAnyOrder("heal-orders-service", "humans-off");
    assertThat(amOff.at("/spec/route/receiver").asString()).isEqualTo("humans-off");

    List<HasMetadata> on = objects(t -> secrets.apply(t).set("slack.webhookUrl", "https://hooks.slack.test/x"));
    assertThat(one(on, Secret.class, "orders-service-secrets").getStringData())
        .containsEntry("slack-webhook-url", "https://hooks.slack.test/x");
    assertThat(receivers(generic(on, "AlertmanagerConfig")))
        .containsExactlyInAnyOrder("heal-orders-service", "slack-critical", "slack-warnings");
  }

  private static Set<String> receivers(JsonNode amConfig) {
    Set<String> names = new TreeSet<>();
    amConfig.at("/spec/receivers").forEach(r -> names.add(r.get("name").asString()));
    return names;
  }

  @Test
  void prometheusRuleIsTheProjectsRuleFileWithRunbookLinksFromValues() {
    JsonNode rules = Infra.yaml(Infra.path("prometheus/rules/heal.rules.yml"));
    JsonNode rendered = generic(objects(HelmChartIT::operatorObjects), "PrometheusRule");
    assertThat(rendered.at("/spec/groups")).isEqualTo(rules.get("groups"));
    assertThat(rendered.at("/metadata/labels/release").asString()).isEqualTo("kube-prometheus-stack");

    JsonNode moved = generic(objects(t -> operatorObjects(t).set("runbookBaseUrl", "https://runbooks.example/heal#")),
        "PrometheusRule");
    assertThat(moved.at("/spec/groups/1/rules/0/annotations/runbook_url").asString())
        .isEqualTo("https://runbooks.example/heal#higherrorrate");
  }

  @Test
  void podMonitorScrapesWhatTheClusterPrometheusConfigScrapesWithTheSameLabels() {
    JsonNode job = Infra.yaml(Infra.path("prometheus/prometheus.yml")).get("scrape_configs").get(0);
    JsonNode monitor = generic(objects(HelmChartIT::operatorObjects), "PodMonitor");
    JsonNode endpoint = monitor.at("/spec/podMetricsEndpoints/0");
    assertThat(endpoint.get("path").asString()).isEqualTo(job.get("metrics_path").asString());
    assertThat(endpoint.get("port").asString()).isEqualTo("management");
    assertThat(monitor.at("/spec/selector/matchLabels/heal.dev~1scrape").asString()).isEqualTo("true");
    assertThat(monitor.at("/spec/namespaceSelector/matchNames/0").asString())
        .isEqualTo(job.at("/kubernetes_sd_configs/0/namespaces/names/0").asString());
    Map<String, String> expected = new LinkedHashMap<>();
    job.get("relabel_configs").forEach(r -> {
      if (r.has("target_label")) {
        expected.put(r.get("target_label").asString(), r.get("source_labels").get(0).asString());
      }
    });
    Map<String, String> actual = new LinkedHashMap<>();
    endpoint.get("relabelings").forEach(r -> actual.put(r.get("targetLabel").asString(), r.get("sourceLabels").get(0).asString()));
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void alertmanagerConfigRoutesLikeTheAlertmanagerFile() {
    JsonNode file = Infra.yaml(Infra.path("alertmanager/alertmanager.yml"));
    JsonNode crd = generic(objects(t -> operatorObjects(t).set("slack.webhookUrl", "https://hooks.slack.test/x")),
        "AlertmanagerConfig");
    assertThat(route(crd.at("/spec/route"), true)).isEqualTo(route(file.get("route"), false));
    JsonNode heal = file.at("/receivers/0/webhook_configs/0");
    JsonNode healCrd = crd.at("/spec/receivers/0/webhookConfigs/0");
    assertThat(healCrd.get("url").asString()).isEqualTo(heal.get("url").asString());
    assertThat(healCrd.get("sendResolved").asBoolean()).isEqualTo(heal.get("send_resolved").asBoolean());
    assertThat(healCrd.get("maxAlerts").asInt()).isEqualTo(heal.get("max_alerts").asInt());
    assertThat(healCrd.at("/httpConfig/authorization/type").asString()).isEqualTo("Bearer");
    assertThat(healCrd.at("/httpConfig/authorization/credentials/key").asString()).isEqualTo("alert-token");
    assertThat(crd.at("/spec/inhibitRules").size()).isEqualTo(file.get("inhibit_rules").size());
  }

  /** A route tree as comparable text: receiver, matchers, grouping and waits, recursively. */
  private static List<String> route(JsonNode r, boolean crd) {
    List<String> out = new ArrayList<>();
    StringBuilder line = new StringBuilder(r.get("receiver").asString());
    JsonNode matchers = r.path("matchers");
    for (JsonNode m : matchers) {
      line.append(" ").append(crd ? m.get("name").asString() + m.get("matchType").asString() + "\"" + m.get("value").asString()
          + "\"" : m.asString());
    }
    for (String field : List.of("group_by", "group_wait", "group_interval", "repeat_interval", "continue")) {
      JsonNode v = r.get(crd ? camel(field) : field);
      if (v != null) {
        line.append(" ").append(field).append("=").append(v);
      }
    }
    out.add(line.toString());
    r.path("routes").forEach(child -> out.addAll(route(child, crd)));
    return out;
  }

  private static String camel(String snake) {
    int i = snake.indexOf('_');
    return i < 0 ? snake : snake.substring(0, i) + Character.toUpperCase(snake.charAt(i + 1)) + snake.substring(i + 2);
  }
}
