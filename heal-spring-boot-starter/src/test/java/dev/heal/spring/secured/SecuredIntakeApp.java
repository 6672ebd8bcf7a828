package dev.heal.spring.secured;

import dev.heal.core.healer.RecoveryPlan;
import dev.heal.core.healer.Trigger;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * An application whose Spring Security secures every request (one catch-all chain, HTTP Basic,
 * role OPS for Actuator), plus docs/spring-boot.md's rule for the Alertmanager intake, copied
 * between the {@code doc:} markers ({@code DocumentedSnippetsTest} checks that the two are equal).
 */
@SpringBootApplication
public class SecuredIntakeApp {
  /** Alerts that reached a plan through the intake. */
  @Bean
  AtomicInteger alertActions() {
    return new AtomicInteger();
  }

  @Bean
  RecoveryPlan onHighErrorRate(AtomicInteger alertActions) {
    return RecoveryPlan.when(Trigger.alert("alertname=HighErrorRate")).named("on-high-error-rate")
        .then(dev.heal.core.healer.Action.run("countAlert", alertActions::incrementAndGet))
        .verifyWithin(Duration.ofMinutes(1)).build();
  }

  /** The application's own rules: everything needs a user; Actuator needs role OPS (health is open). */
  @Bean
  SecurityFilterChain everything(HttpSecurity http) throws Exception {
    http.authorizeHttpRequests(a -> a
            .requestMatchers(org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest
                .to("health")).permitAll()
            .requestMatchers(org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest
                .toAnyEndpoint()).hasRole("OPS")
            .anyRequest().authenticated())
        .httpBasic(Customizer.withDefaults())
        .csrf(c -> c.disable());
    return http.build();
  }

  @Bean
  InMemoryUserDetailsManager users() {
    return new InMemoryUserDetailsManager(
        User.withUsername("ops").password("{noop}ops-secret").roles("OPS").build(),
        User.withUsername("dev").password("{noop}dev-secret").roles("DEV").build());
  }

  // doc:begin
  @Bean
  @Order(Ordered.HIGHEST_PRECEDENCE)
  SecurityFilterChain healAlertsSecurity(HttpSecurity http) throws Exception {
    // heal checks the intake's bearer token itself: let the path through, without CSRF
    return http.securityMatcher("/heal/alerts")
        .authorizeHttpRequests(a -> a.anyRequest().permitAll())
        .csrf(c -> c.disable())
        .build();
  }
  // doc:end
}
