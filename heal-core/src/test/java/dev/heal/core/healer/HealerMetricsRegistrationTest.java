package dev.heal.core.healer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heal.core.time.InlineExecutorService;
import dev.heal.core.time.ManualClock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, item 2: Prometheus' {@code increase()} of a series that first appears at 1 is 0, so
 * heal's episode counters and recovery timers must exist at 0 from the moment the healer is bound,
 * or the first give-up (HealEpisodeGaveUp) and the first slow recovery (HealSlowRecovery) raise
 * no alert.
 */
class HealerMetricsRegistrationTest {
  private final ManualClock clock = new ManualClock();

  private Healer healerThatGivesUp() {
    return Healer.builder().clock(clock).executor(new InlineExecutorService()).cooldown(Duration.ZERO)
        .plan(RecoveryPlan.when(Trigger.signal("broken")).named("payments-recovery")
            .then(Action.of("resetClient", ctx -> ActionResult.failed("still refused")))
            .verifyWithin(Duration.ofSeconds(5)).build())
        .build();
  }

  @Test
  void episodeCountersAndRecoveryTimersAreExportedAtZeroBeforeTheFirstEpisode() {
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new HealerMetrics(healerThatGivesUp()).bindTo(meters);

    String scrape = meters.scrape();
    for (Outcome outcome : Outcome.values()) {
      assertThat(scrape).contains(
          "heal_recovery_episodes_total{outcome=\"" + outcome + "\",plan=\"payments-recovery\"} 0.0");
    }
    for (ActionResult.Status status : ActionResult.Status.values()) {
      assertThat(scrape).contains(
          "heal_recovery_actions_total{action=\"resetClient\",outcome=\"" + status + "\"} 0.0");
    }
    assertThat(scrape)
        .contains("heal_recovery_time_to_recover_seconds_count{plan=\"payments-recovery\"} 0")
        .contains("heal_recovery_time_to_recover_seconds_sum{plan=\"payments-recovery\"} 0.0")
        .contains("heal_recovery_time_to_detect_seconds_count{plan=\"payments-recovery\"} 0")
        .contains("# HELP heal_recovery_episodes_total Healing episodes by outcome")
        .contains("# HELP heal_recovery_time_to_recover_seconds From the first failing signal to verified recovery");
  }

  @Test
  void theFirstGiveUpIsAnIncreaseFromZeroOfTheSameSeries() {
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Healer healer = healerThatGivesUp();
    new HealerMetrics(healer).bindTo(meters);
    double before = meters.get("heal.recovery.episodes").tags("plan", "payments-recovery", "outcome", "GAVE_UP")
        .counter().count();

    healer.raise("broken", "boom");
    clock.advance(Duration.ofSeconds(30));

    assertThat(healer.journal().recent(1)).singleElement()
        .satisfies(e -> assertThat(e.outcome()).contains(Outcome.GAVE_UP));
    assertThat(before).isZero();
    assertThat(meters.get("heal.recovery.episodes").tags("plan", "payments-recovery", "outcome", "GAVE_UP")
        .counter().count()).isEqualTo(1);
    assertThat(meters.get("heal.recovery.actions").tags("action", "resetClient", "outcome", "FAILED")
        .counter().count()).isEqualTo(1);
  }
}
