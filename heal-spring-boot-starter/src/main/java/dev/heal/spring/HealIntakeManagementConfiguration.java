package dev.heal.spring;

import dev.heal.core.healer.Healer;
import dev.heal.core.time.HealClock;
import dev.heal.http.AlertmanagerReceiver;
import dev.heal.spring.internal.RouteServlet;
import jakarta.servlet.http.HttpServlet;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;

/**
 * The Alertmanager intake as a route of the management server: {@code POST /heal/alerts} on
 * {@code management.server.port} (or the application's port when Actuator shares it), served by
 * heal-http's {@link AlertmanagerReceiver} (bearer token, strict v4 payload, size limit), feeding
 * the {@link Healer}. On when {@code heal.intake.token} is set and heal-http is on the class path.
 * With Spring Security, the path must be let through by the application's rules (heal checks the
 * bearer token itself).
 */
@ManagementContextConfiguration(value = ManagementContextType.ANY, proxyBeanMethods = false)
@ConditionalOnClass({AlertmanagerReceiver.class, HttpServlet.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnProperty(name = "heal.intake.token")
@ConditionalOnBean(Healer.class)
public class HealIntakeManagementConfiguration {

  /** The receiver, fed to the healer; an application's own {@link AlertmanagerReceiver} bean is used instead. */
  @Bean
  @ConditionalOnMissingBean
  public AlertmanagerReceiver healAlertmanagerReceiver(Healer healer, HealClock clock, HealProperties properties) {
    return AlertmanagerReceiver.builder(healer).bearerToken(properties.getIntake().getToken())
        .maxBodyBytes(properties.getIntake().getMaxBodyBytes()).clock(clock).build();
  }

  /** {@code POST /heal/alerts} on the management server; gives way to a bean named {@code healAlertIntake}. */
  @Bean
  @ConditionalOnMissingBean(name = "healAlertIntake")
  public ServletRegistrationBean<RouteServlet> healAlertIntake(AlertmanagerReceiver receiver) {
    ServletRegistrationBean<RouteServlet> bean = new ServletRegistrationBean<>(new RouteServlet(receiver.route()),
        receiver.route().path());
    bean.setName("healAlertIntake");
    return bean;
  }
}
