package dev.heal.spring.internal;

import dev.heal.core.health.CheckState;
import dev.heal.core.health.HealthResult;
import dev.heal.core.health.HealthStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/** Translations between heal's statuses and Actuator's. Not API. */
public final class Statuses {
  /** heal's DEGRADED as an Actuator status (HTTP 200, ordered between OUT_OF_SERVICE and UP). */
  public static final Status DEGRADED = new Status("DEGRADED", "serving with reduced function");

  private Statuses() {}

  public static Status toActuator(HealthStatus s) {
    return switch (s) {
      case UP -> Status.UP;
      case DEGRADED -> DEGRADED;
      case DOWN -> Status.DOWN;
      case UNKNOWN -> Status.UNKNOWN;
    };
  }

  /** What an Actuator indicator answered, as a heal result (OUT_OF_SERVICE and unknown codes are DOWN). */
  public static HealthResult toHeal(Health h) {
    Map<String, Object> details = new LinkedHashMap<>(h.getDetails());
    String code = h.getStatus().getCode();
    if (Status.UP.getCode().equals(code)) {
      return HealthResult.up(details);
    }
    if (DEGRADED.getCode().equals(code)) {
      return HealthResult.degraded(details);
    }
    Object error = details.get("error");
    return HealthResult.down("indicator is " + code + (error == null ? "" : ": " + error), details);
  }

  /** A heal check's cached state, as Actuator health. */
  public static Health fromState(CheckState s) {
    Health.Builder b = Health.status(toActuator(s.status()));
    s.lastResult().ifPresent(r -> b.withDetails(r.details()));
    s.lastError().ifPresent(e -> b.withDetail("error", e));
    s.lastRunAt().ifPresent(t -> b.withDetail("heal.checkedAt", t.toString()));
    s.waiting().ifPresent(w -> b.withDetail("heal.waiting", w));
    return b.build();
  }
}
