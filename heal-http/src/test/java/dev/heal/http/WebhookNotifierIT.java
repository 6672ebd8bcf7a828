package dev.heal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.heal.core.healer.Action;
import dev.heal.core.healer.Healer;
import dev.heal.core.healer.Outcome;
import dev.heal.core.healer.RecoveryPlan;
import dev.heal.core.healer.Trigger;
import dev.heal.core.time.InlineExecutorService;
import dev.heal.core.time.ManualClock;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A local server stands in for Slack; it fails, hangs and answers 500 on demand. */
class WebhookNotifierIT {
  enum Mode { OK, FAIL_500, HANG, RATE_LIMITED, BAD_REQUEST }

  private final ManualClock clock = new ManualClock();
  private final List<String> bodies = new CopyOnWriteArrayList<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicReference<Mode> mode = new AtomicReference<>(Mode.OK);
  private final CountDownLatch release = new CountDownLatch(1);
  private HttpServer slack;
  private WebhookNotifier notifier;

  @BeforeEach
  void setUp() throws IOException {
    slack = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    slack.setExecutor(Executors.newFixedThreadPool(4));
    slack.createContext("/services/T000/B000/XXXX", ex -> {
      requests.incrementAndGet();
      bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      switch (mode.get()) {
        case HANG -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        case FAIL_500 -> ex.sendResponseHeaders(500, -1);
        case RATE_LIMITED -> ex.sendResponseHeaders(429, -1);
        case BAD_REQUEST -> ex.sendResponseHeaders(400, -1);
        case OK -> ex.sendResponseHeaders(200, -1);
      }
      ex.close();
    });
    slack.start();
  }

  @AfterEach
  void tearDown() {
    release.countDown();
    if (notifier != null) {
      notifier.close();
    }
    slack.stop(0);
  }

  private URI url() {
    return URI.create("http://127.0.0.1:" + slack.getAddress().getPort() + "/services/T000/B000/XXXX");
  }

  /** A healer whose notifier waits 5 s for an answer (a loaded CI machine can take a while to connect). */
  private Healer healer() {
    return healer(Duration.ofSeconds(5));
  }

  private Healer healer(Duration requestTimeout) {
    notifier = WebhookNotifier.slack(url()).service("orders-service").clock(clock)
        .requestTimeout(requestTimeout).maxAttempts(3).retryBackoff(Duration.ofSeconds(1)).build();
    return Healer.builder().clock(clock).executor(new InlineExecutorService()).listener(notifier).cooldown(Duration.ZERO)
        .plan(RecoveryPlan.when(Trigger.signal("db-broken")).target("db").then(Action.run("reconnectPool", () -> {}))
            .verifyWithin(Duration.ofSeconds(5)).build())
        .build();
  }

  @Test
  void sendsAReadableSlackMessageForEachEpisode() throws Exception {
    Healer h = healer();
    h.raise("db-broken", "connection refused");
    clock.advance(Duration.ofSeconds(2));
    h.resolve("db-broken", "connected");
    await().atMost(Duration.ofSeconds(5)).until(() -> notifier.sent() == 1);
    JsonNode msg = new ObjectMapper().readTree(bodies.get(0));
    String text = msg.get("text").asString();
    assertThat(text).contains("orders-service").contains("RECOVERED").contains("`db`")
        .contains("reconnectPool → SUCCEEDED").contains("time to recover: 2.0 s").contains("connection refused");
    assertThat(msg.get("blocks").get(0).get("text").get("type").asString()).isEqualTo("mrkdwn");
  }

  @Test
  void failingSlackIsRetriedAndNeverDelaysHealing() {
    mode.set(Mode.FAIL_500);
    Healer h = healer();
    h.raise("db-broken", "connection refused");
    h.resolve("db-broken", "connected");
    assertThat(h.journal().recent(1).get(0).outcome()).as("healing finished before any delivery").contains(Outcome.RECOVERED);
    await().atMost(Duration.ofSeconds(5)).until(() -> requests.get() == 1);
    await().atMost(Duration.ofSeconds(5)).until(() -> notifier.failures() == 1);
    clock.advance(Duration.ofSeconds(1));
    await().atMost(Duration.ofSeconds(5)).until(() -> requests.get() == 2);
    await().atMost(Duration.ofSeconds(5)).until(() -> notifier.failures() == 2);
    clock.advance(Duration.ofSeconds(2));
    await().atMost(Duration.ofSeconds(5)).until(() -> notifier.failures() == 3);
    clock.advance(Duration.ofMinutes(1));
    assertThat(requests).as("three attempts, then it gives up").hasValue(3);
    assertThat(notifier.sent()).isZero();
  }

  @Test
  void hangingSlackTimesOutWhileHealingGoesOn() {
    mode.set(Mode.HANG);
    Healer h = healer(Duration.ofMillis(300));
    h.raise("db-broken", "refused");
    h.resolve("db-broken", "ok");
    await().atMost(Duration.ofSeconds(5)).until(() -> notifier.failures() == 1);
    h.raise("db-broken", "refused again");
    h.resolve("db-broken", "ok again");
    assertThat(h.journal().recent(10)).hasSize(2).allSatisfy(e -> assertThat(e.outcome()).contains(Outcome.RECOVERED));
  }

  @Test
  void clientErrorsAreNotRetriedAndDuplicatesAreDropped() {
    mode.set(Mode.BAD_REQUEST);
    Healer h = healer();
    h.raise("db-broken", "refused");
    h.resolve("db-broken", "ok");
    h.raise("db-broken", "refused");
    h.resolve("db-broken", "ok");
    await().atMost(Duration.ofSeconds(5)).until(() -> notifier.failures() == 1);
    clock.advance(Duration.ofMinutes(1));
    assertThat(requests).hasValue(1);
    assertThat(notifier.deduplicated()).isEqualTo(1);
    assertThat(notifier.toString()).doesNotContain("XXXX");
  }
}
