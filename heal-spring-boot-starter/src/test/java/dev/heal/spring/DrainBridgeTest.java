package dev.heal.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heal.core.health.CheckKind;
import dev.heal.core.health.HealthOverride;
import dev.heal.core.health.HealthRegistry;
import dev.heal.spring.internal.DrainBridge;
import org.junit.jupiter.api.Test;
import org.springframework.boot.availability.ApplicationAvailabilityBean;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.support.StaticApplicationContext;

/**
 * {@link DrainBridge}: a heal drain turns Spring's readiness to REFUSING_TRAFFIC and its release
 * back to ACCEPTING_TRAFFIC, but a refusal Spring published itself (e.g. on shutdown) is not undone
 * by the release, as docs/spring-boot.md says.
 */
class DrainBridgeTest {
  private final StaticApplicationContext context = new StaticApplicationContext();
  private final ApplicationAvailabilityBean availability = new ApplicationAvailabilityBean();
  private final HealthRegistry registry = HealthRegistry.builder().build();
  private final DrainBridge bridge;

  DrainBridgeTest() {
    context.addApplicationListener(availability);
    context.refresh();
    bridge = new DrainBridge(registry, context, availability);
    AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
  }

  @Test
  void aDrainRefusesTrafficAndItsReleaseAcceptsItAgain() {
    HealthOverride drain = registry.forceDown(CheckKind.READINESS, "draining");
    bridge.reconcile();
    assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.REFUSING_TRAFFIC);
    drain.close();
    bridge.reconcile();
    assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
  }

  @Test
  void aRefusalThatIsNotHealsIsLeftAloneByTheRelease() {
    HealthOverride drain = registry.forceDown(CheckKind.READINESS, "draining");
    bridge.reconcile();
    AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC); // Spring's own, e.g. shutdown
    drain.close();
    bridge.reconcile();
    assertThat(availability.getReadinessState()).as("Spring's refusal stands").isEqualTo(ReadinessState.REFUSING_TRAFFIC);
  }

  @Test
  void eachChangeIsPublishedOnce() {
    java.util.List<Object> events = new java.util.ArrayList<>();
    context.addApplicationListener(e -> {
      if (e instanceof AvailabilityChangeEvent<?> a && a.getSource() == bridge) {
        events.add(a.getState());
      }
    });
    HealthOverride drain = registry.forceDown(CheckKind.READINESS, "draining");
    bridge.reconcile();
    bridge.reconcile();
    drain.close();
    bridge.reconcile();
    bridge.reconcile();
    assertThat(events).containsExactly(ReadinessState.REFUSING_TRAFFIC, ReadinessState.ACCEPTING_TRAFFIC);
  }
}
