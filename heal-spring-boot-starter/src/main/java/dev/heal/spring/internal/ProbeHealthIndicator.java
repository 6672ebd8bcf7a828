package dev.heal.spring.internal;

import dev.heal.core.health.CheckKind;
import dev.heal.core.health.HealthRegistry;
import dev.heal.core.health.HealthStatus;
import java.util.List;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityState;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * Actuator's {@code livenessState} / {@code readinessState} contributor, replaced so that the
 * {@code liveness} and {@code readiness} groups answer from Spring's availability state and heal's
 * probe status together: both from memory (heal's checks run in the background), never a check on
 * the request. Readiness: Spring REFUSING_TRAFFIC, or heal DOWN/UNKNOWN, is OUT_OF_SERVICE (503);
 * heal DEGRADED is DEGRADED (200). Liveness: Spring BROKEN or heal DOWN is DOWN; heal UNKNOWN (not
 * yet decided) is UP. Thread-safe. Not API.
 */
public final class ProbeHealthIndicator implements HealthIndicator {
  private final ApplicationAvailability availability;
  private final HealthRegistry registry;
  private final CheckKind kind;

  public ProbeHealthIndicator(ApplicationAvailability availability, HealthRegistry registry, CheckKind kind) {
    if (kind == CheckKind.STARTUP) {
      throw new IllegalArgumentException("Actuator has no startup group; use LIVENESS or READINESS");
    }
    this.availability = availability;
    this.registry = registry;
    this.kind = kind;
  }

  @Override
  public Health health() {
    boolean live = kind == CheckKind.LIVENESS;
    AvailabilityState spring = live ? availability.getLivenessState() : availability.getReadinessState();
    boolean springOk = live ? spring == LivenessState.CORRECT : spring == ReadinessState.ACCEPTING_TRAFFIC;
    HealthStatus heal = registry.status(kind);
    Status status;
    if (!springOk) {
      status = live ? Status.DOWN : Status.OUT_OF_SERVICE;
    } else {
      status = switch (heal) {
        case UP -> Status.UP;
        case DEGRADED -> Statuses.DEGRADED;
        case DOWN -> live ? Status.DOWN : Status.OUT_OF_SERVICE;
        case UNKNOWN -> live ? Status.UP : Status.OUT_OF_SERVICE;
      };
    }
    Health.Builder b = Health.status(status).withDetail("spring", spring.toString()).withDetail("heal", heal.name());
    List<String> held = registry.snapshot().overrides().getOrDefault(kind, List.of());
    if (!held.isEmpty()) {
      b.withDetail("heldDown", held);
    }
    return b.build();
  }
}
