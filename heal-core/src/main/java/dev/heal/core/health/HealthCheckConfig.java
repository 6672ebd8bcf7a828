package dev.heal.core.health;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How one check is run and judged. Immutable and thread-safe; create with {@link #builder(String)}.
 *
 * <p>Thresholds follow Kubernetes probe semantics: the reported status turns DOWN only after
 * {@code failureThreshold} consecutive DOWN results, and back to passing only after
 * {@code successThreshold} consecutive UP or DEGRADED results. Until either threshold is first
 * reached the status is {@link HealthStatus#UNKNOWN}.
 */
public final class HealthCheckConfig {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

  private final String name;
  private final Set<CheckKind> kinds;
  private final Duration interval;
  private final Duration timeout;
  private final Duration initialDelay;
  private final int failureThreshold;
  private final int successThreshold;
  private final boolean critical;
  private final boolean external;
  private final Set<String> tags;

  private HealthCheckConfig(Builder b) {
    this.name = b.name;
    this.kinds = Collections.unmodifiableSet(EnumSet.copyOf(b.kinds));
    this.interval = b.interval;
    this.timeout = b.timeout;
    this.initialDelay = b.initialDelay;
    this.failureThreshold = b.failureThreshold;
    this.successThreshold = b.successThreshold;
    this.critical = b.critical;
    this.external = b.external;
    this.tags = Collections.unmodifiableSet(new LinkedHashSet<>(b.tags));
  }

  /** A builder for a check called {@code name} (letters, digits, {@code . _ -}; at most 63). */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  public String name() {
    return name;
  }

  /** The probes this check feeds; never empty. Default: readiness only. */
  public Set<CheckKind> kinds() {
    return kinds;
  }

  /** Time between the end of one run and the start of the next. Default 10 s. */
  public Duration interval() {
    return interval;
  }

  /** How long one run may take before it counts as DOWN. Default 2 s. */
  public Duration timeout() {
    return timeout;
  }

  /** Delay before the first run. Default 0. */
  public Duration initialDelay() {
    return initialDelay;
  }

  /** Consecutive DOWN results before the status turns DOWN. Default 3. */
  public int failureThreshold() {
    return failureThreshold;
  }

  /** Consecutive passing results before the status turns passing again. Default 1. */
  public int successThreshold() {
    return successThreshold;
  }

  /** Whether DOWN fails the probes this check feeds. Default true. */
  public boolean critical() {
    return critical;
  }

  /** Whether this check tests something outside the process (a database, another service). */
  public boolean external() {
    return external;
  }

  /** Free-form tags/groups, for display and selection. */
  public Set<String> tags() {
    return tags;
  }

  @Override
  public String toString() {
    return "HealthCheckConfig[" + name + ", kinds=" + kinds + ", interval=" + interval
        + ", timeout=" + timeout + ", failureThreshold=" + failureThreshold
        + ", successThreshold=" + successThreshold + ", critical=" + critical
        + ", external=" + external + "]";
  }

  /** Builds a {@link HealthCheckConfig}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private final Set<CheckKind> kinds = EnumSet.noneOf(CheckKind.class);
    private Duration interval = Duration.ofSeconds(10);
    private Duration timeout = Duration.ofSeconds(2);
    private Duration initialDelay = Duration.ZERO;
    private int failureThreshold = 3;
    private int successThreshold = 1;
    private boolean critical = true;
    private boolean external;
    private boolean allowExternalLiveness;
    private final Set<String> tags = new LinkedHashSet<>();

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    /** The probes this check feeds (replaces earlier choices). */
    public Builder kinds(CheckKind first, CheckKind... more) {
      kinds.clear();
      kinds.add(Objects.requireNonNull(first, "first"));
      for (CheckKind k : more) {
        kinds.add(Objects.requireNonNull(k, "kinds"));
      }
      return this;
    }

    public Builder liveness() {
      return kinds(CheckKind.LIVENESS);
    }

    public Builder readiness() {
      return kinds(CheckKind.READINESS);
    }

    public Builder startup() {
      return kinds(CheckKind.STARTUP);
    }

    public Builder interval(Duration interval) {
      this.interval = Objects.requireNonNull(interval, "interval");
      return this;
    }

    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    public Builder initialDelay(Duration initialDelay) {
      this.initialDelay = Objects.requireNonNull(initialDelay, "initialDelay");
      return this;
    }

    public Builder failureThreshold(int failureThreshold) {
      this.failureThreshold = failureThreshold;
      return this;
    }

    public Builder successThreshold(int successThreshold) {
      this.successThreshold = successThreshold;
      return this;
    }

    public Builder critical(boolean critical) {
      this.critical = critical;
      return this;
    }

    /**
     * Marks the check as testing an external dependency. Such a check may not feed liveness
     * (a shared database outage must not make Kubernetes restart every pod) unless
     * {@link #allowExternalLiveness()} says otherwise.
     */
    public Builder external(boolean external) {
      this.external = external;
      return this;
    }

    /** Lets an external check feed liveness anyway. Think twice: see {@link #external(boolean)}. */
    public Builder allowExternalLiveness() {
      this.allowExternalLiveness = true;
      return this;
    }

    public Builder tags(String... tags) {
      for (String t : tags) {
        this.tags.add(Objects.requireNonNull(t, "tags"));
      }
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the first parameter that is wrong
     */
    public HealthCheckConfig build() {
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "name must be 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit: '"
                + name + "'");
      }
      if (kinds.isEmpty()) {
        kinds.add(CheckKind.READINESS);
      }
      positive("interval", interval);
      positive("timeout", timeout);
      if (initialDelay.isNegative()) {
        throw new IllegalArgumentException(
            "initialDelay must not be negative for check '" + name + "': " + initialDelay);
      }
      if (failureThreshold < 1) {
        throw new IllegalArgumentException(
            "failureThreshold must be at least 1 for check '" + name + "': " + failureThreshold);
      }
      if (successThreshold < 1) {
        throw new IllegalArgumentException(
            "successThreshold must be at least 1 for check '" + name + "': " + successThreshold);
      }
      if (external && kinds.contains(CheckKind.LIVENESS) && !allowExternalLiveness) {
        throw new IllegalArgumentException(
            "check '" + name + "' is external and would feed liveness: a shared dependency outage"
                + " would make Kubernetes restart every pod. Use readiness, or call"
                + " allowExternalLiveness() if you really mean it");
      }
      return new HealthCheckConfig(this);
    }

    private void positive(String what, Duration d) {
      if (d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(
            what + " must be positive for check '" + name + "': " + d);
      }
    }
  }
}
