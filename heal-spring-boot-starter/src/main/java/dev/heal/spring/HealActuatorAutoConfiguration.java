package dev.heal.spring;

import dev.heal.core.health.CheckKind;
import dev.heal.core.health.HealthRegistry;
import dev.heal.core.healer.Healer;
import dev.heal.spring.internal.DrainBridge;
import dev.heal.spring.internal.IndicatorChecks;
import dev.heal.spring.internal.ProbeHealthIndicator;
import dev.heal.spring.internal.ReactiveIndicators;
import dev.heal.spring.internal.ReactorIndicatorChecks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration;
import org.springframework.boot.health.autoconfigure.application.AvailabilityHealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.health.registry.ReactiveHealthContributorRegistry;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

/**
 * Actuator, both ways. Indicators into heal: the indicators named by
 * {@code heal.actuator.background} (or all, {@code heal.actuator.background-all}) run as heal
 * background checks with their own interval and timeout, and Actuator answers them from heal's
 * cached results. Each leaf of a composite contributor (several DataSources) is a check of its
 * own ({@code db/primary} in Actuator, {@code db.primary} in heal), and the composite keeps its
 * shape in {@code /actuator/health}. heal into Actuator: the {@code livenessState} and {@code readinessState}
 * contributors (the {@code liveness} and {@code readiness} groups) answer heal's probe status
 * together with Spring's availability state; DEGRADED is a status of its own (HTTP 200, ordered
 * between OUT_OF_SERVICE and UP); {@code Actions.drain} turns Spring's readiness to
 * REFUSING_TRAFFIC and back. And the {@link HealEndpoint} ({@code /actuator/heal}) when exposed.
 */
@AutoConfiguration(after = {HealAutoConfiguration.class, ApplicationAvailabilityAutoConfiguration.class},
    before = {AvailabilityProbesAutoConfiguration.class, AvailabilityHealthContributorAutoConfiguration.class})
@ConditionalOnClass({HealthIndicator.class, Healer.class})
@ConditionalOnBean(Healer.class)
public class HealActuatorAutoConfiguration {
  private static final Logger log = LoggerFactory.getLogger(HealActuatorAutoConfiguration.class);
  private static final String SECURITY_CHAIN = "org.springframework.security.web.SecurityFilterChain";

  /** The Actuator indicators heal runs in its background (none unless configured). */
  @Bean
  @ConditionalOnMissingBean
  public IndicatorChecks healIndicatorChecks(ListableBeanFactory beans, HealProperties properties,
      ObjectProvider<ReactiveIndicators> reactive) {
    return new IndicatorChecks(beans, properties, reactive.getIfAvailable());
  }

  /** Switches Actuator's registry to heal's cached answers for the indicators heal runs. */
  @Bean
  public SmartInitializingSingleton healCachedIndicators(ObjectProvider<HealthContributorRegistry> contributors,
      IndicatorChecks checks, HealthRegistry registry) {
    return () -> contributors.ifAvailable(r -> {
      for (String name : checks.taken()) {
        r.unregisterContributor(name);
        r.registerContributor(name, checks.cached(registry, name));
      }
    });
  }

  /** Actuator's {@code livenessState}: Spring's liveness and heal's together. */
  @Bean
  @ConditionalOnMissingBean(name = "livenessStateHealthIndicator")
  @ConditionalOnBean(ApplicationAvailability.class)
  public ProbeHealthIndicator livenessStateHealthIndicator(ApplicationAvailability availability,
      HealthRegistry registry) {
    return new ProbeHealthIndicator(availability, registry, CheckKind.LIVENESS);
  }

  /** Actuator's {@code readinessState}: Spring's readiness and heal's together. */
  @Bean
  @ConditionalOnMissingBean(name = "readinessStateHealthIndicator")
  @ConditionalOnBean(ApplicationAvailability.class)
  public ProbeHealthIndicator readinessStateHealthIndicator(ApplicationAvailability availability,
      HealthRegistry registry) {
    return new ProbeHealthIndicator(availability, registry, CheckKind.READINESS);
  }

  /** Publishes Spring readiness changes for heal's drains. */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBean(ApplicationAvailability.class)
  public DrainBridge healDrainBridge(HealthRegistry registry, ApplicationContext context,
      ApplicationAvailability availability) {
    DrainBridge bridge = new DrainBridge(registry, context, availability);
    registry.addListener(bridge);
    return bridge;
  }

  /**
   * Reactive contributors in heal's background, only with Reactor on the class path: heal runs the
   * chosen {@code ReactiveHealthIndicator}s (composites' leaves) on its check threads, and Actuator's
   * reactive registry answers them from heal's cache.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "reactor.core.publisher.Mono")
  static class Reactive {
    @Bean
    @ConditionalOnMissingBean
    ReactorIndicatorChecks healReactiveIndicatorChecks(ListableBeanFactory beans, HealProperties properties) {
      return new ReactorIndicatorChecks(beans, properties);
    }

    /** Switches Actuator's reactive registry to heal's cached answers for the reactive indicators heal runs. */
    @Bean
    SmartInitializingSingleton healCachedReactiveIndicators(ObjectProvider<ReactiveHealthContributorRegistry> contributors,
        ReactorIndicatorChecks checks, HealthRegistry registry) {
      return () -> contributors.ifAvailable(r -> {
        for (String name : checks.taken()) {
          r.unregisterContributor(name);
          r.registerContributor(name, checks.cached(registry, name));
        }
      });
    }
  }

  /** {@code /actuator/heal}. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnAvailableEndpoint(endpoint = HealEndpoint.class)
  static class Endpoint {
    @Bean
    @ConditionalOnMissingBean
    HealEndpoint healEndpoint(Healer healer, HealProperties properties, ApplicationContext context) {
      boolean secured = ClassUtils.isPresent(SECURITY_CHAIN, context.getClassLoader());
      boolean allowed = properties.getEndpoint().isAllowUnsecuredWrites();
      if (!secured && !allowed) {
        log.warn("heal: /actuator/heal is exposed but Spring Security is not in the application: its write "
            + "operations answer 403 (add Spring Security, or set heal.endpoint.allow-unsecured-writes=true)");
      }
      return new HealEndpoint(healer, () -> allowed || secured);
    }
  }
}
