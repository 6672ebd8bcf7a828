package dev.heal.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heal.core.healer.Action;
import dev.heal.core.healer.Healer;
import dev.heal.core.healer.Outcome;
import dev.heal.core.healer.RecoveryPlan;
import dev.heal.core.healer.Trigger;
import dev.heal.core.health.HealthRegistry;
import dev.heal.core.time.InlineExecutorService;
import dev.heal.core.time.ManualClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Alertmanager payloads against the real endpoint over HTTP. */
class AlertmanagerReceiverIT {
  private final ManualClock clock = new ManualClock();
  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicInteger restarts = new AtomicInteger();
  private HealthRegistry registry;
  private Healer healer;
  private ProbeServer server;

  @BeforeEach
  void setUp() {
    registry = HealthRegistry.builder().clock(clock).build();
    healer = Healer.builder().clock(clock).executor(new InlineExecutorService())
        .plan(RecoveryPlan.when(Trigger.alert("alertname=HighErrorRate", "service=orders"))
            .then(Action.run("restartWorkers", restarts::incrementAndGet)).build())
        .build();
    AlertmanagerReceiver receiver = AlertmanagerReceiver.builder(healer).bearerToken(AlertmanagerReceiverTest.TOKEN)
        .clock(clock).maxBodyBytes(4096).build();
    server = ProbeServer.builder(ProbeHandler.builder(registry).route(receiver.route())).host("127.0.0.1").port(0).start();
  }

  @AfterEach
  void tearDown() {
    server.close();
    healer.close();
    registry.close();
  }

  private HttpResponse<String> post(String token, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/heal/alerts"))
        .header("Content-Type", "application/json").POST(BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), BodyHandlers.ofString());
  }

  @Test
  void firingAlertStartsOneEpisodeAndReplaysDoNot() throws Exception {
    assertThat(post(AlertmanagerReceiverTest.TOKEN, AlertmanagerReceiverTest.VALID).statusCode()).isEqualTo(202);
    assertThat(restarts).hasValue(1);
    assertThat(post(AlertmanagerReceiverTest.TOKEN, AlertmanagerReceiverTest.VALID).statusCode()).isEqualTo(202);
    assertThat(restarts).as("replayed alert").hasValue(1);
    String resolved = AlertmanagerReceiverTest.VALID.replace("\"status\":\"firing\",\"labels\"", "\"status\":\"resolved\",\"labels\"");
    assertThat(post(AlertmanagerReceiverTest.TOKEN, resolved).statusCode()).isEqualTo(202);
    assertThat(healer.journal().recent(1).get(0).outcome()).contains(Outcome.RECOVERED);
  }

  @Test
  void unknownAlertsAreAcceptedAndJournaledAsIgnored() throws Exception {
    String other = AlertmanagerReceiverTest.VALID.replace("HighErrorRate", "DiskAlmostFull");
    HttpResponse<String> r = post(AlertmanagerReceiverTest.TOKEN, other);
    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(restarts).hasValue(0);
    assertThat(healer.journal().notes()).anySatisfy(n -> assertThat(n.message()).contains("no recovery plan matches alert/DiskAlmostFull"));
  }

  @Test
  void rejectedRequestsExecuteNothing() throws Exception {
    assertThat(post(null, AlertmanagerReceiverTest.VALID).statusCode()).isEqualTo(401);
    assertThat(post("not-the-token-at-all", AlertmanagerReceiverTest.VALID).statusCode()).isEqualTo(401);
    assertThat(post(AlertmanagerReceiverTest.TOKEN, "{\"version\":").statusCode()).isEqualTo(400);
    HttpResponse<String> big = post(AlertmanagerReceiverTest.TOKEN, AlertmanagerReceiverTest.VALID + " ".repeat(8192));
    assertThat(big.statusCode()).isEqualTo(413);
    assertThat(big.body()).contains("over the limit of 4096 bytes");
    HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/heal/alerts")).build(), BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(restarts).hasValue(0);
    assertThat(healer.journal().size()).isZero();
  }
}
