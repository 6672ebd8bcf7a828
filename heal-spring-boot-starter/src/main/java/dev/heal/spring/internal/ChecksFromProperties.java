package dev.heal.spring.internal;

import dev.heal.core.health.CheckKind;
import dev.heal.core.health.HealthCheckConfig;
import dev.heal.spring.HealProperties;
import java.util.List;

/** Builds a check's {@link HealthCheckConfig} from {@code heal.checks.<name>} over a set of defaults. Not API. */
public final class ChecksFromProperties {
  private ChecksFromProperties() {}

  public static HealthCheckConfig config(String name, HealProperties.Check own, HealProperties.Check defaults) {
    HealthCheckConfig.Builder b = HealthCheckConfig.builder(name);
    List<CheckKind> kinds = own != null && !own.getKinds().isEmpty() ? own.getKinds() : defaults.getKinds();
    if (!kinds.isEmpty()) {
      b.kinds(kinds.get(0), kinds.subList(1, kinds.size()).toArray(CheckKind[]::new));
    }
    HealProperties.Check[] order = own == null ? new HealProperties.Check[] {defaults}
        : new HealProperties.Check[] {own, defaults};
    for (int i = order.length - 1; i >= 0; i--) { // defaults first, the check's own keys over them
      HealProperties.Check c = order[i];
      if (c.getInterval() != null) {
        b.interval(c.getInterval());
      }
      if (c.getTimeout() != null) {
        b.timeout(c.getTimeout());
      }
      if (c.getFailureThreshold() != null) {
        b.failureThreshold(c.getFailureThreshold());
      }
      if (c.getSuccessThreshold() != null) {
        b.successThreshold(c.getSuccessThreshold());
      }
      if (c.getCritical() != null) {
        b.critical(c.getCritical());
      }
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("heal.checks." + name + ": " + e.getMessage(), e);
    }
  }
}
