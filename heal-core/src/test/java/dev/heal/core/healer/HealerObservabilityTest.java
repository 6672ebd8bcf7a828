package dev.heal.core.healer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heal.core.degradation.DegradationLevel;
import dev.heal.core.degradation.Features;
import dev.heal.core.time.InlineExecutorService;
import dev.heal.core.time.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

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

}
