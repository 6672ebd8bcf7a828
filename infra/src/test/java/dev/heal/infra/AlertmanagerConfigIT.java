package dev.heal.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/** Alertmanager's configuration, checked and its routing tested by the real amtool. */
class AlertmanagerConfigIT {
  private static Path amtool() {
    return ExternalTools.debian("prometheus-alertmanager", "amtool");
  }

  @Test
  void configPassesAmtoolCheck() {
    var r = ExternalTools.run(Infra.path("alertmanager"), amtool().toString(), "check-config", "alertmanager.yml")
        .assertSuccess("amtool check-config");
    assertThat(r.output()).contains("SUCCESS").contains("3 inhibit rules");
  }

  @Test
  void amtoolRejectsABrokenConfig(@TempDir Path tmp) throws Exception {
    String config = Infra.read(Infra.path("alertmanager/alertmanager.yml"));
    Files.writeString(tmp.resolve("am.yml"), config.replace("receiver: slack-critical", "receiver: nobody"));
    var r = ExternalTools.run(tmp, amtool().toString(), "check-config", "am.yml");
    assertThat(r.exitCode()).as(r.output()).isNotZero();
  }

  /** labels of an alert (space separated) -> the receivers it must reach, in order. */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
    "alertname=ProbeNotReady heal=true service=orders-service severity=warning pod=orders-service-a | heal-orders-service,slack-warnings",
    "alertname=HighErrorRate heal=true service=orders-service severity=critical | heal-orders-service,slack-critical",
    "alertname=HighErrorRate heal=true service=payments-service severity=critical | slack-critical",
    "alertname=HealEpisodeGaveUp heal=false service=orders-service severity=critical plan=database | slack-critical",
    "alertname=HealSlowRecovery heal=false service=orders-service severity=warning plan=database | slack-warnings",
    "alertname=CircuitOpenTooLong heal=false service=orders-service severity=warning name=payments | slack-warnings",
    "alertname=Watchdog | slack-warnings"
  })
  void routesEachAlertToTheRightReceivers(String labels, String receivers) {
    List<String> cmd = new ArrayList<>(List.of(amtool().toString(), "config", "routes", "test",
        "--config.file=alertmanager.yml", "--verify.receivers=" + receivers.trim()));
    cmd.addAll(List.of(labels.trim().split(" ")));
    var r = ExternalTools.run(Infra.path("alertmanager"), cmd).assertSuccess("amtool config routes test " + labels);
    assertThat(r.output()).contains(receivers.trim());
  }

  @Test
  void healReceiverCallsTheManagementPortWithABearerTokenFile() {
    JsonNode am = Infra.yaml(Infra.path("alertmanager/alertmanager.yml"));
    JsonNode heal = null;
    for (JsonNode r : am.get("receivers")) {
      if (r.get("name").asString().equals("heal-orders-service")) {
        heal = r.get("webhook_configs").get(0);
      }
      // No secret inline: Slack URLs come from files only.
      r.path("slack_configs").forEach(s -> {
        assertThat(s.has("api_url")).isFalse();
        assertThat(s.get("api_url_file").asString()).startsWith("/etc/alertmanager/secrets/");
        assertThat(s.get("send_resolved").asBoolean()).isTrue();
      });
    }
    assertThat(heal).isNotNull();
    assertThat(heal.get("url").asString()).isEqualTo("http://orders-service.heal-demo.svc:8081/heal/alerts");
    assertThat(heal.get("send_resolved").asBoolean()).isTrue();
    assertThat(heal.at("/http_config/authorization/type").asString()).isEqualTo("Bearer");
    assertThat(heal.at("/http_config/authorization/credentials_file").asString())
        .isEqualTo("/etc/alertmanager/secrets/heal-alert-token");
    assertThat(heal.at("/http_config/authorization/credentials").isMissingNode()).isTrue();
  }
}
