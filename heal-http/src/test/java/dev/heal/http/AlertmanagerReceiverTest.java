package dev.heal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heal.core.healer.Signal;
import dev.heal.core.time.ManualClock;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertmanagerReceiverTest {
  static final String TOKEN = "s3cret-token-for-tests";
  static final String VALID = """
      {"version":"4","groupKey":"{}:{alertname=\\"HighErrorRate\\"}","truncatedAlerts":0,"status":"firing",
       "receiver":"heal","groupLabels":{"alertname":"HighErrorRate"},
       "commonLabels":{"alertname":"HighErrorRate","service":"orders"},
       "commonAnnotations":{"summary":"5xx above 5%"},"externalURL":"http://alertmanager:9093",
       "alerts":[
        {"status":"firing","labels":{"alertname":"HighErrorRate","service":"orders","pod":"orders-1"},
         "annotations":{"summary":"5xx above 5% on orders-1"},"startsAt":"2026-11-26T06:00:00Z",
         "endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://prometheus/graph","fingerprint":"f1"},
        {"status":"resolved","labels":{"alertname":"HighErrorRate","service":"orders","pod":"orders-2"},
         "annotations":{},"startsAt":"2026-11-26T05:00:00Z","endsAt":"2026-11-26T05:30:00Z","fingerprint":"f2"}
       ]}""";

  private final List<Signal> received = new ArrayList<>();
  private final AlertmanagerReceiver receiver =
      AlertmanagerReceiver.builder(received::add).bearerToken(TOKEN).clock(new ManualClock()).build();

  static HttpRequest post(String token, String body) {
    Map<String, List<String>> headers = token == null ? Map.of("content-type", List.of("application/json"))
        : Map.of("authorization", List.of("Bearer " + token), "content-type", List.of("application/json"));
    return HttpRequest.of("POST", "/heal/alerts", "", headers, body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void validPayloadBecomesOneSignalPerAlert() {
    HttpResponse r = receiver.handle(post(TOKEN, VALID));
    assertThat(r.status()).isEqualTo(202);
    assertThat(new String(r.body())).contains("\"alerts\":2").contains("\"firing\":1");
    assertThat(received).hasSize(2);
    Signal firing = received.get(0);
    assertThat(firing.source()).isEqualTo(Signal.ALERT);
    assertThat(firing.name()).isEqualTo("HighErrorRate");
    assertThat(firing.firing()).isTrue();
    assertThat(firing.labels()).containsEntry("service", "orders").doesNotContainKeys("fingerprint", "startsAt");
    assertThat(firing.facts()).isEqualTo(new Signal.Facts.Alert(java.util.Optional.of("f1"),
        java.time.Instant.parse("2026-11-26T06:00:00Z")));
    assertThat(firing.resolutionKey()).isEqualTo("alert/HighErrorRate#f1");
    assertThat(firing.message()).as("annotations stay out unless allow-listed").isEqualTo("alert HighErrorRate");
    assertThat(received.get(1).firing()).isFalse();
  }

  @Test
  void missingOrWrongTokenIsRejectedAndNothingRuns() {
    HttpResponse none = receiver.handle(post(null, VALID));
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.headers()).containsKey("WWW-Authenticate");
    assertThat(receiver.handle(post("wrong-token-wrong-token", VALID)).status()).isEqualTo(401);
    assertThat(received).isEmpty();
    assertThat(receiver.rejected()).isEqualTo(2);
  }

  @Test
  void badPayloadsGet400NamingTheProblemAndSendNothing() {
    Map<String, String> cases = Map.of(
        "{not json", "malformed JSON",
        "[]", "must be a JSON object",
        VALID.replace("\"version\":\"4\"", "\"version\":\"3\""), "unsupported payload version '3'",
        VALID.replace("\"version\":\"4\",", ""), "'version' is missing",
        VALID.replace("\"pod\":\"orders-2\"", "\"pod\":2"), "alerts[1].labels.pod' must be a string",
        VALID.replace("\"startsAt\":\"2026-11-26T05:00:00Z\"", "\"startsAt\":\"yesterday\""), "alerts[1].startsAt' is not an RFC 3339 time",
        VALID.replace("\"status\":\"resolved\"", "\"status\":\"gone\""), "alerts[1].status' must be \"firing\" or \"resolved\"",
        VALID + " {}", "malformed JSON",
        VALID.replace("\"receiver\":\"heal\",", "\"receiver\":\"heal\",\"receiver\":\"x\","), "malformed JSON: Duplicate ",
        VALID.replace("\"alertname\":\"HighErrorRate\",\"service\":\"orders\",\"pod\":\"orders-2\"", "\"service\":\"orders\""), "alerts[1].labels.alertname' is missing");
    cases.forEach((body, message) -> {
      HttpResponse r = receiver.handle(post(TOKEN, body));
      assertThat(r.status()).as(message).isEqualTo(400);
      assertThat(error(r)).as(message).contains(message);
    });
    assertThat(received).as("a rejected payload executes nothing, not even its valid alerts").isEmpty();
  }

  static String error(HttpResponse r) {
    try {
      return new tools.jackson.databind.ObjectMapper().readTree(r.body()).get("error").asString();
    } catch (tools.jackson.core.JacksonException e) {
      throw new AssertionError("error body is not JSON: " + new String(r.body(), StandardCharsets.UTF_8), e);
    }
  }

  @Test
  void wrongContentTypeIsRejected() {
    HttpRequest r = HttpRequest.of("POST", "/heal/alerts", "", Map.of("authorization", List.of("Bearer " + TOKEN),
        "content-type", List.of("text/plain")), VALID.getBytes(StandardCharsets.UTF_8));
    assertThat(receiver.handle(r).status()).isEqualTo(415);
  }

  @Test
  void receiverCannotBeBuiltWithoutAStrongToken() {
    assertThatThrownBy(() -> AlertmanagerReceiver.builder(s -> {}).build()).hasMessageContaining("needs a bearer token");
    assertThatThrownBy(() -> AlertmanagerReceiver.builder(s -> {}).bearerToken("short").build()).hasMessageContaining("too short");
  }
}
