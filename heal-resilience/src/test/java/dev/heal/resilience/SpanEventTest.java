package dev.heal.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heal.core.time.ManualClock;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.EventData;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SpanEventTest {
  @RegisterExtension
  static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  @Test
  @SuppressWarnings("try")
  void aTransitionAddsAnEventToTheCurrentSpan() {
    Resilience r = Resilience.builder().clock(new ManualClock())
        .circuitBreaker("payments", b -> b.slidingWindowSize(2).minimumNumberOfCalls(2))
        .build();
    Supplier<String> call = r.<String>decorate(() -> {
      throw new IllegalStateException("down");
    }).withCircuitBreaker("payments").build();
    Span span = otel.getOpenTelemetry().getTracer("test").spanBuilder("charge").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      for (int i = 0; i < 2; i++) {
        try {
          call.get();
        } catch (IllegalStateException expected) {
          // opening the circuit is the point
        }
      }
    } finally {
      span.end();
    }
    assertThat(otel.getSpans()).singleElement().satisfies(s -> {
      assertThat(s.getEvents()).extracting(EventData::getName)
          .containsExactly("heal.circuitbreaker.state_transition");
      EventData e = s.getEvents().get(0);
      assertThat(e.getAttributes().get(AttributeKey.stringKey("heal.circuitbreaker.name")))
          .isEqualTo("payments");
      assertThat(e.getAttributes().get(AttributeKey.stringKey("heal.circuitbreaker.from")))
          .isEqualTo("CLOSED");
      assertThat(e.getAttributes().get(AttributeKey.stringKey("heal.circuitbreaker.to")))
          .isEqualTo("OPEN");
    });
  }
}
