package dev.heal.infra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heal.core.healer.RecoveryPlan;
import dev.heal.core.healer.Signal;
import dev.heal.core.time.HealClock;
import dev.heal.examples.orders.OrdersConfig;
import dev.heal.examples.orders.OrdersService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Issue 16, item 1: Alertmanager delivered HighErrorRate and ProbeNotReady to orders-service's
 * {@code /heal/alerts} and heal journaled "no recovery plan matches" (its plan matched
 * OrdersHighErrorRate). The alerts Alertmanager routes to heal (amtool decides) and the plans
 * orders-service has for alerts must be the same list.
 */
class RoutedAlertsHavePlansIT {
  private static final String TOKEN = "plans-token-0123456789abcdef0123456789abcdef";
  private final HttpClient http = HttpClient.newHttpClient();
  private OrdersService orders;

  @BeforeEach
  void start() throws Exception {
    orders = OrdersService.start(OrdersConfig.fromEnv(Map.of("ORDERS_HOST", "127.0.0.1", "ORDERS_PORT", "0",
        "ORDERS_MANAGEMENT_PORT", "0", "ORDERS_DB_URL", "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
        "PAYMENTS_URL", "http://127.0.0.1:9", "HEAL_ALERT_TOKEN", TOKEN, "HEAL_DRY_RUN", "true")), HealClock.system());
  }

  @AfterEach
  void stop() {
    orders.close();
  }

  /** The labels an alert of each rule carries when it fires for an orders-service pod. */
  private static List<Map<String, String>> alertsOfOrdersService() {
    List<Map<String, String>> out = new ArrayList<>();
    Infra.yaml(Infra.path("prometheus/rules/heal.rules.yml")).get("groups").forEach(g -> g.get("rules").forEach(r -> {
      if (r.has("alert")) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("alertname", r.get("alert").asString());
        r.get("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asString()));
        labels.put("service", "orders-service");
        labels.put("namespace", "heal-demo");
        labels.put("pod", "orders-service-7d9f-abcde");
        out.add(labels);
      }
    }));
    return out;
  }

  private static boolean routedToHeal(Map<String, String> labels) {
    List<String> cmd = new ArrayList<>(List.of(ExternalTools.debian("prometheus-alertmanager", "amtool").toString(),
        "config", "routes", "test", "--config.file=alertmanager.yml"));
    labels.forEach((k, v) -> cmd.add(k + "=" + v));
    return ExternalTools.run(Infra.path("alertmanager"), cmd).assertSuccess("amtool config routes test")
        .output().contains("heal-orders-service");
  }

  private static Signal firing(Map<String, String> labels) {
    return new Signal(Signal.ALERT, labels.get("alertname"), true, labels, "test", Instant.now(), 0);
  }

  @Test
  void everyAlertRoutedToHealHasAPlanAndEveryAlertPlanIsForARoutedAlert() {
    List<Map<String, String>> routed = alertsOfOrdersService().stream().filter(RoutedAlertsHavePlansIT::routedToHeal)
        .toList();
    assertThat(routed).extracting(l -> l.get("alertname"))
        .containsExactlyInAnyOrder("HighErrorRate", "HighLatencyP95", "ProbeNotReady");
    List<RecoveryPlan> alertPlans = orders.healer().plans().stream()
        .filter(p -> p.trigger().source().equals(Signal.ALERT)).toList();
    for (Map<String, String> alert : routed) {
      assertThat(alertPlans).as("a plan for %s", alert.get("alertname"))
          .anyMatch(p -> p.trigger().matches(firing(alert)));
    }
    for (RecoveryPlan plan : alertPlans) {
      assertThat(routed).as("plan %s is for an alert Alertmanager routes to heal", plan.name())
          .anyMatch(alert -> plan.trigger().matches(firing(alert)));
    }
  }

  /** Alertmanager's webhook body (version 4), as it POSTs it to a receiver. */
  private record AlertmanagerWebhook(String version, String status, String receiver, String groupKey,
      Map<String, String> groupLabels, Map<String, String> commonLabels, Map<String, String> commonAnnotations,
      String externalURL, List<Alert> alerts) {}

  private record Alert(String status, Map<String, String> labels, Map<String, String> annotations, String startsAt,
      String endsAt, String fingerprint) {}

  @Test
  void eachRoutedAlertDeliveredToTheReceiverOpensAnEpisodeInsteadOfBeingIgnored() throws Exception {
    List<Map<String, String>> routed = alertsOfOrdersService().stream().filter(RoutedAlertsHavePlansIT::routedToHeal)
        .toList();
    List<Alert> alerts = new ArrayList<>();
    for (Map<String, String> labels : routed) {
      alerts.add(new Alert("firing", labels, Map.of("summary", "test"), Instant.now().minusSeconds(30).toString(),
          "0001-01-01T00:00:00Z", Integer.toHexString(labels.hashCode())));
    }
    AlertmanagerWebhook payload = new AlertmanagerWebhook("4", "firing", "heal-orders-service", "{}:{}", Map.of(),
        Map.of(), Map.of(), "http://alertmanager.test", alerts);
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(orders.managementUrl() + "/heal/alerts"))
        .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString(Infra.JSON.writeValueAsString(payload)))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);

    JsonNode journal = Infra.JSON.readTree(http.send(HttpRequest.newBuilder(
        URI.create(orders.managementUrl() + "/heal/episodes")).build(), HttpResponse.BodyHandlers.ofString()).body());
    List<String> opened = new ArrayList<>();
    journal.get("episodes").forEach(e -> {
      if (e.at("/trigger/source").asString().equals(Signal.ALERT)) {
        opened.add(e.at("/trigger/name").asString());
      }
    });
    assertThat(opened).containsExactlyInAnyOrder("HighErrorRate", "HighLatencyP95", "ProbeNotReady");
    assertThat(journal.get("ignored").toString()).doesNotContain("no recovery plan matches");
    // The pod-scoped alert keeps the pod it is about: heal-k8s's evictPod reads the trigger's `pod`
    // label (RestartPodAction.POD_LABEL) to pick that pod, whichever replica received the alert.
    JsonNode probe = null;
    for (JsonNode e : journal.get("episodes")) {
      if (e.at("/trigger/name").asString().equals("ProbeNotReady")) {
        probe = e;
      }
    }
    assertThat(probe).isNotNull();
    assertThat(probe.path("plan").asString()).isEqualTo("alert-probe-not-ready");
    assertThat(probe.at("/trigger/labels/pod").asString()).isEqualTo("orders-service-7d9f-abcde");
  }
}
