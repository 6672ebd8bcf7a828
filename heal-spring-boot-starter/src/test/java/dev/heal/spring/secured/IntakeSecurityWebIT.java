package dev.heal.spring.secured;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.heal.core.healer.Healer;
import dev.heal.spring.web.TestApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;

/**
 * The Alertmanager intake with Spring Security securing every request, over real HTTP on a
 * management port of its own, with docs/spring-boot.md's rule for the intake path: the right
 * bearer token is accepted, no token or a wrong one is heal's 401, a neighbouring path is still
 * Spring Security's 401, and {@code /actuator/heal}'s writes stay behind the application's rules.
 */
@SpringBootTest(classes = SecuredIntakeApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"management.server.port=0", "management.endpoints.web.exposure.include=health,heal",
        "heal.intake.token=" + IntakeSecurityWebIT.TOKEN, TestApp.R4J_VERIFIER_EXCLUDE})
class IntakeSecurityWebIT {
  static final String TOKEN = "an-intake-token-for-tests";
  private static final String ALERT = """
      {"version":"4","groupKey":"{}:{alertname=\\"HighErrorRate\\"}","truncatedAlerts":0,"status":"firing",
       "receiver":"heal","groupLabels":{"alertname":"HighErrorRate"},"commonLabels":{"alertname":"HighErrorRate"},
       "commonAnnotations":{},"externalURL":"http://alertmanager:9093",
       "alerts":[{"status":"firing","labels":{"alertname":"HighErrorRate","service":"orders"},"annotations":{},
         "startsAt":"2026-12-01T23:00:00Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://p","fingerprint":"a1"}]}""";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @LocalManagementPort
  int management;
  @Autowired
  Healer healer;
  @Autowired
  AtomicInteger alertActions;

  private HttpResponse<String> post(String path, String body, String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management + path))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String basic(String user) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + user + "-secret").getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theRightBearerTokenIsAcceptedOnTheManagementPort() throws Exception {
    HttpResponse<String> r = post("/heal/alerts", ALERT, "Bearer " + TOKEN);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(10)).until(() -> alertActions.get() == 1);
    assertThat(healer.journal().recent(10)).anySatisfy(e -> assertThat(e.plan()).isEqualTo("on-high-error-rate"));
  }

  @Test
  void withoutTheTokenHealAnswers401() throws Exception {
    HttpResponse<String> none = post("/heal/alerts", ALERT, null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.body()).as("heal's answer, not Spring Security's").contains("bearer token");
    HttpResponse<String> wrong = post("/heal/alerts", ALERT, "Bearer a-wrong-token-of-some-length");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).contains("bearer token");
    assertThat(post("/heal/alerts", ALERT, basic("ops")).statusCode()).as("a user is not the token").isEqualTo(401);
  }

  @Test
  void theApplicationsRulesStillGuardEverythingElseOnTheManagementPort() throws Exception {
    HttpResponse<String> beside = post("/heal/alerts-and-more", ALERT, "Bearer " + TOKEN);
    assertThat(beside.statusCode()).as("Spring Security's catch-all rule answers").isEqualTo(401);
    assertThat(beside.headers().firstValue("WWW-Authenticate")).get().asString().startsWith("Basic");
    String dryRun = "{\"dryRun\":true}";
    assertThat(post("/actuator/heal/dry-run", dryRun, null).statusCode()).isEqualTo(401);
    assertThat(post("/actuator/heal/dry-run", dryRun, "Bearer " + TOKEN).statusCode())
        .as("the intake's token opens nothing else").isEqualTo(401);
    assertThat(post("/actuator/heal/dry-run", dryRun, basic("dev")).statusCode()).isEqualTo(403);
    assertThat(healer.isDryRun()).as("no write got through").isFalse();
    assertThat(post("/actuator/heal/dry-run", dryRun, basic("ops")).statusCode()).as("role OPS may write").isEqualTo(200);
    assertThat(healer.isDryRun()).isTrue();
    assertThat(post("/actuator/heal/dry-run", "{\"dryRun\":false}", basic("ops")).statusCode()).isEqualTo(200);
    assertThat(healer.isDryRun()).isFalse();
  }
}
