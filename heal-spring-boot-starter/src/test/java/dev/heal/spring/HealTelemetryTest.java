package dev.heal.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.heal.core.healer.Action;
import dev.heal.core.healer.Healer;
import dev.heal.core.healer.RecoveryPlan;
import dev.heal.core.healer.Trigger;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Telemetry from the context: with an {@code OpenTelemetry} bean, the healer's episodes and steps
 * are spans on it (the same {@code HealerTracing} as plain heal); without one, or without the
 * OpenTelemetry API on the class path, the healer starts all the same.
 */
class HealTelemetryTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(HealAutoConfiguration.class))
      .withBean("maintenancePlan", RecoveryPlan.class, () -> RecoveryPlan.when(Trigger.signal("maintenance"))
          .named("maintenance").then(Action.run("note", () -> { })).build());

  @Test
  void episodesAndStepsAreSpansOnTheApplicationsOpenTelemetry() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
        .addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build();
    runner.withBean(OpenTelemetry.class, () -> otel).run(c -> {
      Healer healer = c.getBean(Healer.class);
      healer.raise("maintenance", "planned");
      healer.resolve("maintenance", "done");
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(spans.getFinishedSpanItems())
          .extracting(SpanData::getName).anyMatch(n -> n.startsWith("heal.episode maintenance")));
    });
    otel.close();
  }

  @Test
  void withoutOpenTelemetryTheHealerStartsAllTheSame() {
    runner.run(c -> assertThat(c).hasNotFailed().hasSingleBean(Healer.class));
    runner.withClassLoader(new FilteredClassLoader(OpenTelemetry.class))
        .run(c -> assertThat(c).hasNotFailed().hasSingleBean(Healer.class));
  }
}
