package dev.heal.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heal.core.healer.Healer;
import dev.heal.core.time.HealClock;
import dev.heal.http.AlertmanagerReceiver;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.ServletRegistrationBean;

/**
 * {@link HealIntakeManagementConfiguration}'s conditions and overrides (the management context's
 * part of the starter): on with a token, off without one, the application's own receiver or route
 * bean wins, and a token too short fails the startup saying so.
 */
class IntakeConfigurationTest {
  private final Healer healer = Healer.builder().build();

  private WebApplicationContextRunner runner(String token) {
    HealProperties properties = new HealProperties();
    properties.getIntake().setToken(token);
    WebApplicationContextRunner r = new WebApplicationContextRunner()
        .withBean(Healer.class, () -> healer).withBean(HealClock.class, HealClock::system)
        .withBean(HealProperties.class, () -> properties)
        .withUserConfiguration(HealIntakeManagementConfiguration.class);
    return token == null ? r : r.withPropertyValues("heal.intake.token=" + token);
  }

  @Test
  void withATokenTheRouteIsRegisteredOnTheReceiversPath() {
    runner("0123456789abcdef-token").run(c -> {
      assertThat(c).hasNotFailed().hasSingleBean(AlertmanagerReceiver.class);
      ServletRegistrationBean<?> route = c.getBean("healAlertIntake", ServletRegistrationBean.class);
      assertThat(route.getUrlMappings()).containsExactly(AlertmanagerReceiver.DEFAULT_PATH);
    });
  }

  @Test
  void withoutATokenThereIsNoIntake() {
    runner(null).run(c -> assertThat(c).hasNotFailed().doesNotHaveBean(AlertmanagerReceiver.class)
        .doesNotHaveBean("healAlertIntake"));
  }

  @Test
  void theApplicationsOwnReceiverIsServedInsteadOfHeals() {
    AlertmanagerReceiver mine = AlertmanagerReceiver.builder(healer).bearerToken("mine-0123456789abcdef").build();
    runner("0123456789abcdef-token").withBean("myReceiver", AlertmanagerReceiver.class, () -> mine).run(c -> {
      assertThat(c).hasNotFailed();
      assertThat(c.getBean(AlertmanagerReceiver.class)).isSameAs(mine);
      assertThat(c).hasBean("healAlertIntake");
    });
  }

  @Test
  void theApplicationsOwnRouteBeanWins() {
    ServletRegistrationBean<?> mine = new ServletRegistrationBean<>();
    runner("0123456789abcdef-token").withBean("healAlertIntake", ServletRegistrationBean.class, () -> mine)
        .run(c -> assertThat(c.getBean("healAlertIntake")).isSameAs(mine));
  }

  @Test
  void aTokenTooShortFailsTheStartupSayingSo() {
    runner("short").run(c -> assertThat(c).hasFailed().getFailure().hasStackTraceContaining("16"));
  }
}
