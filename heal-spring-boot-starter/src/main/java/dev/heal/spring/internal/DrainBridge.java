package dev.heal.spring.internal;

import dev.heal.core.health.CheckKind;
import dev.heal.core.health.CheckState;
import dev.heal.core.health.HealthListener;
import dev.heal.core.health.HealthRegistry;
import dev.heal.core.health.HealthStatus;
import java.util.List;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Keeps Spring's readiness state in step with heal's drains: while heal holds readiness down on
 * purpose ({@code Actions.drain}, any {@code forceDown(READINESS)}), Spring's state is
 * REFUSING_TRAFFIC (an {@link AvailabilityChangeEvent} is published); when the last hold is
 * released it is ACCEPTING_TRAFFIC again, but only if the refusal was heal's own (a refusal Spring
 * published itself, e.g. on shutdown, is left alone). Re-evaluated on every probe change and every
 * check result, on heal's threads. Thread-safe. Not API.
 */
public final class DrainBridge implements HealthListener {
  private final HealthRegistry registry;
  private final ApplicationEventPublisher publisher;
  private final ApplicationAvailability availability;
  private boolean refusing; // guarded by this

  public DrainBridge(HealthRegistry registry, ApplicationEventPublisher publisher, ApplicationAvailability availability) {
    this.registry = registry;
    this.publisher = publisher;
    this.availability = availability;
  }

  @Override
  public void onProbeChange(CheckKind kind, HealthStatus from, HealthStatus to) {
    if (kind == CheckKind.READINESS) {
      reconcile();
    }
  }

  @Override
  public void onResult(CheckState state) {
    reconcile();
  }

  /** Publishes the change, if any; once per change. */
  public synchronized void reconcile() {
    List<String> held = registry.snapshot().overrides().getOrDefault(CheckKind.READINESS, List.of());
    boolean drained = !held.isEmpty();
    if (drained && !refusing) {
      refusing = true;
      AvailabilityChangeEvent.publish(publisher, this, ReadinessState.REFUSING_TRAFFIC);
    } else if (!drained && refusing) {
      refusing = false;
      AvailabilityChangeEvent<ReadinessState> last = availability.getLastChangeEvent(ReadinessState.class);
      if (last == null || last.getSource() == this) {
        AvailabilityChangeEvent.publish(publisher, this, ReadinessState.ACCEPTING_TRAFFIC);
      }
    }
  }
}
