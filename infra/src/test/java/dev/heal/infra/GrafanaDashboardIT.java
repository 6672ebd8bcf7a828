package dev.heal.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every PromQL expression of the dashboard parses in the real promtool: each becomes a recording
 * rule, with Grafana's variables replaced by values ($__rate_interval by 1m, $service by .*).
 */
class GrafanaDashboardIT {
  static String substituteGrafanaVariables(String expr) {
    return expr.replace("$__rate_interval", "1m").replace("$__range", "1h").replace("$service", ".*");
  }

  private static ExternalTools.Result check(Path tmp, List<String> exprs) throws Exception {
    ObjectNode file = Infra.JSON.createObjectNode();
    ObjectNode group = file.putArray("groups").addObject().put("name", "dashboard");
    ArrayNode rules = group.putArray("rules");
    for (int i = 0; i < exprs.size(); i++) {
      rules.addObject().put("record", "dashboard:panel_expr_" + i).put("expr", substituteGrafanaVariables(exprs.get(i)));
    }
    Path f = tmp.resolve("dashboard.rules.yml");
    Infra.YAML.writeValue(f.toFile(), file);
    return ExternalTools.run(tmp, ExternalTools.debian("prometheus", "promtool").toString(), "check", "rules",
        f.getFileName().toString());
  }

  @Test
  void everyExpressionParses(@TempDir Path tmp) throws Exception {
    List<String> exprs = GrafanaDashboardTest.expressions();
    var r = check(tmp, exprs).assertSuccess("promtool check rules on the dashboard's expressions");
    assertThat(r.output()).contains(exprs.size() + " rules found");
  }

  @Test
  void aBrokenExpressionIsRejected(@TempDir Path tmp) throws Exception {
    var r = check(tmp, List.of("sum by (service (rate(heal_health_status[$__rate_interval]))"));
    assertThat(r.exitCode()).as(r.output()).isNotZero();
  }
}
