package dev.heal.examples.springorders;

import dev.heal.core.health.HealthCheck;
import dev.heal.core.health.HealthRegistry;
import dev.heal.core.health.HealthResult;
import dev.heal.core.healer.Action;
import dev.heal.core.healer.Actions;
import dev.heal.core.healer.RecoveryPlan;
import dev.heal.core.healer.Trigger;
import dev.heal.resilience.ResilienceSignals;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * orders-service's health rule and recovery plans as beans. Settings (intervals, thresholds,
 * criticality) are in {@code application.yml} under {@code heal.checks.*}.
 *
 * <p>The health rule: the database and payments are shared by every replica, so their checks are
 * non-critical ({@code critical: false}): an outage makes readiness DEGRADED (200), never 503 on
 * every pod at once. Readiness goes DOWN for this instance's own trouble (its outbox nearly full),
 * and {@code outbox-recovery} drains only this instance.
 */
@Configuration(proxyBeanMethods = false)
public class HealConfig {

  @Bean
  HealthCheck database(OrderStore store) {
    return () -> {
      store.ping();
      return HealthResult.up();
    };
  }

  @Bean
  HealthCheck payments(PaymentsClient payments) {
    return () -> payments.ping() ? HealthResult.up() : HealthResult.down("payments-service does not answer /payments/ping");
  }

  @Bean
  HealthCheck outbox(Outbox outbox) {
    return () -> outbox.size() > Outbox.CAPACITY * 9 / 10 ? HealthResult.down("outbox nearly full: " + outbox.size())
        : outbox.size() > 0 ? HealthResult.degraded("orders waiting for the database: " + outbox.size())
        : HealthResult.up();
  }

  @Bean
  RecoveryPlan databaseRecovery(@Qualifier("reconnectPool") Action reconnectPool) {
    // reconnectPool is PoolActions' @HealAction bean method.
    // No drain here: the database is shared, draining every replica would be an outage.
    return RecoveryPlan.when(Trigger.check("database").isDown()).named("database-recovery")
        .then(reconnectPool).attempts(3).backoff(Duration.ofMillis(500)).verifyWithin(Duration.ofSeconds(3))
        .build();
  }

  @Bean
  RecoveryPlan outboxRecovery(HealthRegistry registry) {
    return RecoveryPlan.when(Trigger.check("outbox").isDown()).named("outbox-recovery")
        .then(Actions.drain(registry)).verifyWithin(Duration.ofSeconds(30)).build();
  }

  @Bean
  RecoveryPlan paymentsRecovery(PaymentsClient payments) {
    return RecoveryPlan.when(Trigger.signal(ResilienceSignals.CIRCUIT_BREAKER, "payments")).named("payments-breaker")
        .then(Action.run("resetPaymentsClient", payments::reset)).verifyWithin(Duration.ofSeconds(30)).build();
  }
}
