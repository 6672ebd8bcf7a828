package dev.heal.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heal.core.degradation.DegradationLevel;
import dev.heal.core.degradation.Features;
import dev.heal.core.healer.Action;
import dev.heal.core.healer.ActionResult;
import dev.heal.core.healer.Actions;
import dev.heal.core.healer.HealEvent;
import dev.heal.core.healer.Healer;
import dev.heal.core.healer.HealerListener;
import dev.heal.core.healer.RecoveryPlan;
import dev.heal.core.healer.Trigger;
import dev.heal.core.time.InlineExecutorService;
import dev.heal.core.time.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The healer's state as heal-http writes it: /health sections, /heal/episodes, the JSON-lines journal. */
class HealerHttpTest {
  private final ManualClock clock = new ManualClock();
  private final AtomicBoolean fixWorks = new AtomicBoolean(false);
  private final Features features = new Features();

  /** Records every event, in order. */
  static final class RecordingListener implements HealerListener {
    private final List<HealEvent> events = new ArrayList<>();

    @Override
    public synchronized void onEvent(HealEvent event) {
      events.add(event);
    }

    synchronized List<HealEvent> events() {
      return List.copyOf(events);
    }
  }

  private Healer healer(HealerListener... listeners) {
    Healer.Builder b = Healer.builder().clock(clock).executor(new InlineExecutorService()).cooldown(Duration.ZERO)
        .plan(RecoveryPlan.when(Trigger.signal("broken")).named("repair")
            .then(Action.of("reconnect", ctx -> fixWorks.get() ? ActionResult.succeeded("ok") : ActionResult.failed("still refused")))
            .escalateTo(Actions.degrade(features, DegradationLevel.REDUCED)).verifyWithin(Duration.ofSeconds(5))
            .build());
    for (HealerListener l : listeners) {
      b.listener(l);
    }
    return b.build();
  }

  @Test
  void degradationLevelChangesAreEventsAndShowInHealth() throws Exception {
    RecordingListener events = new RecordingListener();
    features.define("recommendations", DegradationLevel.REDUCED);
    Healer h = Healer.builder().clock(clock).executor(new InlineExecutorService()).features(features).listener(events)
        .plan(RecoveryPlan.when(Trigger.signal("overload")).then(Actions.degrade(features, DegradationLevel.REDUCED))
            .verifyWithin(Duration.ofMinutes(1)).build())
        .build();
    dev.heal.core.health.HealthRegistry registry = dev.heal.core.health.HealthRegistry.builder().clock(clock).build();
    ProbeHandler handler = ProbeHandler.builder(registry).showDetails(true).anonymousReads(true)
        .healthSection("degradation", features::describe).build();
    h.raise("overload", "p95 over 300 ms");
    JsonNode health = new tools.jackson.databind.ObjectMapper().readTree(handler.dispatch("GET", "/health", "", HttpRequest.Headers.NONE,
        java.io.InputStream.nullInputStream(), -1).body());
    assertThat(health.get("degradation").get("level").asString()).isEqualTo("REDUCED");
    assertThat(health.get("degradation").get("features").get("recommendations").asBoolean()).isFalse();
    h.resolve("overload", "fine");
    assertThat(events.events()).filteredOn(e -> e.type() == HealEvent.Type.DEGRADATION_CHANGED)
        .extracting(HealEvent::message).containsExactly("degradation level NORMAL -> REDUCED", "degradation level REDUCED -> NORMAL");
    registry.close();
  }


  @Test
  void jsonLinesJournalAppendsClosedEpisodesAndSurvivesAnUnwritableFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("journal.jsonl");
    JsonLinesJournal good = new JsonLinesJournal(file);
    JsonLinesJournal bad = new JsonLinesJournal(dir.resolve("no-such-dir").resolve("journal.jsonl"));
    Healer h = healer(bad, good);
    fixWorks.set(true);
    h.raise("broken", "boom");
    h.resolve("broken", "ok");
    h.raise("broken", "again");
    h.resolve("broken", "ok");
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(2);
    JsonNode first = new tools.jackson.databind.ObjectMapper().readTree(lines.get(0));
    assertThat(first.get("outcome").asString()).isEqualTo("RECOVERED");
    assertThat(first.get("steps").get(0).get("action").asString()).isEqualTo("reconnect");
    assertThat(first.get("trigger").get("name").asString()).isEqualTo("broken");
    assertThat(bad.failures()).isEqualTo(2);
    assertThat(h.journal().recent(10)).hasSize(2);
  }


  @Test
  void episodesEndpointServesTheJournalAndRejectsBadLimits() throws Exception {
    Healer h = healer();
    h.raise("broken", "boom");
    h.raise("nobody-handles-this", "x");
    HttpResponse ok = EpisodesEndpoint.handle(h, HttpRequest.of("GET", "/heal/episodes", "limit=5", Map.of(), new byte[0]));
    assertThat(ok.status()).isEqualTo(200);
    JsonNode body = new tools.jackson.databind.ObjectMapper().readTree(ok.body());
    assertThat(body.get("episodes").get(0).get("plan").asString()).isEqualTo("repair");
    assertThat(body.get("episodes").get(0).get("outcome").isNull()).isTrue();
    assertThat(body.get("ignored").get(0).get("message").asString()).contains("no recovery plan matches custom/nobody-handles-this");
    HttpResponse bad = EpisodesEndpoint.handle(h, HttpRequest.of("GET", "/heal/episodes", "limit=lots", Map.of(), new byte[0]));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(new String(bad.body())).contains("limit must be a whole number");
  }

  @Test
  void episodesShowTheFleetViewWhenTheHealerHasAFleetGuard() {
    dev.heal.core.fleet.InMemoryFleet fleet = dev.heal.core.fleet.InMemoryFleet.builder().replicas(4).ready(() -> 3).share(0.25)
        .clock(clock).guard(g -> g.ttl(Duration.ofSeconds(30))).build();
    dev.heal.core.health.HealthRegistry registry =
        dev.heal.core.health.HealthRegistry.builder().clock(clock).executor(new InlineExecutorService()).build();
    Healer withFleet = Healer.builder().clock(clock).executor(new InlineExecutorService()).eventExecutor(Runnable::run)
        .cooldown(Duration.ZERO).fleetGuard(fleet.member("pod-a"))
        .plan(RecoveryPlan.when(Trigger.signal("db")).target("db").then(Actions.drain(registry))
            .verifyWithin(Duration.ofMinutes(5)).build())
        .build();
    withFleet.raise("db", "db down");
    JsonNode body = new tools.jackson.databind.ObjectMapper().readTree(
        EpisodesEndpoint.handle(withFleet, HttpRequest.of("GET", "/heal/episodes", "", Map.of(), new byte[0])).body());
    JsonNode f = body.get("fleet");
    assertThat(f.get("member").asString()).isEqualTo("pod-a");
    assertThat(f.get("replicas").asInt()).isEqualTo(4);
    assertThat(f.get("ready").asInt()).isEqualTo(3);
    assertThat(f.get("serving").asInt()).as("min(desired, max(ready, holders))").isEqualTo(3);
    assertThat(f.get("slots").asInt()).isEqualTo(1);
    assertThat(f.get("holders").get(0).asString()).isEqualTo("pod-a");
    assertThat(f.get("held").get(0).get("member").asString()).isEqualTo("pod-a");
    assertThat(f.get("held").get(0).get("expires").asString()).endsWith("Z");
    assertThat(f.has("symptoms")).isTrue();
    assertThat(new tools.jackson.databind.ObjectMapper().readTree(EpisodesEndpoint.handle(healer(),
        HttpRequest.of("GET", "/heal/episodes", "", Map.of(), new byte[0])).body()).has("fleet"))
        .as("no fleet guard, no fleet section").isFalse();
    withFleet.close();
    registry.close();
  }
}
