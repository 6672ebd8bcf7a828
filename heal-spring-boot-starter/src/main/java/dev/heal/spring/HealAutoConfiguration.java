package dev.heal.spring;

import dev.heal.core.health.HealthCheck;
import dev.heal.core.health.HealthMetrics;
import dev.heal.core.health.HealthRegistry;
import dev.heal.core.healer.Healer;
import dev.heal.core.healer.HealerListener;
import dev.heal.core.healer.HealerMetrics;
import dev.heal.core.healer.HealerTracing;
import dev.heal.core.healer.RecoveryPlan;
import dev.heal.core.time.HealClock;
import dev.heal.resilience.Resilience;
import dev.heal.resilience.ResilienceConfig;
import dev.heal.spring.internal.ChecksFromProperties;
import dev.heal.spring.internal.HealActionRegistrar;
import dev.heal.spring.internal.HealLifecycle;
import dev.heal.spring.internal.RegistryContributor;
import dev.heal.spring.internal.ResilienceEnvironment;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import dev.heal.spring.internal.LazyCheck;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * heal's core beans: the {@link HealClock}, the {@link HealthRegistry} with every {@link HealthCheck}
 * and {@link HealthCheckRegistration} bean registered, the {@link Healer} with every
 * {@link RecoveryPlan} and {@link HealerListener} bean, heal-resilience's {@link Resilience} built
 * from the standard {@code resilience4j.*} keys, and the application's {@code MeterRegistry} and
 * {@code OpenTelemetry} when it has them (meter names unchanged), and an {@code Action} bean per
 * {@link HealAction} method (with the {@link HealActions} bean) for plans to use. Every bean gives way to one the
 * application declares. Off with {@code heal.enabled=false}.
 *
 * <p>A {@code HealthCheck} bean's check is named after the bean and configured by
 * {@code heal.checks.<name>.*} over {@code heal.check-defaults.*}. heal's own probe server is not
 * started: Actuator serves the probes (see {@link HealActuatorAutoConfiguration}).
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "heal.enabled", matchIfMissing = true)
@EnableConfigurationProperties(HealProperties.class)
public class HealAutoConfiguration {

  /** heal's clock: the system clock. */
  @Bean
  @ConditionalOnMissingBean
  public HealClock healClock() {
    return HealClock.system();
  }

  /**
   * The {@link HealAction} methods of the application's beans as {@code Action} beans (qualified by
   * the action's name) and the {@link HealActions} bean; a wrong method fails the startup.
   */
  @Bean
  @ConditionalOnMissingBean
  public static HealActionRegistrar healActionRegistrar() {
    return new HealActionRegistrar();
  }

  /** The registry with every check bean in it; started by the lifecycle once the context is up. */
  @Bean
  @ConditionalOnMissingBean
  public HealthRegistry healHealthRegistry(HealClock clock, HealProperties properties, ApplicationContext context,
      ObjectProvider<HealthCheckRegistration> registrations, ObjectProvider<RegistryContributor> contributors) {
    HealthRegistry registry = HealthRegistry.builder().clock(clock).build();
    // By name, and the bean looked up when the check first runs: a check bean may depend on a bean
    // heal proxies (which needs Resilience, which needs this registry) without a cycle.
    for (String name : context.getBeanNamesForType(HealthCheck.class, false, false)) {
      registry.register(ChecksFromProperties.config(name, properties.getChecks().get(name), properties.getCheckDefaults()),
          new LazyCheck(context, name));
    }
    registrations.orderedStream().forEach(r -> registry.register(r.config(), r.check()));
    contributors.orderedStream().forEach(c -> c.contribute(registry));
    return registry;
  }

  /** Starts the registry's checks when the context starts. */
  @Bean
  @ConditionalOnMissingBean
  public HealLifecycle healLifecycle(HealthRegistry registry) {
    return new HealLifecycle(registry);
  }

  /**
   * The healer with every plan and listener bean, guardrails from {@code heal.*}, and the plan
   * switches of {@code heal.plans.<name>.*} applied through its runtime control.
   *
   * @throws IllegalArgumentException if {@code heal.plans} names a plan that no bean declares
   */
  @Bean
  @ConditionalOnMissingBean
  public Healer healer(HealClock clock, HealthRegistry registry, HealProperties properties,
      ObjectProvider<RecoveryPlan> plans, ObjectProvider<HealerListener> listeners) {
    Healer.Builder b = Healer.builder().clock(clock).health(registry).dryRun(properties.isDryRun())
        .budget(properties.getBudget().getActions(), properties.getBudget().getWindow())
        .cooldown(properties.getCooldown()).maxEpisodeDuration(properties.getMaxEpisodeDuration())
        .journalSize(properties.getJournalSize());
    plans.orderedStream().forEach(b::plan);
    listeners.orderedStream().forEach(b::listener);
    Healer healer = b.build();
    try {
      properties.getPlans().forEach((name, p) -> {
        if (!p.isEnabled()) {
          healer.disablePlan(name);
        }
        if (p.isDryRun()) {
          healer.dryRun(name, true);
        }
      });
    } catch (IllegalArgumentException e) {
      healer.close();
      throw new IllegalArgumentException("heal.plans: " + e.getMessage(), e);
    }
    return healer;
  }

  /** heal-resilience's policies from {@code resilience4j.*} / {@code heal.resilience.*}, signalling the healer. */
  @Bean
  @ConditionalOnMissingBean
  public Resilience healResilience(HealClock clock, ObjectProvider<Healer> healer, HealthRegistry registry,
      ConfigurableEnvironment environment, ObjectProvider<MeterRegistry> meters) {
    // Signals reach the healer through its provider: a plan bean may use a bean heal proxies.
    Resilience.Builder b = Resilience.builder().clock(clock).signals(s -> healer.getObject().accept(s))
        .healthRegistry(registry)
        .config(ResilienceConfig.fromProperties(ResilienceEnvironment.read(environment)));
    meters.ifAvailable(b::meterRegistry);
    return b.build();
  }

  /** Binds heal's meters to the application's registry (names as in plain heal). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(MeterRegistry.class)
  static class Metrics {
    @Bean
    SmartInitializingSingleton healMeterBinding(ObjectProvider<MeterRegistry> meters, Healer healer,
        HealthRegistry registry) {
      return () -> meters.ifAvailable(m -> {
        new HealerMetrics(healer).bindTo(m);
        new HealthMetrics(registry).bindTo(m);
      });
    }
  }

  /** Spans for episodes and steps on the application's OpenTelemetry. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(OpenTelemetry.class)
  static class Tracing {
    @Bean
    SmartInitializingSingleton healTracing(ObjectProvider<OpenTelemetry> openTelemetry, Healer healer) {
      return () -> openTelemetry.ifAvailable(o -> healer.addListener(new HealerTracing(o)));
    }
  }
}
