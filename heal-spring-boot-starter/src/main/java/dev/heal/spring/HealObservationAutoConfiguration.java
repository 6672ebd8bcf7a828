package dev.heal.spring;

import dev.heal.core.healer.Healer;
import dev.heal.spring.internal.HealerObservations;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * heal's episodes and steps as Micrometer Observations ({@code heal.episode}, {@code heal.step})
 * on the application's {@link ObservationRegistry}, when it has one (Actuator makes one). The
 * observer is a healer listener bean, so the auto-configured {@link Healer} takes it. heal's own
 * meters are unchanged; what the registry's handlers make of the observations (a
 * {@code heal.episode} timer, spans) comes on top. Off with {@code heal.observations.enabled=false}
 * (for instance when the application also hands heal its {@code OpenTelemetry} and traces through
 * Micrometer Tracing too, which would give each episode two spans).
 */
@AutoConfiguration(before = HealAutoConfiguration.class,
    afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass({ObservationRegistry.class, Healer.class})
@ConditionalOnBooleanProperty(name = {"heal.enabled", "heal.observations.enabled"}, matchIfMissing = true)
public class HealObservationAutoConfiguration {

  /** Observes the healer's episodes on the application's registry. */
  @Bean
  @ConditionalOnBean(ObservationRegistry.class)
  @ConditionalOnMissingBean
  public HealerObservations healObservations(ObservationRegistry registry) {
    return new HealerObservations(registry);
  }
}
