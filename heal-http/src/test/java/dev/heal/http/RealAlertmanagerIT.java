package dev.heal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.heal.core.healer.Action;
import dev.heal.core.healer.Healer;
import dev.heal.core.healer.Outcome;
import dev.heal.core.healer.Signal;
import dev.heal.core.healer.RecoveryPlan;
import dev.heal.core.healer.Trigger;
import dev.heal.core.health.HealthRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import dev.heal.core.testing.ExternalTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Alertmanager (Debian's prometheus-alertmanager) sends its version-4 webhook, with a bearer
 * token, to heal's receiver: the firing alert opens one episode, the resolved notification closes
 * it.
 */
class RealAlertmanagerIT {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void realAlertmanagerDrivesAHealingEpisode(@TempDir Path dir) throws Exception {
    Path alertmanager = ExternalTools.require("prometheus-alertmanager", "prometheus-alertmanager", "alertmanager");
    AtomicInteger restarts = new AtomicInteger();
    HealthRegistry registry = HealthRegistry.builder().build();
    Healer healer = Healer.builder()
        .plan(RecoveryPlan.when(Trigger.alert("alertname=HighErrorRate", "service=orders"))
            .then(Action.run("restartWorkers", restarts::incrementAndGet)).verifyWithin(Duration.ofMinutes(1)).build())
        .build();
    AlertmanagerReceiver receiver = AlertmanagerReceiver.builder(healer).bearerToken(AlertmanagerReceiverTest.TOKEN)
        .exposeAnnotations("summary").build();
    ProbeServer server = ProbeServer.builder(ProbeHandler.builder(registry).route(receiver.route()))
        .host("127.0.0.1").port(0).start();
    int amPort = freePort();
    Path config = dir.resolve("alertmanager.yml");
    Files.writeString(config, """
        route:
          receiver: heal
          group_by: ['alertname', 'service']
          group_wait: 0s
          group_interval: 1s
          repeat_interval: 1h
        receivers:
          - name: heal
            webhook_configs:
              - url: %s/heal/alerts
                send_resolved: true
                http_config:
                  authorization:
                    type: Bearer
                    credentials: %s
        """.formatted(server.baseUrl(), AlertmanagerReceiverTest.TOKEN));
    Process am = new ProcessBuilder(alertmanager.toString(), "--config.file=" + config,
        "--storage.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + amPort,
        "--cluster.listen-address=").redirectErrorStream(true).redirectOutput(dir.resolve("am.log").toFile()).start();
    try {
      String base = "http://127.0.0.1:" + amPort;
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
          .until(() -> get(base + "/-/ready") == 200);
      String startsAt = Instant.now().minusSeconds(5).toString();
      post(base + "/api/v2/alerts", """
          [{"labels":{"alertname":"HighErrorRate","service":"orders","severity":"page"},
            "annotations":{"summary":"5xx above 5%%"},"startsAt":"%s"}]""".formatted(startsAt));
      await().atMost(Duration.ofSeconds(30)).until(() -> restarts.get() == 1);
      assertThat(healer.journal().open()).singleElement().satisfies(e -> {
        assertThat(e.trigger().labels()).containsEntry("service", "orders");
        assertThat(e.trigger().facts()).isInstanceOfSatisfying(Signal.Facts.Alert.class,
            a -> assertThat(a.fingerprint()).as("Alertmanager's fingerprint").isPresent());
        assertThat(e.trigger().message()).contains("5xx above 5%");
      });
      post(base + "/api/v2/alerts", """
          [{"labels":{"alertname":"HighErrorRate","service":"orders","severity":"page"},
            "annotations":{"summary":"5xx above 5%%"},"startsAt":"%s","endsAt":"%s"}]"""
          .formatted(startsAt, Instant.now().toString()));
      await().atMost(Duration.ofSeconds(30))
          .until(() -> healer.journal().recent(1).get(0).outcome().filter(o -> o == Outcome.RECOVERED).isPresent());
      assertThat(restarts).as("one episode, one action, whatever Alertmanager repeats").hasValue(1);
      assertThat(receiver.rejected()).isZero();
      assertThat(receiver.accepted()).isGreaterThanOrEqualTo(2);
    } finally {
      am.destroy();
      if (!am.waitFor(5, TimeUnit.SECONDS)) {
        am.destroyForcibly();
      }
      server.close();
      healer.close();
      registry.close();
    }
  }

  private int get(String url) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private void post(String url, String json) throws IOException, InterruptedException {
    int code = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
    assertThat(code).as("Alertmanager accepted the alert").isEqualTo(200);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
