package dev.heal.core.healer;

import dev.heal.core.degradation.Features;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Optional;

/**
 * Binds a {@link Healer} (and optionally {@link Features}) to Micrometer. Meter names live here.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th></tr>
 *   <tr><td>{@code heal.recovery.episodes}</td><td>counter</td><td>plan, outcome</td></tr>
 *   <tr><td>{@code heal.recovery.actions}</td><td>counter</td><td>action, outcome (SUCCEEDED, FAILED,
 *       NOT_NOW, UNAVAILABLE, DRY_RUN)</td></tr>
 *   <tr><td>{@code heal.recovery.time.to.recover}</td><td>timer</td><td>plan</td></tr>
 *   <tr><td>{@code heal.recovery.time.to.detect}</td><td>timer</td><td>plan</td></tr>
 *   <tr><td>{@code heal.recovery.budget.remaining}</td><td>gauge</td><td></td></tr>
 *   <tr><td>{@code heal.recovery.episodes.open}</td><td>gauge</td><td></td></tr>
 *   <tr><td>{@code heal.recovery.budget.exhausted}</td><td>counter</td><td>every refused action (one
 *       notice event per budget window, but each refusal counted)</td></tr>
 *   <tr><td>{@code heal.recovery.events.dropped}</td><td>counter</td><td>events the full queue dropped</td></tr>
 *   <tr><td>{@code heal.recovery.listener.failures}</td><td>counter</td><td>listener calls that threw</td></tr>
 *   <tr><td>{@code heal.degradation.level}</td><td>gauge</td><td>0 NORMAL, 1 REDUCED, 2 ESSENTIAL_ONLY</td></tr>
 * </table>
 *
 * <p>Every episode counter, action counter and recovery timer above is registered at zero for
 * each of the healer's plans (every outcome) and steps (every action status) when {@link #bindTo}
 * runs, so that the first episode, the first give-up and the first recovery show in Prometheus as
 * an increase from 0 ({@code increase()} of a series that appears at 1 is 0) and dashboards have
 * data before anything happened.
 *
 * <p>Thread-safe.
 */
public final class HealerMetrics implements MeterBinder {
  private final Healer healer;
  private final Optional<Features> features;

  public HealerMetrics(Healer healer) {
    this(healer, null);
  }

  public HealerMetrics(Healer healer, Features features) {
    this.healer = healer;
    this.features = Optional.ofNullable(features);
  }

  @Override
  public void bindTo(MeterRegistry meters) {
    Gauge.builder("heal.recovery.budget.remaining", healer, Healer::budgetRemaining)
        .description("Recovery actions the budget allows right now").register(meters);
    Gauge.builder("heal.recovery.episodes.open", healer, h -> h.journal().open().size())
        .description("Healing episodes in progress").register(meters);
    features.ifPresent(f -> Gauge.builder("heal.degradation.level", f, x -> x.level().severity())
        .description("Degradation level: 0 NORMAL, 1 REDUCED, 2 ESSENTIAL_ONLY").register(meters));
    FunctionCounter.builder("heal.recovery.budget.exhausted", healer, Healer::refusedActions)
        .description("Actions refused because the budget was spent").register(meters);
    FunctionCounter.builder("heal.recovery.events.dropped", healer, Healer::droppedEvents)
        .description("Healer events not delivered to listeners because the event queue was full").register(meters);
    FunctionCounter.builder("heal.recovery.listener.failures", healer, Healer::listenerFailures)
        .description("Healer listener calls that threw").register(meters);
    for (RecoveryPlan plan : healer.plans()) {
      for (Outcome outcome : Outcome.values()) {
        episodes(meters, plan.name(), outcome.name());
      }
      timeToDetect(meters, plan.name());
      timeToRecover(meters, plan.name());
      for (RecoveryPlan.Step step : plan.steps()) {
        for (ActionResult.Status status : ActionResult.Status.values()) {
          actions(meters, step.action().name(), status.name());
        }
      }
    }
    healer.addListener(event -> {
      switch (event.type()) {
        case STEP_FINISHED -> event.stepRecord().ifPresent(r ->
            actions(meters, r.action(), r.status().map(Enum::name).orElse("UNKNOWN")).increment());
        case EPISODE_CLOSED -> event.episode().ifPresent(e -> {
          String outcome = e.outcome().map(Enum::name).orElse("UNKNOWN");
          episodes(meters, e.plan(), outcome).increment();
          timeToDetect(meters, e.plan()).record(e.timeToDetect());
          e.timeToRecover().ifPresent(d -> timeToRecover(meters, e.plan()).record(d));
        });
        default -> { }
      }
    });
  }

  private static Counter episodes(MeterRegistry meters, String plan, String outcome) {
    return Counter.builder("heal.recovery.episodes").tags("plan", plan, "outcome", outcome)
        .description("Healing episodes by outcome").register(meters);
  }

  private static Counter actions(MeterRegistry meters, String action, String outcome) {
    return Counter.builder("heal.recovery.actions").tags("action", action, "outcome", outcome)
        .description("Recovery action attempts").register(meters);
  }

  private static Timer timeToDetect(MeterRegistry meters, String plan) {
    return Timer.builder("heal.recovery.time.to.detect").tag("plan", plan)
        .description("From the first failing signal to the episode opening").register(meters);
  }

  private static Timer timeToRecover(MeterRegistry meters, String plan) {
    return Timer.builder("heal.recovery.time.to.recover").tag("plan", plan)
        .description("From the first failing signal to verified recovery").register(meters);
  }


}
