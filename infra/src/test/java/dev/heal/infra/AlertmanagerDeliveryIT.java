package dev.heal.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * infra/alertmanager/alertmanager.yml in a real Alertmanager (Debian's prometheus-alertmanager):
 * a heal="true" alert reaches heal's receiver as a version-4 webhook with the bearer token read
 * from the credentials file, and its resolution follows; heal's own alerts reach Slack only.
 * Only addresses and file paths are rewritten (to a local fake receiver and temporary files) and
 * the waits shortened (group_wait, heal's group_interval); routes, receivers and auth are as written.
 */
class AlertmanagerDeliveryIT {
  private static final String TOKEN = "test-token-0123456789abcdef0123456789abcdef";

  private record Request(String path, String authorization, JsonNode body) {}

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void healAlertsReachHealsReceiverAndHealsOwnAlertsReachHumansOnly(@TempDir Path dir) throws Exception {
    Path alertmanager = ExternalTools.debian("prometheus-alertmanager", "prometheus-alertmanager");
    List<Request> received = new CopyOnWriteArrayList<>();
    HttpServer fake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    fake.createContext("/", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      received.add(new Request(exchange.getRequestURI().getPath(),
          exchange.getRequestHeaders().getFirst("Authorization"), Infra.JSON.readTree(body)));
      byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(exchange.getRequestURI().getPath().equals("/heal/alerts") ? 202 : 200, ok.length);
      exchange.getResponseBody().write(ok);
      exchange.close();
    });
    fake.start();
    String fakeBase = "http://127.0.0.1:" + fake.getAddress().getPort();

    Files.writeString(dir.resolve("heal-alert-token"), TOKEN + "\n");
    Files.writeString(dir.resolve("slack-webhook-url"), fakeBase + "/slack\n");
    String config = Infra.read(Infra.path("alertmanager/alertmanager.yml"));
    String rewritten = config
        .replace("http://orders-service.heal-demo.svc:8081/heal/alerts", fakeBase + "/heal/alerts")
        .replace("/etc/alertmanager/secrets/", dir + "/")
        .replace("group_wait: 30s", "group_wait: 1s")
        .replace("group_interval: 30s", "group_interval: 1s");
    assertThat(rewritten).isNotEqualTo(config).doesNotContain("/etc/alertmanager/secrets/", "heal-demo.svc");
    Path configFile = dir.resolve("alertmanager.yml");
    Files.writeString(configFile, rewritten);

    int port = freePort();
    Process am = new ProcessBuilder(alertmanager.toString(), "--config.file=" + configFile,
        "--storage.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
        "--cluster.listen-address=").redirectErrorStream(true).redirectOutput(dir.resolve("am.log").toFile()).start();
    try {
      String base = "http://127.0.0.1:" + port;
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> get(base + "/-/ready") == 200);

      String startsAt = Instant.now().minusSeconds(5).toString();
      String probe = """
          {"labels":{"alertname":"ProbeNotReady","service":"orders-service","pod":"orders-service-a",
           "probe":"readiness","severity":"warning","heal":"true"},
           "annotations":{"summary":"orders-service-a not ready"},"startsAt":"%s"%s}""";
      post(base + "/api/v2/alerts", "[" + probe.formatted(startsAt, "") + "]");

      await().atMost(Duration.ofSeconds(30)).until(() -> healRequests(received, "firing").size() == 1);
      Request firing = healRequests(received, "firing").get(0);
      assertThat(firing.authorization()).isEqualTo("Bearer " + TOKEN);
      assertThat(firing.body().get("version").asString()).isEqualTo("4");
      assertThat(firing.body().get("receiver").asString()).isEqualTo("heal-orders-service");
      assertThat(firing.body().at("/alerts/0/labels/pod").asString()).isEqualTo("orders-service-a");
      assertThat(firing.body().at("/groupLabels/pod").asString()).isEqualTo("orders-service-a");
      // Humans see it too (continue: true), in the warnings channel.
      await().atMost(Duration.ofSeconds(30)).until(() -> slack(received, "#heal").size() >= 1);

      post(base + "/api/v2/alerts", "[" + probe.formatted(startsAt, ",\"endsAt\":\"" + Instant.now() + "\"") + "]");
      await().atMost(Duration.ofSeconds(60)).until(() -> healRequests(received, "resolved").size() == 1);

      // heal's own trouble goes to Slack's critical channel and never to heal.
      post(base + "/api/v2/alerts", """
          [{"labels":{"alertname":"HealEpisodeGaveUp","service":"orders-service","plan":"database",
            "outcome":"GAVE_UP","severity":"critical","heal":"false"},"startsAt":"%s"}]""".formatted(startsAt));
      await().atMost(Duration.ofSeconds(30)).until(() -> slack(received, "#heal-critical").size() == 1);
      assertThat(received).filteredOn(r -> r.path().equals("/heal/alerts"))
          .allSatisfy(r -> assertThat(r.body().at("/commonLabels/alertname").asString()).isEqualTo("ProbeNotReady"));
    } finally {
      am.destroy();
      if (!am.waitFor(5, TimeUnit.SECONDS)) {
        am.destroyForcibly();
      }
      fake.stop(0);
    }
  }

  private static List<Request> healRequests(List<Request> all, String status) {
    return all.stream().filter(r -> r.path().equals("/heal/alerts"))
        .filter(r -> r.body().get("status").asString().equals(status)).toList();
  }

  private static List<Request> slack(List<Request> all, String channel) {
    return all.stream().filter(r -> r.path().equals("/slack"))
        .filter(r -> r.body().path("channel").asString().equals(channel)).toList();
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
