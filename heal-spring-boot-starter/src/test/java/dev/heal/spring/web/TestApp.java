package dev.heal.spring.web;

import dev.heal.core.health.HealthCheck;
import dev.heal.core.health.HealthRegistry;
import dev.heal.core.health.HealthResult;
import dev.heal.core.healer.Actions;
import dev.heal.core.healer.RecoveryPlan;
import dev.heal.core.healer.Trigger;
import dev.heal.resilience.Fallback;
import io.github.resilience4j.retry.annotation.Retry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.stereotype.Service;

/** The application the real-HTTP tests start: one slow Actuator indicator, a composite of two, one heal check, a drain plan. */
@SpringBootApplication
public class TestApp {
  /**
   * resilience4j-spring-boot3 2.4.0 refuses Spring Boot 4 in a verifier of its own; its aspects work
   * without it. The line docs/spring-boot.md shows ({@code DocumentedSnippetsTest} checks they are equal).
   */
  public static final String R4J_VERIFIER_EXCLUDE =
      "spring.autoconfigure.exclude=io.github.resilience4j.springboot3.verifier.autoconfigure.SpringBoot3VerifierAutoConfiguration";

  /** What the tests switch. */
  public static final class Switches {
    public final AtomicBoolean hang = new AtomicBoolean();
    public final AtomicBoolean hangSecondary = new AtomicBoolean();
    public final AtomicBoolean degraded = new AtomicBoolean();
    public final CountDownLatch release = new CountDownLatch(1);
  }

  @Bean
  Switches switches() {
    return new Switches();
  }

  /** An Actuator indicator that hangs while {@code hang} is on. */
  @Bean
  HealthIndicator slowHealthIndicator(Switches s) {
    return () -> {
      if (s.hang.get()) {
        try {
          s.release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return Health.down().withDetail("error", "interrupted").build();
        }
      }
      return Health.up().build();
    };
  }

  /** A composite of two indicators, as Actuator makes for two DataSources; {@code secondary} hangs while switched. */
  @Bean
  HealthContributor dbHealthContributor(Switches s) {
    Map<String, HealthIndicator> leaves = new LinkedHashMap<>();
    leaves.put("primary", () -> Health.up().withDetail("pool", "primary").build());
    leaves.put("secondary", () -> {
      if (s.hangSecondary.get()) {
        try {
          s.release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return Health.down().withDetail("error", "interrupted").build();
        }
      }
      return Health.up().withDetail("pool", "secondary").build();
    });
    return CompositeHealthContributor.fromMap(leaves);
  }

  /** A heal check that answers DEGRADED while {@code degraded} is on. */
  @Bean
  HealthCheck cache(Switches s) {
    return () -> s.degraded.get() ? HealthResult.degraded("serving stale entries") : HealthResult.up();
  }

  @Bean
  RecoveryPlan drainOnMaintenance(HealthRegistry registry) {
    return RecoveryPlan.when(Trigger.signal("maintenance")).named("drain-on-maintenance")
        .then(Actions.drain(registry)).verifyWithin(Duration.ofMinutes(1)).build();
  }

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

  @Bean
  SecurityFilterChain security(HttpSecurity http) throws Exception {
    http.securityMatcher(EndpointRequest.toAnyEndpoint())
        .authorizeHttpRequests(a -> a.requestMatchers(EndpointRequest.to("health")).permitAll()
            .anyRequest().hasRole("OPS"))
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

  /** A bean class with resilience4j's @Retry and heal's @Fallback on one method. */
  @Service
  public static class PaymentsClient {
    private final AtomicInteger calls = new AtomicInteger();

    /** Calls that reached this method's body (through every proxy). */
    public int calls() {
      return calls.get();
    }

    @Retry(name = "payments")
    @Fallback("later")
    public String charge(String order) {
      calls.incrementAndGet();
      throw new IllegalStateException("payments-service refused");
    }

    public String later(String order, Throwable t) {
      return "queued " + order;
    }
  }
}
