package dev.heal.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heal.core.health.HealthRegistry;
import dev.heal.core.health.HealthStatus;
import dev.heal.spring.internal.CachedReactiveHealthIndicator;
import dev.heal.spring.internal.ReactorIndicatorChecks;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.application.AvailabilityHealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.CompositeReactiveHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.ReactiveHealthContributor;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.health.registry.ReactiveHealthContributorRegistry;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.core.publisher.Mono;

/** Reactive Actuator contributors in heal's background, with {@link ApplicationContextRunner}. */
class ReactiveIndicatorsTest {
  private final ApplicationContextRunner actuator = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(HealAutoConfiguration.class, HealActuatorAutoConfiguration.class,
          ApplicationAvailabilityAutoConfiguration.class, AvailabilityHealthContributorAutoConfiguration.class,
          AvailabilityProbesAutoConfiguration.class, HealthContributorRegistryAutoConfiguration.class,
          HealthEndpointAutoConfiguration.class, EndpointAutoConfiguration.class, WebEndpointAutoConfiguration.class));

  @Test
  void aReactiveIndicatorThatNeverAnswersIsAnsweredFromTheCacheAndTimesOutInHealsBackground() {
    AtomicInteger subscribed = new AtomicInteger();
    AtomicBoolean cancelled = new AtomicBoolean();
    Set<Thread> subscribers = ConcurrentHashMap.newKeySet();
    ReactiveHealthIndicator never = () -> Mono.<Health>never()
        .doOnSubscribe(s -> {
          subscribed.incrementAndGet();
          subscribers.add(Thread.currentThread());
        })
        .doOnCancel(() -> cancelled.set(true));
    actuator.withBean("hangingHealthIndicator", ReactiveHealthIndicator.class, () -> never)
        .withPropertyValues("heal.actuator.background=hanging", "heal.checks.hanging.timeout=200ms",
            "heal.checks.hanging.interval=30s", "heal.checks.hanging.failure-threshold=1")
        .run(c -> {
          HealthRegistry registry = c.getBean(HealthRegistry.class);
          assertThat(registry.checkNames()).contains("hanging");
          ReactiveHealthContributor seen = c.getBean(ReactiveHealthContributorRegistry.class).getContributor("hanging");
          assertThat(seen).isInstanceOf(CachedReactiveHealthIndicator.class);
          // The cached answer is already complete: a zero wait is enough, though the indicator never answers.
          Health now = ((ReactiveHealthIndicator) seen).health().block(Duration.ZERO);
          assertThat(now).isNotNull();
          Awaitility.await().atMost(Duration.ofSeconds(5)).until(() ->
              registry.state("hanging").orElseThrow().status() == HealthStatus.DOWN);
          assertThat(registry.state("hanging").orElseThrow().lastError()).get().asString()
              .contains("timed out after 200 ms");
          Health cached = ((ReactiveHealthIndicator) seen).health().block(Duration.ZERO);
          assertThat(cached.getStatus()).isEqualTo(Status.DOWN);
          assertThat(String.valueOf(cached.getDetails().get("error"))).contains("timed out");
          Awaitility.await().atMost(Duration.ofSeconds(5)).untilTrue(cancelled);
          assertThat(subscribed).as("heal subscribed once (the next run is 30s away)").hasValue(1);
          assertThat(subscribers).as("heal subscribes on its check thread").doesNotContain(Thread.currentThread());
        });
  }

  @Test
  void aReactiveIndicatorThatAnswersIsCachedWithItsDetails() {
    actuator.withBean("quickHealthIndicator", ReactiveHealthIndicator.class,
            () -> () -> Mono.just(Health.up().withDetail("checked", true).build()))
        .withPropertyValues("heal.actuator.background=quick")
        .run(c -> {
          var seen = (ReactiveHealthIndicator) c.getBean(ReactiveHealthContributorRegistry.class)
              .getContributor("quick");
          assertThat(seen).isInstanceOf(CachedReactiveHealthIndicator.class);
          Awaitility.await().atMost(Duration.ofSeconds(5))
              .until(() -> seen.health().block(Duration.ZERO).getStatus().equals(Status.UP));
          assertThat(seen.health().block(Duration.ZERO).getDetails()).containsEntry("checked", true);
        });
  }

  private static ApplicationContextRunner withComposite(ApplicationContextRunner r) {
    return r.withBean("rdbHealthContributor", ReactiveHealthContributor.class,
        () -> CompositeReactiveHealthContributor.fromMap(new TreeMap<>(Map.of(
            "primary", (ReactiveHealthIndicator) () -> Mono.just(Health.up().withDetail("pool", "primary").build()),
            "secondary", (ReactiveHealthIndicator) () ->
                Mono.just(Health.down().withDetail("pool", "secondary").build())))));
  }

  @Test
  void aLeafOfAReactiveCompositeRunsInHealsBackgroundAndTheCompositeKeepsItsShape() {
    withComposite(actuator).withPropertyValues("heal.actuator.background=rdb/primary", "heal.checks.rdb.interval=3s")
        .run(c -> {
          HealthRegistry registry = c.getBean(HealthRegistry.class);
          assertThat(registry.checkNames()).contains("rdb.primary").doesNotContain("rdb.secondary", "rdb");
          assertThat(registry.state("rdb.primary").orElseThrow().config().interval())
              .as("the composite's key").isEqualTo(Duration.ofSeconds(3));
          var rdb = (CompositeReactiveHealthContributor) c.getBean(ReactiveHealthContributorRegistry.class)
              .getContributor("rdb");
          assertThat(rdb.stream().map(e -> e.name())).containsExactly("primary", "secondary");
          var primary = (ReactiveHealthIndicator) rdb.getContributor("primary");
          assertThat(primary).isInstanceOf(CachedReactiveHealthIndicator.class);
          var live = (ReactiveHealthIndicator) rdb.getContributor("secondary");
          assertThat(live).isNotInstanceOf(CachedReactiveHealthIndicator.class);
          assertThat(live.health().block().getDetails()).containsEntry("pool", "secondary");
          Awaitility.await().atMost(Duration.ofSeconds(5))
              .until(() -> primary.health().block(Duration.ZERO).getStatus().equals(Status.UP));
          assertThat(primary.health().block(Duration.ZERO).getDetails()).containsEntry("pool", "primary");
        });
  }

  @Test
  void backgroundAllTakesReactiveLeavesToo() {
    withComposite(actuator).withPropertyValues("heal.actuator.background-all=true")
        .run(c -> assertThat(c.getBean(HealthRegistry.class).checkNames()).contains("rdb.primary", "rdb.secondary"));
  }

  @Test
  void anUnknownNameFailsNamingTheReactiveContributorsThatExist() {
    withComposite(actuator).withPropertyValues("heal.actuator.background=rdb/tertiary").run(c ->
        assertThat(c).hasFailed().getFailure().rootCause().hasMessageContaining("[rdb.tertiary]")
            .hasMessageContaining("rdb.primary").hasMessageContaining("rdb.secondary"));
  }

  @Test
  void withoutReactorServletIndicatorsStillRunAndNothingReactiveIsConfigured() {
    actuator.withClassLoader(new FilteredClassLoader("reactor."))
        .withBean("slowHealthIndicator", HealthIndicator.class, () -> () -> Health.up().build())
        .withPropertyValues("heal.actuator.background=slow")
        .run(c -> {
          assertThat(c).hasNotFailed().doesNotHaveBean(ReactorIndicatorChecks.class)
              .doesNotHaveBean(ReactiveHealthContributorRegistry.class);
          assertThat(c.getBean(HealthRegistry.class).checkNames()).contains("slow");
          assertThat(c.getBean(HealthContributorRegistry.class).getContributor("slow"))
              .isInstanceOf(dev.heal.spring.internal.CachedHealthIndicator.class);
        });
  }
}
