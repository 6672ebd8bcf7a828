package dev.heal.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heal.core.health.CheckKind;
import dev.heal.core.health.HealthCheck;
import dev.heal.core.health.HealthCheckConfig;
import dev.heal.core.health.HealthRegistry;
import dev.heal.core.health.HealthResult;
import dev.heal.core.healer.Action;
import dev.heal.core.healer.Healer;
import dev.heal.core.healer.RecoveryPlan;
import dev.heal.core.healer.Trigger;
import dev.heal.resilience.Fallback;
import dev.heal.resilience.Resilience;
import dev.heal.spring.internal.HealAnnotationsPostProcessor;
import dev.heal.spring.internal.ProbeHealthIndicator;
import io.github.resilience4j.retry.annotation.Retry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.application.AvailabilityHealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Every auto-configuration condition and override, with {@link ApplicationContextRunner}. */
class HealAutoConfigurationTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(HealAutoConfiguration.class, HealActuatorAutoConfiguration.class,
          HealAopAutoConfiguration.class, HealKubernetesAutoConfiguration.class));

  private final ApplicationContextRunner actuator = runner.withConfiguration(AutoConfigurations.of(
      ApplicationAvailabilityAutoConfiguration.class, AvailabilityHealthContributorAutoConfiguration.class,
      AvailabilityProbesAutoConfiguration.class, HealthContributorRegistryAutoConfiguration.class,
      HealthEndpointAutoConfiguration.class, EndpointAutoConfiguration.class, WebEndpointAutoConfiguration.class));

  @Configuration(proxyBeanMethods = false)
  static class Checks {
    @Bean
    HealthCheck db() {
      return HealthResult::up;
    }

    @Bean
    RecoveryPlan reconnect() {
      return RecoveryPlan.when(Trigger.check("db").isDown()).named("reconnect")
          .then(Action.run("reconnectPool", () -> { })).build();
    }
  }

  @Test
  void buildsRegistryHealerAndResilienceByDefault() {
    runner.run(c -> {
      assertThat(c).hasSingleBean(HealthRegistry.class).hasSingleBean(Healer.class).hasSingleBean(Resilience.class)
          .hasSingleBean(HealAnnotationsPostProcessor.class);
      assertThat(c.getBean(Healer.class).plans()).isEmpty();
    });
  }

  @Test
  void healEnabledFalseTurnsEverythingOff() {
    runner.withPropertyValues("heal.enabled=false").run(c ->
        assertThat(c).doesNotHaveBean(Healer.class).doesNotHaveBean(HealthRegistry.class)
            .doesNotHaveBean(HealAnnotationsPostProcessor.class));
  }

  @Test
  void theApplicationsOwnBeansWin() {
    Healer mine = Healer.builder().build();
    HealthRegistry registry = HealthRegistry.builder().build();
    runner.withBean(Healer.class, () -> mine).withBean(HealthRegistry.class, () -> registry)
        .run(c -> {
          assertThat(c.getBean(Healer.class)).isSameAs(mine);
          assertThat(c.getBean(HealthRegistry.class)).isSameAs(registry);
        });
  }

  @Test
  void theApplicationsOwnClockResilienceAndLifecycleWin() {
    dev.heal.core.time.ManualClock clock = new dev.heal.core.time.ManualClock();
    Resilience resilience = Resilience.builder().clock(clock).build();
    HealthRegistry registry = HealthRegistry.builder().clock(clock).build();
    dev.heal.spring.internal.HealLifecycle lifecycle = new dev.heal.spring.internal.HealLifecycle(registry);
    runner.withBean(dev.heal.core.time.HealClock.class, () -> clock).withBean(Resilience.class, () -> resilience)
        .withBean(HealthRegistry.class, () -> registry)
        .withBean(dev.heal.spring.internal.HealLifecycle.class, () -> lifecycle)
        .run(c -> {
          assertThat(c.getBean(dev.heal.core.time.HealClock.class)).isSameAs(clock);
          assertThat(c.getBean(Resilience.class)).isSameAs(resilience);
          assertThat(c.getBean(dev.heal.spring.internal.HealLifecycle.class)).isSameAs(lifecycle);
          assertThat(c.getBeansOfType(dev.heal.spring.internal.HealLifecycle.class)).hasSize(1);
        });
  }

  @Test
  void checkBeansAreRegisteredWithTheirPropertiesAndPlanBeansAreAdded() {
    runner.withUserConfiguration(Checks.class)
        .withPropertyValues("heal.checks.db.interval=3s", "heal.checks.db.failure-threshold=5",
            "heal.checks.db.kinds=readiness,liveness", "heal.check-defaults.timeout=700ms", "heal.budget.actions=4",
            "heal.dry-run=true")
        .run(c -> {
          HealthCheckConfig db = c.getBean(HealthRegistry.class).state("db").orElseThrow().config();
          assertThat(db.interval()).isEqualTo(Duration.ofSeconds(3));
          assertThat(db.failureThreshold()).isEqualTo(5);
          assertThat(db.timeout()).isEqualTo(Duration.ofMillis(700));
          assertThat(db.kinds()).containsExactlyInAnyOrder(CheckKind.READINESS, CheckKind.LIVENESS);
          Healer h = c.getBean(Healer.class);
          assertThat(h.plans()).extracting(RecoveryPlan::name).containsExactly("reconnect");
          assertThat(h.control().budgetCapacity()).isEqualTo(4);
          assertThat(h.control().dryRun()).isTrue();
        });
  }

  @Test
  void aRegistrationBeanCarriesItsWholeConfig() {
    runner.withBean(HealthCheckRegistration.class, () -> new HealthCheckRegistration(
            HealthCheckConfig.builder("cache").liveness().interval(Duration.ofSeconds(7)).build(), HealthResult::up))
        .run(c -> assertThat(c.getBean(HealthRegistry.class).state("cache").orElseThrow().config().interval())
            .isEqualTo(Duration.ofSeconds(7)));
  }

  @Test
  void planSwitchesFromPropertiesAreAppliedAndAnUnknownPlanFailsNamingIt() {
    runner.withUserConfiguration(Checks.class).withPropertyValues("heal.plans.reconnect.enabled=false")
        .run(c -> assertThat(c.getBean(Healer.class).control().plans().get(0).enabled()).isFalse());
    runner.withUserConfiguration(Checks.class).withPropertyValues("heal.plans.nope.dry-run=true")
        .run(c -> assertThat(c).hasFailed().getFailure().rootCause()
            .hasMessageContaining("no recovery plan is named 'nope'").hasMessageContaining("[reconnect]"));
  }

  @Test
  void aBadCheckSettingFailsNamingTheKey() {
    runner.withUserConfiguration(Checks.class).withPropertyValues("heal.checks.db.failure-threshold=0")
        .run(c -> assertThat(c).hasFailed().getFailure()
            .hasStackTraceContaining("heal.checks.db: failureThreshold must be at least 1"));
  }

  @Test
  void resiliencePoliciesComeFromTheStandardResilience4jKeys() {
    runner.withPropertyValues("resilience4j.retry.instances.payments.max-attempts=5",
            "resilience4j.circuitbreaker.instances.payments.failureRateThreshold=30")
        .run(c -> {
          Resilience r = c.getBean(Resilience.class);
          assertThat(r.retry("payments")).get().satisfies(x -> assertThat(x.getRetryConfig().getMaxAttempts()).isEqualTo(5));
          assertThat(r.circuitBreaker("payments")).get()
              .satisfies(x -> assertThat(x.getCircuitBreakerConfig().getFailureRateThreshold()).isEqualTo(30f));
        });
  }

  @Test
  void healsMetersGoToTheApplicationsMeterRegistry() {
    runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).withUserConfiguration(Checks.class).run(c -> {
      MeterRegistry m = c.getBean(MeterRegistry.class);
      assertThat(m.getMeters()).extracting(x -> x.getId().getName()).anyMatch(n -> n.startsWith("heal.recovery"))
          .anyMatch(n -> n.startsWith("heal.health"));
    });
  }

  /** A bean class (no interface) with heal and resilience4j annotations. */
  public static class Payments {
    final AtomicInteger calls = new AtomicInteger();

    @Retry(name = "payments")
    @Fallback("offline")
    public String charge(String order) {
      calls.incrementAndGet();
      throw new IllegalStateException("payments down");
    }

    public String offline(String order, Throwable t) {
      return "queued " + order;
    }
  }

  @Test
  void annotationsOnABeanClassAreAppliedThroughSpringAop() {
    runner.withBean(Payments.class).withPropertyValues("resilience4j.retry.instances.payments.maxAttempts=3",
            "resilience4j.retry.instances.payments.waitDuration=1ms")
        .run(c -> {
          Payments p = c.getBean(Payments.class);
          assertThat(AopUtils.isCglibProxy(p)).isTrue();
          assertThat(p.charge("o-1")).isEqualTo("queued o-1");
          assertThat(AopUtils.getTargetClass(p)).isEqualTo(Payments.class);
          assertThat(((Payments) org.springframework.aop.framework.AopProxyUtils.getSingletonTarget(p)).calls)
              .hasValue(3);
        });
  }

  @Test
  void aopCanBeSwitchedOff() {
    runner.withBean(Payments.class).withPropertyValues("heal.aop.enabled=false")
        .run(c -> assertThat(AopUtils.isAopProxy(c.getBean(Payments.class))).isFalse());
  }

  /** A wrong annotation fails at startup naming the method. */
  public static class Broken {
    @Fallback("missing")
    public String call() {
      return "x";
    }
  }

  @Test
  void aWrongAnnotationFailsTheStartupNamingTheMethod() {
    runner.withBean(Broken.class).run(c -> assertThat(c).hasFailed().getFailure()
        .hasMessageContaining("Broken.call()").hasMessageContaining("missing"));
  }

  @Test
  void withoutActuatorOnTheClassPathOnlyTheCoreIsConfigured() {
    runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class)).run(c ->
        assertThat(c).hasSingleBean(Healer.class).doesNotHaveBean(ProbeHealthIndicator.class)
            .doesNotHaveBean(HealEndpoint.class));
  }

  @Test
  void healFeedsActuatorsLivenessAndReadinessContributors() {
    actuator.run(c -> {
      assertThat(c.getBean("readinessStateHealthIndicator")).isInstanceOf(ProbeHealthIndicator.class);
      assertThat(c.getBean("livenessStateHealthIndicator")).isInstanceOf(ProbeHealthIndicator.class);
    });
  }

  @Test
  void anApplicationsOwnReadinessIndicatorWins() {
    HealthIndicator mine = () -> Health.up().build();
    actuator.withBean("readinessStateHealthIndicator", HealthIndicator.class, () -> mine)
        .run(c -> assertThat(c.getBean("readinessStateHealthIndicator")).isSameAs(mine));
  }

  @Test
  void chosenIndicatorsRunInHealsBackgroundAndActuatorAnswersTheCachedResult() {
    java.util.Set<Thread> callers = java.util.concurrent.ConcurrentHashMap.newKeySet();
    actuator.withBean("slowHealthIndicator", HealthIndicator.class, () -> () -> {
          callers.add(Thread.currentThread());
          return Health.up().withDetail("checked", true).build();
        })
        .withPropertyValues("heal.actuator.background=slow")
        .run(c -> {
          HealthRegistry registry = c.getBean(HealthRegistry.class);
          assertThat(registry.checkNames()).contains("slow");
          HealthIndicator seen = (HealthIndicator) c.getBean(HealthContributorRegistry.class).getContributor("slow");
          assertThat(seen).isInstanceOf(dev.heal.spring.internal.CachedHealthIndicator.class);
          org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
              .until(() -> seen.health().getStatus().equals(Status.UP));
          assertThat(seen.health().getDetails()).containsEntry("checked", true);
          assertThat(callers).as("only heal's check threads call the indicator").isNotEmpty()
              .doesNotContain(Thread.currentThread());
        });
  }

  /** Two DataSource-like leaves in one composite, as Actuator makes for several DataSources. */
  private static ApplicationContextRunner withComposite(ApplicationContextRunner r, java.util.Set<Thread> callers) {
    return r.withBean("dbHealthContributor", org.springframework.boot.health.contributor.HealthContributor.class,
        () -> org.springframework.boot.health.contributor.CompositeHealthContributor.fromMap(
            new java.util.TreeMap<>(java.util.Map.of(
                "primary", (HealthIndicator) () -> {
                  callers.add(Thread.currentThread());
                  return Health.up().withDetail("pool", "primary").build();
                },
                "secondary", (HealthIndicator) () -> {
                  callers.add(Thread.currentThread());
                  return Health.down().withDetail("pool", "secondary").build();
                }))));
  }

  @Test
  void eachLeafOfACompositeIsABackgroundCheckAndTheCompositeKeepsItsShape() {
    java.util.Set<Thread> callers = java.util.concurrent.ConcurrentHashMap.newKeySet();
    withComposite(actuator, callers)
        .withPropertyValues("heal.actuator.background=db", "heal.checks.db.interval=3s", "heal.checks.db.timeout=700ms",
            "heal.checks.[db.secondary].interval=5s")
        .run(c -> {
          HealthRegistry registry = c.getBean(HealthRegistry.class);
          assertThat(registry.checkNames()).contains("db.primary", "db.secondary").doesNotContain("db");
          HealthCheckConfig primary = registry.state("db.primary").orElseThrow().config();
          HealthCheckConfig secondary = registry.state("db.secondary").orElseThrow().config();
          assertThat(primary.interval()).as("the composite's key").isEqualTo(Duration.ofSeconds(3));
          assertThat(secondary.interval()).as("the leaf's key over the composite's").isEqualTo(Duration.ofSeconds(5));
          assertThat(secondary.timeout()).as("the composite's key where the leaf has none")
              .isEqualTo(Duration.ofMillis(700));
          Object db = c.getBean(HealthContributorRegistry.class).getContributor("db");
          assertThat(db).isInstanceOf(org.springframework.boot.health.contributor.CompositeHealthContributor.class);
          var composite = (org.springframework.boot.health.contributor.CompositeHealthContributor) db;
          assertThat(composite.stream().map(e -> e.name())).containsExactly("primary", "secondary");
          HealthIndicator p = (HealthIndicator) composite.getContributor("primary");
          HealthIndicator s = (HealthIndicator) composite.getContributor("secondary");
          assertThat(p).isInstanceOf(dev.heal.spring.internal.CachedHealthIndicator.class);
          assertThat(s).isInstanceOf(dev.heal.spring.internal.CachedHealthIndicator.class);
          org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() ->
              p.health().getStatus().equals(Status.UP) && registry.state("db.secondary").orElseThrow().runs() > 0);
          assertThat(p.health().getDetails()).containsEntry("pool", "primary");
          assertThat(s.health().getDetails()).containsEntry("pool", "secondary");
          assertThat(callers).as("only heal's check threads call the leaves").isNotEmpty()
              .doesNotContain(Thread.currentThread());
        });
  }

  @Test
  void aLeafCanBeChosenAloneAndTheOtherLeavesStayLive() {
    java.util.Set<Thread> callers = java.util.concurrent.ConcurrentHashMap.newKeySet();
    withComposite(actuator, callers).withPropertyValues("heal.actuator.background=db/primary").run(c -> {
      assertThat(c.getBean(HealthRegistry.class).checkNames()).contains("db.primary").doesNotContain("db.secondary");
      var db = (org.springframework.boot.health.contributor.CompositeHealthContributor)
          c.getBean(HealthContributorRegistry.class).getContributor("db");
      assertThat(db.getContributor("primary")).isInstanceOf(dev.heal.spring.internal.CachedHealthIndicator.class);
      HealthIndicator live = (HealthIndicator) db.getContributor("secondary");
      assertThat(live).isNotInstanceOf(dev.heal.spring.internal.CachedHealthIndicator.class);
      assertThat(live.health().getDetails()).containsEntry("pool", "secondary");
    });
  }

  @Test
  void backgroundAllTakesTheLeavesOfComposites() {
    withComposite(actuator, java.util.concurrent.ConcurrentHashMap.newKeySet())
        .withPropertyValues("heal.actuator.background-all=true")
        .run(c -> assertThat(c.getBean(HealthRegistry.class).checkNames()).contains("db.primary", "db.secondary"));
  }

  @Test
  void anUnknownLeafFailsNamingTheLeavesThatExist() {
    withComposite(actuator, java.util.concurrent.ConcurrentHashMap.newKeySet())
        .withPropertyValues("heal.actuator.background=db/tertiary").run(c -> assertThat(c).hasFailed()
            .getFailure().rootCause().hasMessageContaining("[db.tertiary]").hasMessageContaining("db.secondary"));
  }

  @Test
  void anUnknownBackgroundIndicatorFailsNamingTheOnesThatExist() {
    actuator.withPropertyValues("heal.actuator.background=nope").run(c -> assertThat(c).hasFailed()
        .getFailure().rootCause().hasMessageContaining("[nope]").hasMessageContaining("readinessState"));
  }

  @Test
  void degradedIsItsOwnStatusBetweenOutOfServiceAndUp() {
    HealthRegistry registry = HealthRegistry.builder().build();
    registry.register("cache", () -> HealthResult.degraded("stale"));
    registry.start();
    actuator.withBean(HealthRegistry.class, () -> registry).run(c -> {
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() ->
          registry.status(CheckKind.READINESS) == dev.heal.core.health.HealthStatus.DEGRADED);
      HealthIndicator readiness = (HealthIndicator) c.getBean("readinessStateHealthIndicator");
      assertThat(readiness.health().getStatus()).as("Spring not yet accepting traffic").isEqualTo(Status.OUT_OF_SERVICE);
      org.springframework.boot.availability.AvailabilityChangeEvent.publish(c,
          org.springframework.boot.availability.ReadinessState.ACCEPTING_TRAFFIC);
      assertThat(readiness.health().getStatus()).isEqualTo(new Status("DEGRADED"));
    });
    registry.close();
  }

  @Test
  void theEndpointRefusesWritesWithoutSpringSecurityUnlessAllowed() {
    ApplicationContextRunner exposed = actuator.withPropertyValues("management.endpoints.web.exposure.include=heal")
        .withClassLoader(new FilteredClassLoader("org.springframework.security"));
    exposed.run(c -> {
      WebEndpointResponse<Object> r = c.getBean(HealEndpoint.class).operate("refill-budget", null, null, null, null);
      assertThat(r.getStatus()).isEqualTo(403);
      assertThat(r.getBody().toString()).contains("heal.endpoint.allow-unsecured-writes");
    });
    exposed.withPropertyValues("heal.endpoint.allow-unsecured-writes=true").run(c ->
        assertThat(c.getBean(HealEndpoint.class).operate("refill-budget", null, null, null, null).getStatus())
            .isEqualTo(200));
    actuator.run(c -> assertThat(c).doesNotHaveBean(HealEndpoint.class));
  }

  private static io.fabric8.kubernetes.client.KubernetesClient offlineClient() {
    return new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(
        new io.fabric8.kubernetes.client.ConfigBuilder().withMasterUrl("http://127.0.0.1:1").build()).build();
  }

  @Test
  void inKubernetesHealK8sRecordsDecisionsAsEventsReusingTheApplicationsClient() {
    io.fabric8.kubernetes.client.KubernetesClient mine = offlineClient();
    runner.withPropertyValues("spring.main.cloud-platform=kubernetes")
        .withBean(io.fabric8.kubernetes.client.KubernetesClient.class, () -> mine)
        .withBean(dev.heal.k8s.KubernetesEnvironment.class, () -> dev.heal.k8s.KubernetesEnvironment.of("shop", "orders-1", null))
        .run(c -> {
          assertThat(c).hasSingleBean(dev.heal.k8s.HealerEvents.class).hasSingleBean(dev.heal.k8s.KubernetesEvents.class);
          assertThat(c.getBean(io.fabric8.kubernetes.client.KubernetesClient.class)).isSameAs(mine);
          assertThat(c.getBean(dev.heal.k8s.KubernetesEvents.class).instance()).isEqualTo("orders-1");
        });
    mine.close();
  }

  @Test
  void outsideKubernetesOrWithoutHealK8sNothingOfItIsConfigured() {
    runner.run(c -> assertThat(c).doesNotHaveBean(dev.heal.k8s.HealerEvents.class)
        .doesNotHaveBean(dev.heal.k8s.KubernetesEnvironment.class));
    runner.withPropertyValues("spring.main.cloud-platform=kubernetes")
        .withClassLoader(new FilteredClassLoader(dev.heal.k8s.KubernetesEvents.class))
        .run(c -> assertThat(c).hasSingleBean(Healer.class).doesNotHaveBean(dev.heal.k8s.HealerEvents.class));
  }

  @Test
  void inKubernetesWithoutTheDownwardApiTheStartupSaysWhatToSet() {
    io.fabric8.kubernetes.client.KubernetesClient mine = offlineClient();
    runner.withPropertyValues("spring.main.cloud-platform=kubernetes")
        .withBean(io.fabric8.kubernetes.client.KubernetesClient.class, () -> mine)
        .withBean(dev.heal.k8s.KubernetesEnvironment.class,
            () -> dev.heal.k8s.KubernetesEnvironment.outside("not running in a Kubernetes cluster"))
        .run(c -> assertThat(c).hasFailed().getFailure().hasStackTraceContaining("POD_NAME and POD_NAMESPACE"));
    mine.close();
  }
}
