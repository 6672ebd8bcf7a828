package dev.heal.core.health;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the {@link HealthRegistry} knows at one moment: the overall status of each probe, the
 * state of every check, and the overrides in force. Immutable and thread-safe.
 *
 * @param probes overall status of liveness, readiness and startup
 * @param checks state of each check, in registration order
 * @param overrides reasons probes are held down on purpose, per probe
 * @param threads how the check threads are used, including threads held by hung checks
 */
public record HealthSnapshot(
    Map<CheckKind, HealthStatus> probes,
    List<CheckState> checks,
    Map<CheckKind, List<String>> overrides,
    CheckThreads threads) {

  public HealthSnapshot {
    probes = Map.copyOf(probes);
    checks = List.copyOf(checks);
    overrides = Map.copyOf(overrides);
    java.util.Objects.requireNonNull(threads, "threads");
  }

  /** A snapshot without thread figures (all zero), as before {@code threads} existed. */
  public HealthSnapshot(
      Map<CheckKind, HealthStatus> probes, List<CheckState> checks, Map<CheckKind, List<String>> overrides) {
    this(probes, checks, overrides, new CheckThreads(0, 0, 0, 0, 0, 0, 0));
  }

  public HealthStatus status(CheckKind kind) {
    return probes.get(kind);
  }

  /** The state of the check called {@code name}, if registered. */
  public Optional<CheckState> check(String name) {
    return checks.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  /** The worst status over all probes, for a one-word summary. */
  public HealthStatus overall() {
    HealthStatus worst = HealthStatus.UP;
    for (HealthStatus s : probes.values()) {
      if (s == HealthStatus.DOWN || s == HealthStatus.UNKNOWN) {
        return HealthStatus.DOWN;
      }
      if (s == HealthStatus.DEGRADED) {
        worst = HealthStatus.DEGRADED;
      }
    }
    return worst;
  }
}
