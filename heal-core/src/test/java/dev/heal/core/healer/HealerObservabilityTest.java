package dev.heal.core.healer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heal.core.degradation.DegradationLevel;
import dev.heal.core.degradation.Features;
import dev.heal.core.http.HttpRequest;
import dev.heal.core.http.HttpResponse;
import dev.heal.core.time.InlineExecutorService;
import dev.heal.core.time.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealerObservabilityTest {
  private final ManualClock clock = new ManualClock();
  private final AtomicBoolean fixWorks = new AtomicBoolean(false);
  private final Features features = new Features();

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
  void metricsCountEpisodesActionsAndTimeToRecover() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Healer h = healer();
    new HealerMetrics(h, features).bindTo(meters);
    h.raise("broken", "boom");
    assertThat(meters.get("heal.degradation.level").gauge().value()).isEqualTo(1.0);
    clock.advance(Duration.ofSeconds(2));
    h.resolve("broken", "ok");
    assertThat(meters.get("heal.recovery.episodes").tags("plan", "repair", "outcome", "RECOVERED").counter().count()).isEqualTo(1);
    assertThat(meters.get("heal.recovery.actions").tags("action", "reconnect", "outcome", "FAILED").counter().count()).isEqualTo(1);
    assertThat(meters.get("heal.recovery.actions").tags("action", "degrade-reduced", "outcome", "SUCCEEDED").counter().count()).isEqualTo(1);
    assertThat(meters.get("heal.recovery.time.to.recover").tag("plan", "repair").timer().totalTime(TimeUnit.SECONDS)).isEqualTo(2.0);
    assertThat(meters.get("heal.recovery.budget.remaining").gauge().value()).isEqualTo(8.0);
    assertThat(meters.get("heal.degradation.level").gauge().value()).isEqualTo(0.0);
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
    dev.heal.core.http.ProbeHandler handler = dev.heal.core.http.ProbeHandler.builder(registry).showDetails(true)
        .healthSection("degradation", features::describe).build();
    h.raise("overload", "p95 over 300 ms");
    JsonNode health = new ObjectMapper().readTree(handler.dispatch("GET", "/health", "", Map.of(),
        java.io.InputStream.nullInputStream(), -1).body());
    assertThat(health.get("degradation").get("level").asText()).isEqualTo("REDUCED");
    assertThat(health.get("degradation").get("features").get("recommendations").asBoolean()).isFalse();
    h.resolve("overload", "fine");
    assertThat(events.events()).filteredOn(e -> e.type() == HealEvent.Type.DEGRADATION_CHANGED)
        .extracting(HealEvent::message).containsExactly("degradation level NORMAL -> REDUCED", "degradation level REDUCED -> NORMAL");
    registry.close();
  }

  @Test
  void tracesOneSpanPerEpisodeAndOnePerStepInVirtualTime() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
    try (OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setTracerProvider(provider).build()) {
      Healer h = healer(new HealerTracing(otel));
      h.raise("broken", "boom");
      clock.advance(Duration.ofSeconds(3));
      h.resolve("broken", "ok");
      List<SpanData> spans = exporter.getFinishedSpanItems();
      SpanData episode = spans.stream().filter(s -> s.getName().startsWith("heal.episode")).findFirst().orElseThrow();
      assertThat(episode.getAttributes().get(AttributeKey.stringKey("heal.outcome"))).isEqualTo("RECOVERED");
      assertThat(episode.getEndEpochNanos() - episode.getStartEpochNanos()).isEqualTo(Duration.ofSeconds(3).toNanos());
      assertThat(episode.getEvents()).extracting(e -> e.getName()).contains("escalated");
      List<SpanData> steps = spans.stream().filter(s -> s.getName().startsWith("heal.step")).toList();
      assertThat(steps).hasSize(2).allSatisfy(s -> assertThat(s.getParentSpanId()).isEqualTo(episode.getSpanId()));
      assertThat(steps.get(0).getStatus().getStatusCode().name()).isEqualTo("ERROR");
    }
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
    JsonNode first = new ObjectMapper().readTree(lines.get(0));
    assertThat(first.get("outcome").asText()).isEqualTo("RECOVERED");
    assertThat(first.get("steps").get(0).get("action").asText()).isEqualTo("reconnect");
    assertThat(first.get("trigger").get("name").asText()).isEqualTo("broken");
    assertThat(bad.failures()).isEqualTo(2);
    assertThat(h.journal().recent(10)).hasSize(2);
  }

  @Test
  void episodesEndpointServesTheJournalAndRejectsBadLimits() throws Exception {
    Healer h = healer();
    h.raise("broken", "boom");
    h.raise("nobody-handles-this", "x");
    HttpResponse ok = EpisodesEndpoint.handle(h, new HttpRequest("GET", "/heal/episodes", "limit=5", Map.of(), new byte[0]));
    assertThat(ok.status()).isEqualTo(200);
    JsonNode body = new ObjectMapper().readTree(ok.body());
    assertThat(body.get("episodes").get(0).get("plan").asText()).isEqualTo("repair");
    assertThat(body.get("episodes").get(0).get("outcome").isNull()).isTrue();
    assertThat(body.get("ignored").get(0).get("message").asText()).contains("no recovery plan matches custom/nobody-handles-this");
    HttpResponse bad = EpisodesEndpoint.handle(h, new HttpRequest("GET", "/heal/episodes", "limit=lots", Map.of(), new byte[0]));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(new String(bad.body())).contains("limit must be a whole number");
  }
}
