package dev.heal.core.healer;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.HashMap;
import java.util.Map;

/**
 * Reports episodes as OpenTelemetry spans through the API only: one span per episode
 * ({@code heal.episode}), one child span per step attempt ({@code heal.step}), span events for
 * escalation, verification failures, joins and budget exhaustion. Timestamps come from the
 * healer's clock, so virtual-time runs produce consistent traces. With no SDK installed the API is
 * a no-op and this costs next to nothing.
 *
 * <p>Register with {@code healer.addListener(new HealerTracing(openTelemetry))}. Thread-safe
 * (the healer calls it on its event thread, in decision order; it synchronizes itself).
 */
public final class HealerTracing implements HealerListener {
  static final AttributeKey<String> EPISODE = AttributeKey.stringKey("heal.episode.id");
  static final AttributeKey<String> PLAN = AttributeKey.stringKey("heal.plan");
  static final AttributeKey<String> TARGET = AttributeKey.stringKey("heal.target");
  static final AttributeKey<String> ACTION = AttributeKey.stringKey("heal.action");
  static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("heal.attempt");
  static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("heal.outcome");
  static final AttributeKey<Boolean> DRY_RUN = AttributeKey.booleanKey("heal.dry_run");

  private final Tracer tracer;
  private final Map<String, Span> episodes = new HashMap<>();
  private final Map<String, Span> steps = new HashMap<>();

  public HealerTracing(OpenTelemetry openTelemetry) {
    this.tracer = openTelemetry.getTracer("dev.heal.core");
  }

  @Override
  public synchronized void onEvent(HealEvent event) {
    Episode e = event.episode().orElse(null);
    if (e == null) {
      return;
    }
    switch (event.type()) {
      case EPISODE_OPENED -> episodes.put(e.id(), tracer.spanBuilder("heal.episode " + e.plan())
          .setSpanKind(SpanKind.INTERNAL).setNoParent().setStartTimestamp(event.at())
          .setAttribute(EPISODE, e.id()).setAttribute(PLAN, e.plan()).setAttribute(TARGET, e.target())
          .setAttribute(DRY_RUN, e.dryRun()).startSpan());
      case STEP_STARTED -> {
        Span parent = episodes.get(e.id());
        StepRecord s = event.stepRecord().orElse(null);
        if (parent != null && s != null) {
          steps.put(e.id() + "#" + event.step(), tracer.spanBuilder("heal.step " + s.name())
              .setParent(Context.root().with(parent)).setStartTimestamp(event.at())
              .setAttribute(ACTION, s.action()).setAttribute(ATTEMPT, (long) s.attempt()).startSpan());
        }
      }
      case STEP_FINISHED -> {
        Span step = steps.remove(e.id() + "#" + event.step());
        StepRecord s = event.stepRecord().orElse(null);
        if (step != null && s != null) {
          String status = s.status().map(Enum::name).orElse("UNKNOWN");
          step.setAttribute(OUTCOME, status);
          if (!"SUCCEEDED".equals(status) && !"DRY_RUN".equals(status)) {
            step.setStatus(StatusCode.ERROR, s.message());
          }
          step.end(event.at());
        }
      }
      case ESCALATED, VERIFICATION_FAILED, SIGNAL_JOINED, BUDGET_EXHAUSTED -> {
        Span parent = episodes.get(e.id());
        if (parent != null) {
          parent.addEvent(event.type().name().toLowerCase(java.util.Locale.ROOT),
              Attributes.of(AttributeKey.stringKey("message"), event.message()), event.at());
        }
      }
      case EPISODE_CLOSED -> {
        // A step still running when its episode ends is ended with the episode.
        steps.entrySet().removeIf(en -> {
          if (en.getKey().startsWith(e.id() + "#")) {
            en.getValue().end(event.at());
            return true;
          }
          return false;
        });
        Span span = episodes.remove(e.id());
        if (span != null) {
          String outcome = e.outcome().map(Enum::name).orElse("UNKNOWN");
          span.setAttribute(OUTCOME, outcome);
          if (!"RECOVERED".equals(outcome)) {
            span.setStatus(StatusCode.ERROR, event.message());
          }
          span.end(event.at());
        }
      }
      default -> { }
    }
  }
}
