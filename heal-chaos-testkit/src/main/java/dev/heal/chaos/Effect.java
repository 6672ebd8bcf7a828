package dev.heal.chaos;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What a {@link Fault} does when it fires. Three families:
 *
 * <ul>
 *   <li><b>In-process</b>, applied by the chaos proxy around a {@code Supplier}, {@code Callable},
 *       interface or health check: {@link Latency}, {@link Error}, {@link Throwing}, {@link Hang},
 *       {@link FailFirst}, {@link Return}, {@link HealthDown}, {@link HealthSlow}.
 *   <li><b>Network</b>, applied by the {@link TcpChaosProxy}: {@link NetworkLatency},
 *       {@link Bandwidth}, {@link Reset}, {@link Blackhole}, {@link Slice}, {@link Refuse},
 *       {@link CloseAfter}.
 *   <li><b>Cluster-only</b>, which have no local effect and exist so the same schedule can be
 *       exported to Chaos Mesh: {@link PacketLoss}, {@link PodKill}, {@link PodFailure}. Arming one
 *       locally is refused.
 * </ul>
 *
 * <p>All effects are immutable values and thread-safe. Durations are {@link Duration}s; sizes are
 * bytes; rates are bytes per second.
 */
public sealed interface Effect {

  /** A short kebab-case name, used in reports and generated fault names. */
  String kind();

  /** Whether this effect acts inside the JVM on wrapped calls or health checks. */
  default boolean inProcess() {
    return false;
  }

  /** Whether the {@link TcpChaosProxy} applies this effect. */
  default boolean network() {
    return false;
  }

  /** Whether this effect only exists for export to a cluster. */
  default boolean clusterOnly() {
    return false;
  }

  // ---- in-process -----------------------------------------------------------------------------

  /** Delays each call by a draw from {@code distribution}, then lets it proceed. */
  record Latency(LatencyDistribution distribution) implements Effect {
    public Latency {
      Objects.requireNonNull(distribution, "distribution");
    }

    @Override
    public String kind() {
      return "latency";
    }

    @Override
    public boolean inProcess() {
      return true;
    }
  }

  /** Fails the call with an {@link InjectedFaultException} carrying {@code message}. */
  record Error(String message) implements Effect {
    public Error {
      Objects.requireNonNull(message, "message");
    }

    @Override
    public String kind() {
      return "error";
    }

    @Override
    public boolean inProcess() {
      return true;
    }
  }

  /**
   * Fails the call with an exception of the application's choosing, e.g. {@code
   * () -> new SQLException("connection reset")}. A checked exception reaches callers of a
   * {@code Callable} or of an interface method that declares it.
   */
  record Throwing(String description, Supplier<? extends Exception> exception) implements Effect {
    public Throwing {
      Objects.requireNonNull(description, "description");
      Objects.requireNonNull(exception, "exception");
    }

    @Override
    public String kind() {
      return "throw";
    }

    @Override
    public boolean inProcess() {
      return true;
    }
  }

  /**
   * The call hangs until the fault is disarmed or {@code max} passes, then fails with an {@link
   * InjectedFaultException}: what a caller without its own timeout would experience from a dead peer.
   */
  record Hang(Duration max) implements Effect {
    public Hang {
      Objects.requireNonNull(max, "max");
      if (max.isNegative() || max.isZero()) {
        throw new IllegalArgumentException("max must be positive: " + max);
      }
    }

    @Override
    public String kind() {
      return "hang";
    }

    @Override
    public boolean inProcess() {
      return true;
    }
  }

  /** Fails the first {@code calls} calls after arming, then lets every call through. */
  record FailFirst(int calls) implements Effect {
    public FailFirst {
      if (calls < 1) {
        throw new IllegalArgumentException("calls must be >= 1: " + calls);
      }
    }

    @Override
    public String kind() {
      return "fail-first";
    }

    @Override
    public boolean inProcess() {
      return true;
    }
  }

  /** Skips the real call and returns {@code value} instead (which may be null). */
  record Return(Object value) implements Effect {
    @Override
    public String kind() {
      return "return";
    }

    @Override
    public boolean inProcess() {
      return true;
    }
  }

  /** A wrapped health check reports DOWN with {@code reason} without running. */
  record HealthDown(String reason) implements Effect {
    public HealthDown {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String kind() {
      return "health-down";
    }

    @Override
    public boolean inProcess() {
      return true;
    }
  }

  /** A wrapped health check runs {@code delay} late (long enough, it hits the check's timeout). */
  record HealthSlow(Duration delay) implements Effect {
    public HealthSlow {
      Objects.requireNonNull(delay, "delay");
    }

    @Override
    public String kind() {
      return "health-slow";
    }

    @Override
    public boolean inProcess() {
      return true;
    }
  }

  // ---- network --------------------------------------------------------------------------------

  /** Delays each chunk by {@code latency} ± a uniform draw of up to {@code jitter}. */
  record NetworkLatency(Duration latency, Duration jitter, Direction direction) implements Effect {
    public NetworkLatency {
      Objects.requireNonNull(latency, "latency");
      Objects.requireNonNull(jitter, "jitter");
      Objects.requireNonNull(direction, "direction");
      if (latency.isNegative() || jitter.isNegative()) {
        throw new IllegalArgumentException("latency and jitter must not be negative");
      }
    }

    @Override
    public String kind() {
      return "net-latency";
    }

    @Override
    public boolean network() {
      return true;
    }
  }

  /** Limits throughput to {@code bytesPerSecond}. */
  record Bandwidth(long bytesPerSecond, Direction direction) implements Effect {
    public Bandwidth {
      Objects.requireNonNull(direction, "direction");
      if (bytesPerSecond < 1) {
        throw new IllegalArgumentException("bytesPerSecond must be >= 1: " + bytesPerSecond);
      }
    }

    @Override
    public String kind() {
      return "bandwidth";
    }

    @Override
    public boolean network() {
      return true;
    }
  }

  /** Resets connections (TCP RST): new ones at once, open ones at their next chunk. */
  record Reset() implements Effect {
    @Override
    public String kind() {
      return "reset";
    }

    @Override
    public boolean network() {
      return true;
    }
  }

  /** Accepts and reads, but never forwards: the peer waits forever. */
  record Blackhole(Direction direction) implements Effect {
    public Blackhole {
      Objects.requireNonNull(direction, "direction");
    }

    @Override
    public String kind() {
      return "blackhole";
    }

    @Override
    public boolean network() {
      return true;
    }
  }

  /** Forwards in pieces of at most {@code bytes}, waiting {@code delay} between pieces. */
  record Slice(int bytes, Duration delay, Direction direction) implements Effect {
    public Slice {
      Objects.requireNonNull(delay, "delay");
      Objects.requireNonNull(direction, "direction");
      if (bytes < 1) {
        throw new IllegalArgumentException("bytes must be >= 1: " + bytes);
      }
    }

    @Override
    public String kind() {
      return "slice";
    }

    @Override
    public boolean network() {
      return true;
    }
  }

  /**
   * Refuses new connections: the proxy accepts and resets them before any byte flows, so the
   * client's first read or write fails. Open connections are left alone.
   */
  record Refuse() implements Effect {
    @Override
    public String kind() {
      return "refuse";
    }

    @Override
    public boolean network() {
      return true;
    }
  }

  /** Closes a connection after {@code bytes} more bytes have flowed in {@code direction}. */
  record CloseAfter(long bytes, Direction direction) implements Effect {
    public CloseAfter {
      Objects.requireNonNull(direction, "direction");
      if (bytes < 0) {
        throw new IllegalArgumentException("bytes must not be negative: " + bytes);
      }
    }

    @Override
    public String kind() {
      return "close-after";
    }

    @Override
    public boolean network() {
      return true;
    }
  }

  // ---- cluster only ---------------------------------------------------------------------------

  /** Drops {@code percent} of packets (Chaos Mesh NetworkChaos loss). Export only. */
  record PacketLoss(double percent) implements Effect {
    public PacketLoss {
      if (!(percent > 0 && percent <= 100)) {
        throw new IllegalArgumentException("percent must be in (0, 100]: " + percent);
      }
    }

    @Override
    public String kind() {
      return "packet-loss";
    }

    @Override
    public boolean clusterOnly() {
      return true;
    }
  }

  /** Kills the target's pods (Chaos Mesh PodChaos pod-kill). Export only. */
  record PodKill() implements Effect {
    @Override
    public String kind() {
      return "pod-kill";
    }

    @Override
    public boolean clusterOnly() {
      return true;
    }
  }

  /** Makes the target's pods unavailable for the fault's duration (PodChaos pod-failure). Export only. */
  record PodFailure() implements Effect {
    @Override
    public String kind() {
      return "pod-failure";
    }

    @Override
    public boolean clusterOnly() {
      return true;
    }
  }
}
