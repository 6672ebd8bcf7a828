package dev.heal.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The Grafana dashboard: valid JSON, the panels the demo needs, and PromQL on heal's metrics only. */
class GrafanaDashboardTest {
  /** The metric names heal, Micrometer's HTTP server timer and resilience4j expose. */
  static final Set<String> METRICS = Set.of(
      "heal_health_status", "heal_health_check_status",
      "heal_health_check_duration_seconds_count", "heal_health_check_duration_seconds_sum",
      "heal_health_check_duration_seconds_max", "heal_health_check_duration_seconds_bucket",
      "heal_health_transitions_total",
      "heal_recovery_episodes_total", "heal_recovery_actions_total",
      "heal_recovery_time_to_recover_seconds_count", "heal_recovery_time_to_recover_seconds_sum",
      "heal_recovery_time_to_recover_seconds_max", "heal_recovery_time_to_recover_seconds_bucket",
      "heal_recovery_time_to_detect_seconds_count", "heal_recovery_time_to_detect_seconds_sum",
      "heal_recovery_time_to_detect_seconds_max", "heal_recovery_time_to_detect_seconds_bucket",
      "heal_recovery_budget_remaining", "heal_recovery_episodes_open", "heal_recovery_budget_exhausted_total",
      "heal_degradation_level",
      "http_server_requests_seconds_count", "http_server_requests_seconds_sum",
      "http_server_requests_seconds_max", "http_server_requests_seconds_bucket",
      "resilience4j_circuitbreaker_state");

  /** PromQL words that are not metric names. */
  private static final Set<String> PROMQL = Set.of("sum", "min", "max", "avg", "count", "by", "without",
      "rate", "irate", "increase", "histogram_quantile", "on", "ignoring", "group_left", "group_right",
      "and", "or", "unless", "bool", "offset", "topk", "bottomk", "clamp_min", "clamp_max", "abs", "label_values",
      "max_over_time", "min_over_time", "count_over_time");

  static List<String> expressions() {
    JsonNode d = Infra.json(Infra.path("grafana/dashboards/heal.json"));
    List<String> out = new ArrayList<>();
    d.get("panels").forEach(p -> p.path("targets").forEach(t -> out.add(t.get("expr").asString())));
    return out;
  }

  /** Metric names in a PromQL expression: identifiers outside label matchers, ranges and strings. */
  static Set<String> metricNames(String expr) {
    String bare = expr.replaceAll("\"[^\"]*\"", "\"\"")
        .replaceAll("\\{[^}]*}", "")
        .replaceAll("\\[[^]]*]", "")
        .replaceAll("\\b(by|without|on|ignoring)\\s*\\([^)]*\\)", "");
    Set<String> out = new HashSet<>();
    Matcher m = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*").matcher(bare);
    while (m.find()) {
      String word = m.group();
      if (!PROMQL.contains(word)) {
        out.add(word);
      }
    }
    return out;
  }

  @Test
  void dashboardIsValidAndComplete() {
    JsonNode d = Infra.json(Infra.path("grafana/dashboards/heal.json"));
    assertThat(d.get("uid").asString()).isEqualTo("heal-overview");
    Set<Integer> ids = new HashSet<>();
    Set<String> titles = new HashSet<>();
    d.get("panels").forEach(p -> {
      assertThat(ids.add(p.get("id").asInt())).as("unique panel id %s", p.get("id")).isTrue();
      titles.add(p.get("title").asString());
      JsonNode grid = p.get("gridPos");
      assertThat(grid.get("x").asInt() + grid.get("w").asInt()).isLessThanOrEqualTo(24);
    });
    assertThat(titles).contains("Request rate", "Success %", "Latency p95", "Probe status",
        "Circuit breakers not closed", "Degradation level", "Episodes by outcome", "Time to recover");
    assertThat(expressions()).hasSizeGreaterThanOrEqualTo(15);
  }

  @Test
  void everyExpressionUsesOnlyKnownMetrics() {
    Set<String> used = new HashSet<>();
    for (String expr : expressions()) {
      Set<String> names = metricNames(expr);
      assertThat(names).as("metrics in %s", expr).isNotEmpty().isSubsetOf(METRICS);
      used.addAll(names);
    }
    // Everything the brief lists shows up somewhere.
    assertThat(used).contains("heal_health_status", "heal_degradation_level", "heal_recovery_episodes_total",
        "resilience4j_circuitbreaker_state", "http_server_requests_seconds_bucket",
        "heal_recovery_time_to_recover_seconds_sum");
  }

  @Test
  void provisioningLoadsTheDashboardFromPrometheus() {
    JsonNode providers = Infra.yaml(Infra.path("grafana/provisioning/dashboards/heal.yaml"));
    assertThat(providers.at("/providers/0/type").asString()).isEqualTo("file");
    assertThat(providers.at("/providers/0/options/path").asString()).isNotBlank();
    JsonNode sources = Infra.yaml(Infra.path("grafana/provisioning/datasources/prometheus.yaml"));
    assertThat(sources.at("/datasources/0/type").asString()).isEqualTo("prometheus");
    assertThat(sources.at("/datasources/0/isDefault").asBoolean()).isTrue();

    // Every panel and query uses the dashboard's data source variable, which picks a Prometheus.
    JsonNode d = Infra.json(Infra.path("grafana/dashboards/heal.json"));
    JsonNode variable = d.at("/templating/list/0");
    assertThat(variable.get("name").asString()).isEqualTo("datasource");
    assertThat(variable.get("query").asString()).isEqualTo("prometheus");
    d.get("panels").forEach(p -> p.path("targets").forEach(t ->
        assertThat(t.at("/datasource/uid").asString()).isEqualTo("${datasource}")));
  }

  @Test
  void metricNamesAreFoundAndTyposAreNot() {
    assertThat(metricNames("sum by (service) (rate(http_server_requests_seconds_count{outcome=\"SERVER_ERROR\"}[5m]))"))
        .containsExactly("http_server_requests_seconds_count");
    assertThat(metricNames("max by (plan) (heal_recovery_time_to_recovery_seconds_max)"))
        .containsExactly("heal_recovery_time_to_recovery_seconds_max")
        .doesNotContainAnyElementsOf(METRICS);
  }
}
