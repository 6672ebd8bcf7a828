package dev.heal.core.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heal.core.time.InlineExecutorService;
import dev.heal.core.time.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HealthMetricsTest {
  @Test
  void publishesProbeAndCheckStatusDurationsAndTransitions() {
    ManualClock clock = new ManualClock();
    try (HealthRegistry r = HealthRegistry.builder().clock(clock).executor(new InlineExecutorService()).build()) {
      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      new HealthMetrics(r).bindTo(meters);
      AtomicReference<HealthResult> next = new AtomicReference<>(HealthResult.up());
      r.register(HealthCheckConfig.builder("db").interval(Duration.ofSeconds(1)).failureThreshold(1).build(), next::get);
      r.start();
      clock.runDueTasks();
      assertThat(meters.get("heal.health.check.status").tag("check", "db").gauge().value()).isEqualTo(1.0);
      assertThat(meters.get("heal.health.status").tag("probe", "readiness").gauge().value()).isEqualTo(1.0);
      next.set(HealthResult.down("refused"));
      clock.advance(Duration.ofSeconds(1));
      assertThat(meters.get("heal.health.check.status").tag("check", "db").gauge().value()).isEqualTo(0.0);
      assertThat(meters.get("heal.health.status").tag("probe", "readiness").gauge().value()).isEqualTo(0.0);
      assertThat(meters.get("heal.health.transitions").tags("check", "db", "to", "DOWN").counter().count()).isEqualTo(1.0);
      assertThat(meters.get("heal.health.check.duration").tags("check", "db", "result", "UP").timer().count()).isEqualTo(1);
      assertThat(meters.get("heal.health.check.duration").tags("check", "db", "result", "DOWN").timer().count()).isEqualTo(1);
    }
  }
}
