package dev.heal.core.healer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heal.core.healer.Action;
import dev.heal.core.healer.HealEvent;
import dev.heal.core.healer.RecoveryPlan;
import dev.heal.core.healer.Signal;
import dev.heal.core.healer.Trigger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 11 item 12, at the level of what is logged: the machine decides how loudly each command is
 * logged, so a storm's WARN lines can be counted exactly without capturing a logger.
 */
class EpisodeMachineStormTest {

  @Test
  void aOneSecondStormOverFiftyTargetsLogsOneWarnLineForItsRefusals() {
    List<RecoveryPlan> plans = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      plans.add(RecoveryPlan.when(Trigger.signal("t" + i)).then(Action.run("fix", () -> { })).build());
    }
    EpisodeMachine m = new EpisodeMachine(new EpisodeMachine.Config(plans, false, Duration.ofSeconds(60),
        Duration.ofMinutes(15), Duration.ofSeconds(1), 10, Duration.ofMinutes(10), Duration.ofHours(24), 10_000,
        10_000, Duration.ofMinutes(1), 1L, null, true), 0);
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    List<Command> out = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      long nanos = i * 20_000_000L;
      m.signal(new Signal(Signal.CUSTOM, "t" + i, true, Map.of(), "storm", t0.plusNanos(nanos), nanos),
          new EpisodeMachine.Now(nanos, t0.plusNanos(nanos)));
      out.addAll(m.drain());
    }
    long budgetWarnings = out.stream().filter(c -> c instanceof Command.Emit e
        && e.event().type() == HealEvent.Type.BUDGET_EXHAUSTED && e.loudness() == Command.Loudness.WARN).count();
    long refusalLogsAboveDebug = out.stream().filter(c -> c instanceof Command.Log l
        && l.loudness() != Command.Loudness.DEBUG).count();
    long refusalsRecorded = out.stream().filter(c -> c instanceof Command.Record).count();
    assertThat(budgetWarnings).as("one WARN notice for the window").isEqualTo(1);
    assertThat(refusalLogsAboveDebug).isZero();
    assertThat(refusalsRecorded).isEqualTo(40);
    assertThat(m.refusedActions()).isEqualTo(40);
    Command.Emit notice = (Command.Emit) out.stream().filter(c -> c instanceof Command.Emit e
        && e.event().type() == HealEvent.Type.BUDGET_EXHAUSTED).findFirst().orElseThrow();
    assertThat(notice.event().message()).contains("10 actions per 600 s").contains("1 action(s) refused");

    // A window later the budget has refilled: a trigger that still fires acts.
    long later = Duration.ofMinutes(10).toNanos() + 1;
    m.signal(new Signal(Signal.CUSTOM, "t49", true, Map.of(), "still", t0.plusNanos(later), later),
        new EpisodeMachine.Now(later, t0.plusNanos(later)));
    assertThat(m.drain()).filteredOn(c -> c instanceof Command.StartAttempt).hasSize(1);
  }
}
