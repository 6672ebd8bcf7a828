package dev.heal.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Prometheus configuration and rules, checked and unit-tested by the real promtool. */
class PrometheusRulesIT {
  private static final Set<String> ALERTS = Set.of("HighErrorRate", "HighLatencyP95", "ProbeNotReady",
      "HealEpisodeGaveUp", "HealBudgetExhausted", "HealSlowRecovery", "CircuitOpenTooLong");

  /** Where the runbook is published; the Helm chart's {@code runbookBaseUrl} value replaces it. */
  static final String RUNBOOK_BASE = "https://github.com/heal-dev/heal/blob/main/docs/operations.md#";

  private static Path promtool() {
    return ExternalTools.debian("prometheus", "promtool");
  }

  @Test
  void rulesPassPromtoolCheck() {
    var r = ExternalTools.run(Infra.path("prometheus"), promtool().toString(), "check", "rules",
        "rules/heal.rules.yml").assertSuccess("promtool check rules");
    assertThat(r.output()).contains("SUCCESS");
  }

  @Test
  void rulesUnitTestsPass() {
    var r = ExternalTools.run(Infra.path("prometheus"), promtool().toString(), "test", "rules",
        "rules/heal.rules.test.yml").assertSuccess("promtool test rules");
    assertThat(r.output()).contains("SUCCESS");
  }

  /** The unit tests are able to fail: a rule with a changed threshold breaks them. */
  @Test
  void rulesUnitTestsCatchAChangedThreshold(@TempDir Path tmp) throws Exception {
    String rules = Infra.read(Infra.path("prometheus/rules/heal.rules.yml"));
    assertThat(rules).contains("service:http_requests_errors:ratio_rate5m > 0.01");
    Files.writeString(tmp.resolve("heal.rules.yml"),
        rules.replace("service:http_requests_errors:ratio_rate5m > 0.01", "service:http_requests_errors:ratio_rate5m > 0.5"));
    Files.copy(Infra.path("prometheus/rules/heal.rules.test.yml"), tmp.resolve("heal.rules.test.yml"));
    var r = ExternalTools.run(tmp, promtool().toString(), "test", "rules", "heal.rules.test.yml");
    assertThat(r.exitCode()).as(r.output()).isNotZero();
    assertThat(r.output()).contains("alertname: HighErrorRate");
  }

  /**
   * Issue 16, item 3: with waitDurationInOpenState 1s the breaker flips open and half_open during a
   * sustained outage; an alert on the open state with {@code for: 5m} never fires. The unit tests
   * (a flapping breaker) catch that expression.
   */
  @Test
  void circuitOpenTooLongFiresForABreakerFlappingBetweenOpenAndHalfOpen(@TempDir Path tmp) throws Exception {
    String rules = Infra.read(Infra.path("prometheus/rules/heal.rules.yml"));
    String current = rules.substring(rules.indexOf("      - alert: CircuitOpenTooLong"), rules.indexOf("        labels:",
        rules.indexOf("      - alert: CircuitOpenTooLong")));
    String openStateFor5m = """
              - alert: CircuitOpenTooLong
                expr: max by (service, name) (resilience4j_circuitbreaker_state{state="open"}) == 1
                for: 5m
        """;
    assertMutantFails(tmp, rules.replace(current, openStateFor5m), "alertname: CircuitOpenTooLong");
  }

  /**
   * Issue 16, item 5: a healthy service has no SERVER_ERROR series; dividing only that series gives
   * "no data" for HighErrorRate and the dashboard's success panel. The unit tests catch that form.
   */
  @Test
  void errorRatioIsZeroNotMissingForAServiceThatNeverFailed(@TempDir Path tmp) throws Exception {
    String rules = Infra.read(Infra.path("prometheus/rules/heal.rules.yml"));
    String zeroBranch = "            or\n"
        + "              0 * sum by (service) (rate(http_server_requests_seconds_count[5m]))\n";
    assertThat(rules).contains(zeroBranch);
    assertMutantFails(tmp, rules.replace(zeroBranch, ""), "service:http_requests_errors:ratio_rate5m");
  }

  private static void assertMutantFails(Path tmp, String mutatedRules, String expectedInFailure) throws Exception {
    Files.writeString(tmp.resolve("heal.rules.yml"), mutatedRules);
    Files.copy(Infra.path("prometheus/rules/heal.rules.test.yml"), tmp.resolve("heal.rules.test.yml"));
    var check = ExternalTools.run(tmp, promtool().toString(), "check", "rules", "heal.rules.yml");
    assertThat(check.exitCode()).as("the mutant is valid PromQL: %s", check.output()).isZero();
    var r = ExternalTools.run(tmp, promtool().toString(), "test", "rules", "heal.rules.test.yml");
    assertThat(r.exitCode()).as(r.output()).isNotZero();
    assertThat(r.output()).contains(expectedInFailure);
  }

  @Test
  void everyAlertIsTestedFiringAndSilentAndHasRoutingLabelsAndARunbook() {
    JsonNode rules = Infra.yaml(Infra.path("prometheus/rules/heal.rules.yml"));
    Map<String, JsonNode> alerts = new LinkedHashMap<>();
    rules.get("groups").forEach(g -> g.get("rules").forEach(r -> {
      if (r.has("alert")) {
        alerts.put(r.get("alert").asString(), r);
      }
    }));
    assertThat(alerts.keySet()).containsExactlyInAnyOrderElementsOf(ALERTS);

    String runbook = Infra.read(Infra.root().resolve("docs/operations.md"));
    for (var e : alerts.entrySet()) {
      JsonNode labels = e.getValue().get("labels");
      assertThat(labels.get("severity").asString()).as(e.getKey()).isIn("warning", "critical");
      assertThat(labels.get("heal").asString()).as(e.getKey()).isIn("true", "false");
      String url = e.getValue().at("/annotations/runbook_url").asString();
      // Absolute: Alertmanager, Slack and Grafana cannot resolve a path relative to nothing.
      assertThat(url).as(e.getKey()).isEqualTo(RUNBOOK_BASE + e.getKey().toLowerCase());
      assertThat(runbook).as("docs/operations.md has a section for %s", e.getKey()).contains("## " + e.getKey());
    }
    // heal's own trouble must never be sent back to heal.
    assertThat(alerts.entrySet()).filteredOn(e -> e.getKey().startsWith("Heal"))
        .allMatch(e -> e.getValue().at("/labels/heal").asString().equals("false"));

    JsonNode tests = Infra.yaml(Infra.path("prometheus/rules/heal.rules.test.yml"));
    Set<String> fired = new HashSet<>();
    Set<String> silent = new HashSet<>();
    tests.get("tests").forEach(t -> t.path("alert_rule_test").forEach(a -> {
      (a.get("exp_alerts").isEmpty() ? silent : fired).add(a.get("alertname").asString());
    }));
    assertThat(fired).as("alerts tested firing").containsAll(ALERTS);
    assertThat(silent).as("alerts tested silent").containsAll(ALERTS);
  }

  @Test
  void demoConfigPassesPromtoolCheck() {
    ExternalTools.run(Infra.path("prometheus"), promtool().toString(), "check", "config", "prometheus-demo.yml")
        .assertSuccess("promtool check config prometheus-demo.yml");
  }

  /**
   * Debian's Prometheus is built without Kubernetes service discovery, so its promtool rejects
   * kubernetes_sd_configs. The cluster config is checked with that one block swapped for a
   * static target; everything else (relabelling, rule files, alerting) goes through promtool
   * as written, and the discovery block itself is checked here.
   */
  @Test
  void clusterConfigPassesPromtoolCheckWithDiscoveryStubbed(@TempDir Path tmp) throws Exception {
    JsonNode config = Infra.yaml(Infra.path("prometheus/prometheus.yml"));
    int discovered = 0;
    for (JsonNode job : config.get("scrape_configs")) {
      if (job.has("kubernetes_sd_configs")) {
        discovered++;
        JsonNode sd = job.get("kubernetes_sd_configs").get(0);
        assertThat(sd.get("role").asString()).isEqualTo("pod");
        assertThat(sd.at("/namespaces/names/0").asString()).isEqualTo("heal-demo");
        Set<String> targets = new HashSet<>();
        job.get("relabel_configs").forEach(r -> targets.add(r.path("target_label").asString()));
        assertThat(targets).contains("service", "namespace", "pod", "node");
        ObjectNode o = (ObjectNode) job;
        o.remove("kubernetes_sd_configs");
        ArrayNode statics = o.putArray("static_configs");
        statics.addObject().putArray("targets").add("localhost:8081");
      }
    }
    assertThat(discovered).isEqualTo(1);
    Files.createDirectories(tmp.resolve("rules"));
    Files.copy(Infra.path("prometheus/rules/heal.rules.yml"), tmp.resolve("rules/heal.rules.yml"));
    Infra.YAML.writeValue(tmp.resolve("prometheus.yml").toFile(), config);
    var r = ExternalTools.run(tmp, promtool().toString(), "check", "config", "prometheus.yml")
        .assertSuccess("promtool check config (cluster, discovery stubbed)");
    assertThat(r.output()).contains("1 rule files found");
  }

  /** Rules read only metrics heal, Micrometer and resilience4j expose, or recording rules defined here. */
  @Test
  void rulesUseOnlyKnownMetrics() {
    JsonNode rules = Infra.yaml(Infra.path("prometheus/rules/heal.rules.yml"));
    Set<String> known = new HashSet<>(GrafanaDashboardTest.METRICS);
    rules.get("groups").forEach(g -> g.get("rules").forEach(r -> {
      if (r.has("record")) {
        known.add(r.get("record").asString());
      }
    }));
    rules.get("groups").forEach(g -> g.get("rules").forEach(r ->
        assertThat(GrafanaDashboardTest.metricNames(r.get("expr").asString()))
            .as("metrics in %s", r.get("expr").asString()).isNotEmpty().isSubsetOf(known)));
  }

  /** Names of recording rules the alerts use are defined. */
  @Test
  void alertsUseOnlyDefinedRecordingRules() {
    String rules = Infra.read(Infra.path("prometheus/rules/heal.rules.yml"));
    Set<String> defined = new HashSet<>();
    Matcher m = Pattern.compile("record: (\\S+)").matcher(rules);
    while (m.find()) {
      defined.add(m.group(1));
    }
    Matcher used = Pattern.compile("\\b(service:[a-z0-9_:]+)").matcher(rules.replaceAll("record: \\S+", ""));
    while (used.find()) {
      assertThat(defined).contains(used.group(1));
    }
  }
}
