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

  /** The in-process family: acts inside the JVM on wrapped calls or health checks. */
  sealed interface InProcess extends Effect {
    @Override
    default boolean inProcess() {
      return true;
    }
  }

  /** The network family: applied by the {@link TcpChaosProxy}. */
  sealed interface Network extends Effect {
    @Override
    default boolean network() {
      return true;
    }
  }

  /** The cluster-only family: no local effect, exported to Chaos Mesh. */
  sealed interface ClusterOnly extends Effect {
    @Override
    default boolean clusterOnly() {
      return true;
    }
  }

  // ---- in-process -----------------------------------------------------------------------------

  /** Delays each call by a draw from {@code distribution}, then lets it proceed. */
  record Latency(LatencyDistribution distribution) implements InProcess {
    public Latency {
      Objects.requireNonNull(distribution, "distribution");
    }

    @Override
    public String kind() {
      return "latency";
    }
  }

  /** Fails the call with an {@link InjectedFaultException} carrying {@code message}. */
  record Error(String message) implements InProcess {
    public Error {
      Objects.requireNonNull(message, "message");
    }

    @Override
    public String kind() {
      return "error";
    }
  }

  /**
   * Fails the call with an exception of the application's choosing, e.g. {@code
   * () -> new SQLException("connection reset")}. A checked exception reaches callers of a
   * {@code Callable} or of an interface method that declares it.
   */
  record Throwing(String description, Supplier<? extends Exception> exception) implements InProcess {
    public Throwing {
      Objects.requireNonNull(description, "description");
      Objects.requireNonNull(exception, "exception");
    }

    @Override
    public String kind() {
      return "throw";
    }
  }

  /**
   * The call hangs until the fault is disarmed or {@code max} passes, then fails with an {@link
   * InjectedFaultException}: what a caller without its own timeout would experience from a dead peer.
   */
  record Hang(Duration max) implements InProcess {
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
  }

  /** Fails the first {@code calls} calls after arming, then lets every call through. */
  record FailFirst(int calls) implements InProcess {
    public FailFirst {
      if (calls < 1) {
        throw new IllegalArgumentException("calls must be >= 1: " + calls);
      }
    }

    @Override
    public String kind() {
      return "fail-first";
    }
  }

  /** Skips the real call and returns {@code value} instead (which may be null). */
  record Return(Object value) implements InProcess {
    @Override
    public String kind() {
      return "return";
    }
  }

  /** A wrapped health check reports DOWN with {@code reason} without running. */
  record HealthDown(String reason) implements InProcess {
    public HealthDown {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String kind() {
      return "health-down";
    }
  }

  /** A wrapped health check runs {@code delay} late (long enough, it hits the check's timeout). */
  record HealthSlow(Duration delay) implements InProcess {
    public HealthSlow {
      Objects.requireNonNull(delay, "delay");
    }

    @Override
    public String kind() {
      return "health-slow";
    }
  }

  // ---- network --------------------------------------------------------------------------------

  /**
   * Delays the bytes by {@code latency} ± a uniform draw of up to {@code jitter}, as netem's delay
   * does: each chunk leaves that long after it arrived, throughput is unchanged (Chaos Mesh
   * NetworkChaos {@code delay}).
   */
  record NetworkLatency(Duration latency, Duration jitter, Direction direction) implements Network {
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
  }

  /** Limits throughput to {@code bytesPerSecond} (bytes per second, not bits). */
  record Bandwidth(long bytesPerSecond, Direction direction) implements Network {
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
  }

  /** Resets connections (TCP RST): new ones at once, open ones at their next chunk. */
  record Reset() implements Network {
    @Override
    public String kind() {
      return "reset";
    }
  }

  /** Accepts and reads, but never forwards: the peer waits forever. */
  record Blackhole(Direction direction) implements Network {
    public Blackhole {
      Objects.requireNonNull(direction, "direction");
    }

    @Override
    public String kind() {
      return "blackhole";
    }
  }

  /** Forwards in pieces of at most {@code bytes}, waiting {@code delay} between pieces. */
  record Slice(int bytes, Duration delay, Direction direction) implements Network {
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
  }

  /**
   * Refuses new connections: the proxy accepts and resets them before any byte flows, so the
   * client's first read or write fails. Open connections are left alone.
   */
  record Refuse() implements Network {
    @Override
    public String kind() {
      return "refuse";
    }
  }

  /** Closes a connection after {@code bytes} more bytes have flowed in {@code direction}. */
  record CloseAfter(long bytes, Direction direction) implements Network {
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
  }

  // ---- cluster only ---------------------------------------------------------------------------

  /** Drops {@code percent} of packets (Chaos Mesh NetworkChaos loss). Export only. */
  record PacketLoss(double percent) implements ClusterOnly {
    public PacketLoss {
      if (!(percent > 0 && percent <= 100)) {
        throw new IllegalArgumentException("percent must be in (0, 100]: " + percent);
      }
    }

    @Override
    public String kind() {
      return "packet-loss";
    }
  }

  /** Kills the target's pods (Chaos Mesh PodChaos pod-kill). Export only. */
  record PodKill() implements ClusterOnly {
    @Override
    public String kind() {
      return "pod-kill";
    }
  }

  /** Makes the target's pods unavailable for the fault's duration (PodChaos pod-failure). Export only. */
  record PodFailure() implements ClusterOnly {
    @Override
    public String kind() {
      return "pod-failure";
    }
  }
}
