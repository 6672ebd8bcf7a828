package dev.heal.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heal.http.ProbeServer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * heal's own probe server is not started by the starter, even with heal-http on the class path and
 * the intake configured: Actuator serves the probes (an application that wants heal's probe server
 * as well declares its own {@link ProbeServer}).
 */
class ProbeServerNotStartedTest {
  @Test
  void noProbeServerWithHealHttpOnTheClassPath() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(HealAutoConfiguration.class, HealActuatorAutoConfiguration.class,
            HealAopAutoConfiguration.class, HealKubernetesAutoConfiguration.class))
        .withPropertyValues("heal.intake.token=0123456789abcdef0123")
        .run(c -> {
          assertThat(ProbeServer.class.getName()).as("heal-http is on the class path").isNotEmpty();
          assertThat(c).hasNotFailed().doesNotHaveBean(ProbeServer.class);
        });
  }
}
