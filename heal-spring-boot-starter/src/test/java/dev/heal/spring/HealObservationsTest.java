package dev.heal.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.heal.core.healer.Action;
import dev.heal.core.healer.ActionResult;
import dev.heal.core.healer.Episode;
import dev.heal.core.healer.Healer;
import dev.heal.core.healer.Outcome;
import dev.heal.core.healer.RecoveryPlan;
import dev.heal.core.healer.Trigger;
import dev.heal.spring.internal.HealerObservations;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Episodes and steps as Micrometer Observations, and the conditions that switch them on and off. */
class HealObservationsTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(HealAutoConfiguration.class, HealObservationAutoConfiguration.class))
      .withPropertyValues("heal.cooldown=0s");

  @Configuration(proxyBeanMethods = false)
  static class Plans {
    final AtomicInteger fixes = new AtomicInteger();

    @Bean
    RecoveryPlan reconnect() {
      return RecoveryPlan.when(Trigger.signal("pool-broken")).named("reconnect")
          .then(Action.run("reconnect-pool", fixes::incrementAndGet)).verifyWithin(Duration.ofMinutes(1)).build();
    }

    @Bean
    RecoveryPlan hopeless() {
      return RecoveryPlan.when(Trigger.signal("disk-full")).named("hopeless")
          .then(Action.of("free-disk", ctx -> ActionResult.failed("nothing to delete"))).attempts(1)
          .verifyWithin(Duration.ofMinutes(1)).build();
    }
  }

  private static Episode closed(Healer h, String plan) {
    await().atMost(Duration.ofSeconds(10)).until(() -> h.journal().recent(20).stream()
        .anyMatch(e -> e.plan().equals(plan) && e.outcome().isPresent()));
    return h.journal().recent(20).stream().filter(e -> e.plan().equals(plan) && e.outcome().isPresent())
        .findFirst().orElseThrow();
  }

  @Test
  void anEpisodeAndItsStepsAreObservationsWithPlanOutcomeAndEpisodeId() {
    TestObservationRegistry observations = TestObservationRegistry.create();
    runner.withUserConfiguration(Plans.class).withBean(ObservationRegistry.class, () -> observations).run(c -> {
      assertThat(c).hasSingleBean(HealerObservations.class);
      Healer h = c.getBean(Healer.class);
      h.raise("pool-broken", "connections reset");
      await().atMost(Duration.ofSeconds(5)).until(() -> h.journal().recent(5).stream()
          .anyMatch(e -> e.steps().stream().anyMatch(s -> s.status().isPresent())));
      h.resolve("pool-broken", "reconnected");
      Episode e = closed(h, "reconnect");
      assertThat(e.outcome()).contains(Outcome.RECOVERED);
      await().atMost(Duration.ofSeconds(5)).until(() -> c.getBean(HealerObservations.class).open() == 0);
      TestObservationRegistryAssert.assertThat(observations)
          .hasObservationWithNameEqualTo("heal.episode").that()
          .hasContextualNameEqualTo("heal.episode reconnect")
          .hasLowCardinalityKeyValue("heal.plan", "reconnect")
          .hasLowCardinalityKeyValue("heal.outcome", "RECOVERED")
          .hasHighCardinalityKeyValue("heal.episode.id", e.id())
          .doesNotHaveLowCardinalityKeyValueWithKey("heal.episode.id")
          .hasBeenStarted().hasBeenStopped();
      TestObservationRegistryAssert.assertThat(observations)
          .hasObservationWithNameEqualTo("heal.step").that()
          .hasLowCardinalityKeyValue("heal.action", "reconnect-pool")
          .hasLowCardinalityKeyValue("heal.outcome", "SUCCEEDED")
          .hasParentObservationContextMatching(p -> p.getName().equals("heal.episode"))
          .hasBeenStopped();
    });
  }

  @Test
  void aFailedEpisodeCarriesItsOutcomeAndItsEscalation() {
    TestObservationRegistry observations = TestObservationRegistry.create();
    runner.withUserConfiguration(Plans.class).withBean(ObservationRegistry.class, () -> observations).run(c -> {
      Healer h = c.getBean(Healer.class);
      h.raise("disk-full", "no space left");
      Episode e = closed(h, "hopeless");
      await().atMost(Duration.ofSeconds(5)).until(() -> c.getBean(HealerObservations.class).open() == 0);
      TestObservationRegistryAssert.assertThat(observations)
          .hasObservationWithNameEqualTo("heal.episode").that()
          .hasLowCardinalityKeyValue("heal.plan", "hopeless")
          .hasLowCardinalityKeyValue("heal.outcome", e.outcome().orElseThrow().name())
          .hasBeenStopped();
      assertThat(e.outcome()).isNotEqualTo(java.util.Optional.of(Outcome.RECOVERED));
      TestObservationRegistryAssert.assertThat(observations)
          .hasObservationWithNameEqualTo("heal.step").that()
          .hasLowCardinalityKeyValue("heal.action", "free-disk")
          .hasLowCardinalityKeyValue("heal.outcome", "FAILED");
    });
  }

  @Test
  void healsMeterNamesAreUnchangedWithObservationsOn() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    ObservationRegistry observations = ObservationRegistry.create();
    observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
    runner.withUserConfiguration(Plans.class).withBean(MeterRegistry.class, () -> meters)
        .withBean(ObservationRegistry.class, () -> observations).run(c -> {
          Healer h = c.getBean(Healer.class);
          h.raise("disk-full", "no space left");
          closed(h, "hopeless");
          await().atMost(Duration.ofSeconds(5)).until(() -> meters.find("heal.episode").timer() != null);
          assertThat(meters.getMeters()).extracting(m -> m.getId().getName())
              .contains("heal.recovery.episodes", "heal.recovery.actions", "heal.recovery.budget.remaining",
                  "heal.episode", "heal.step");
          assertThat(meters.find("heal.episode").tag("heal.plan", "hopeless").timer().count()).isEqualTo(1);
        });
  }

  @Test
  void withoutAnObservationRegistryBeanNothingIsObserved() {
    runner.run(c -> assertThat(c).hasSingleBean(Healer.class).doesNotHaveBean(HealerObservations.class));
  }

  @Test
  void withoutMicrometerObservationOnTheClassPathNothingIsObserved() {
    runner.withClassLoader(new FilteredClassLoader(ObservationRegistry.class))
        .run(c -> assertThat(c).hasSingleBean(Healer.class).doesNotHaveBean(HealerObservations.class));
  }

  @Test
  void observationsCanBeSwitchedOff() {
    runner.withBean(ObservationRegistry.class, TestObservationRegistry::create)
        .withPropertyValues("heal.observations.enabled=false")
        .run(c -> assertThat(c).hasSingleBean(Healer.class).doesNotHaveBean(HealerObservations.class));
  }

  @Test
  void anApplicationsOwnObserverWins() {
    HealerObservations mine = new HealerObservations(ObservationRegistry.NOOP);
    runner.withBean(ObservationRegistry.class, TestObservationRegistry::create)
        .withBean(HealerObservations.class, () -> mine)
        .run(c -> assertThat(c.getBean(HealerObservations.class)).isSameAs(mine));
  }
}
