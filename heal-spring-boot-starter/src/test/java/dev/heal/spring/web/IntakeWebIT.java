package dev.heal.spring.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.heal.core.healer.Healer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The Alertmanager intake over real HTTP, on a management port of its own: a v4 webhook with the
 * bearer token reaches the plan; without it 401; the application's port does not serve it.
 */
@SpringBootTest(classes = TestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "management.server.port=0", "heal.intake.token=" + IntakeWebIT.TOKEN,
    TestApp.R4J_VERIFIER_EXCLUDE})
class IntakeWebIT {
  static final String TOKEN = "an-intake-token-for-tests";
  private static final String ALERT = """
      {"version":"4","groupKey":"{}:{alertname=\\"HighErrorRate\\"}","truncatedAlerts":0,"status":"firing",
       "receiver":"heal","groupLabels":{"alertname":"HighErrorRate"},"commonLabels":{"alertname":"HighErrorRate"},
       "commonAnnotations":{},"externalURL":"http://alertmanager:9093",
       "alerts":[{"status":"firing","labels":{"alertname":"HighErrorRate","service":"orders"},"annotations":{},
         "startsAt":"2026-12-01T23:00:00Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://p","fingerprint":"a1"}]}""";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @LocalServerPort
  int port;
  @LocalManagementPort
  int management;
  @Autowired
  Healer healer;
  @Autowired
  @Qualifier("alertActions")
  AtomicInteger alertActions;

  private HttpResponse<String> post(int to, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + to + "/heal/alerts"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(ALERT));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anAlertWithTheTokenReachesItsPlanOnTheManagementPort() throws Exception {
    assertThat(management).isNotEqualTo(port);
    HttpResponse<String> r = post(management, TOKEN);
    assertThat(r.statusCode()).as(r.body()).isBetween(200, 299);
    await().atMost(Duration.ofSeconds(10)).until(() -> alertActions.get() == 1);
    assertThat(healer.journal().recent(10)).anySatisfy(e -> assertThat(e.plan()).isEqualTo("on-high-error-rate"));
  }

  @Test
  void withoutTheTokenTheIntakeAnswers401AndTheApplicationPortDoesNotServeIt() throws Exception {
    HttpResponse<String> r = post(management, null);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).contains("bearer token");
    assertThat(post(management, "a-wrong-token-of-some-length").statusCode()).isEqualTo(401);
    assertThat(post(port, TOKEN).statusCode()).isEqualTo(404);
  }
}
