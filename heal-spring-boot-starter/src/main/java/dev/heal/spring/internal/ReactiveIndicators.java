package dev.heal.spring.internal;

import dev.heal.core.health.HealthRegistry;
import java.util.List;
import java.util.Set;

/**
 * The reactive side of {@link IndicatorChecks}, present only when Reactor is on the class path
 * (so this interface names no Reactor type). Not API.
 */
public interface ReactiveIndicators {
  /**
   * Registers the chosen reactive contributors' leaves as heal checks: {@code all} takes every one,
   * else those in {@code wanted} (heal check names). Removes what it found from {@code missing} and
   * adds every name it saw to {@code known}.
   */
  void contribute(HealthRegistry registry, boolean all, Set<String> wanted, Set<String> missing, List<String> known);

  /** heal check names of the reactive leaves heal runs. */
  Set<String> checks();
}
