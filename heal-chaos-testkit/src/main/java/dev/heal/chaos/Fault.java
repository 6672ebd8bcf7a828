package dev.heal.chaos;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One fault: an {@link Effect} on a named target, with an injection rate and a window. The target
 * is the name a chaos proxy, health check wrapper or {@link TcpChaosProxy} was created with.
 *
 * <p>Armed directly ({@link ChaosController#arm(Fault)}) a fault starts at once and ends when its
 * handle is closed or after {@code duration}; in a {@link FaultSchedule} or an {@link Experiment} it
 * starts {@code start} after the experiment starts. {@code rate} is the probability, in {@code
 * (0, 1]}, that the fault fires on a given call or chunk; every draw comes from the fault's own
 * random, seeded from the test's master seed.
 *
 * <p>Immutable and thread-safe. Create with the static factories, then refine with the {@code
 * with...} methods: {@code Fault.latency("db", ofMillis(200)).withRate(0.5).startingAt(ofSeconds(2))
 * .lasting(ofSeconds(3))}.
 *
 * @param name unique within a test; defaults to {@code target:kind}
 * @param target what the fault acts on
 * @param effect what it does
 * @param rate probability of firing per opportunity, in (0, 1]
 * @param start offset from the start of an experiment or schedule; zero when armed directly
 * @param duration how long it stays armed; empty means until disarmed
 */
public record Fault(
    String name, String target, Effect effect, double rate, Duration start, Optional<Duration> duration) {

  public Fault {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(effect, "effect");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(duration, "duration");
    if (name.isBlank()) {
      throw new IllegalArgumentException("name must not be blank");
    }
    if (target.isBlank()) {
      throw new IllegalArgumentException("target must not be blank");
    }
    if (!(rate > 0 && rate <= 1)) {
      throw new IllegalArgumentException("rate must be in (0, 1]: " + rate + " (fault '" + name + "')");
    }
    if (start.isNegative()) {
      throw new IllegalArgumentException("start must not be negative: " + start + " (fault '" + name + "')");
    }
    duration.ifPresent(d -> {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("duration must be positive: " + d + " (fault '" + name + "')");
      }
    });
  }

  /** A fault with {@code effect} on {@code target}: rate 1, starting at 0, until disarmed. */
  public static Fault of(String target, Effect effect) {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(effect, "effect");
    return new Fault(target + ":" + effect.kind(), target, effect, 1.0, Duration.ZERO, Optional.empty());
  }

  /** Fixed latency on every call to {@code target}. */
  public static Fault latency(String target, Duration delay) {
    return of(target, new Effect.Latency(LatencyDistribution.fixed(delay)));
  }

  /** Latency drawn from {@code distribution}. */
  public static Fault latency(String target, LatencyDistribution distribution) {
    return of(target, new Effect.Latency(distribution));
  }

  /** Every call fails with an {@link InjectedFaultException}. */
  public static Fault error(String target) {
    return of(target, new Effect.Error("injected error"));
  }

  /** A share {@code rate} of calls fail with an {@link InjectedFaultException}. */
  public static Fault errorRate(String target, double rate) {
    return error(target).withRate(rate);
  }

  /** Calls fail with the exception {@code exception} makes. */
  public static Fault throwing(String target, String description, Supplier<? extends Exception> exception) {
    return of(target, new Effect.Throwing(description, exception));
  }

  /** Calls hang until disarmed or {@code max} passes, then fail. */
  public static Fault hang(String target, Duration max) {
    return of(target, new Effect.Hang(max));
  }

  /** The first {@code calls} calls fail, later ones pass. */
  public static Fault failFirst(String target, int calls) {
    return of(target, new Effect.FailFirst(calls));
  }

  /** Calls return {@code value} without running. */
  public static Fault returning(String target, Object value) {
    return of(target, new Effect.Return(value));
  }

  /** A wrapped health check reports DOWN. */
  public static Fault healthDown(String target) {
    return of(target, new Effect.HealthDown("forced DOWN by chaos"));
  }

  /** A wrapped health check runs {@code delay} late. */
  public static Fault healthSlow(String target, Duration delay) {
    return of(target, new Effect.HealthSlow(delay));
  }

  /**
   * Network latency with jitter through a {@link TcpChaosProxy}: every byte arrives {@code latency}
   * late, throughput is unchanged (netem's meaning, which the Chaos Mesh export carries).
   */
  public static Fault networkLatency(String target, Duration latency, Duration jitter, Direction direction) {
    return of(target, new Effect.NetworkLatency(latency, jitter, direction));
  }

  /** A bandwidth limit through a {@link TcpChaosProxy}, in bytes per second. */
  public static Fault bandwidth(String target, long bytesPerSecond, Direction direction) {
    return of(target, new Effect.Bandwidth(bytesPerSecond, direction));
  }

  /** Connections through a {@link TcpChaosProxy} are reset. */
  public static Fault reset(String target) {
    return of(target, new Effect.Reset());
  }

  /** Data through a {@link TcpChaosProxy} is swallowed. */
  public static Fault blackhole(String target, Direction direction) {
    return of(target, new Effect.Blackhole(direction));
  }

  /** Data through a {@link TcpChaosProxy} is sliced into small delayed pieces. */
  public static Fault slice(String target, int bytes, Duration delay, Direction direction) {
    return of(target, new Effect.Slice(bytes, delay, direction));
  }

  /** New connections to a {@link TcpChaosProxy} are refused. */
  public static Fault refuse(String target) {
    return of(target, new Effect.Refuse());
  }

  /** Connections through a {@link TcpChaosProxy} close after {@code bytes}. */
  public static Fault closeAfter(String target, long bytes, Direction direction) {
    return of(target, new Effect.CloseAfter(bytes, direction));
  }

  /** Pods of the target are killed (export only). */
  public static Fault podKill(String target) {
    return of(target, new Effect.PodKill());
  }

  /** Pods of the target fail (export only). */
  public static Fault podFailure(String target) {
    return of(target, new Effect.PodFailure());
  }

  /** Packet loss (export only). */
  public static Fault packetLoss(String target, double percent) {
    return of(target, new Effect.PacketLoss(percent));
  }

  public Fault named(String newName) {
    return new Fault(newName, target, effect, rate, start, duration);
  }

  public Fault withRate(double newRate) {
    return new Fault(name, target, effect, newRate, start, duration);
  }

  public Fault startingAt(Duration newStart) {
    return new Fault(name, target, effect, rate, newStart, duration);
  }

  public Fault lasting(Duration newDuration) {
    return new Fault(name, target, effect, rate, start, Optional.of(newDuration));
  }

  public Fault untilDisarmed() {
    return new Fault(name, target, effect, rate, start, Optional.empty());
  }

  /** The offset at which the fault ends, if it has a duration. */
  public Optional<Duration> end() {
    return duration.map(start::plus);
  }

  /**
   * A compact, stable description: name, effect, start offset and duration, e.g. {@code
   * db-slow[latency 200ms]@2s+3s rate=0.5} or {@code backend-reset[reset]@800ms+800ms}.
   */
  public String describe() {
    return name + "[" + describe(effect) + "]@" + fmt(start) + duration.map(d -> "+" + fmt(d)).orElse("+∞")
        + (rate < 1 ? " rate=" + rate : "");
  }

  /** The effect in a few words, e.g. {@code latency 200ms}, {@code net-latency 100ms±10ms downstream}. */
  static String describe(Effect e) {
    String k = e.kind();
    if (e instanceof Effect.Latency l) {
      return k + " " + describe(l.distribution());
    } else if (e instanceof Effect.Error err) {
      return err.message().equals("injected error") ? k : k + " \"" + err.message() + "\"";
    } else if (e instanceof Effect.Throwing t) {
      return k + " " + t.description();
    } else if (e instanceof Effect.Hang h) {
      return k + " " + fmt(h.max());
    } else if (e instanceof Effect.FailFirst ff) {
      return k + " " + ff.calls();
    } else if (e instanceof Effect.Return r) {
      return k + " " + r.value();
    } else if (e instanceof Effect.HealthSlow hs) {
      return k + " " + fmt(hs.delay());
    } else if (e instanceof Effect.NetworkLatency nl) {
      return k + " " + fmt(nl.latency()) + (nl.jitter().isZero() ? "" : "±" + fmt(nl.jitter())) + " " + dir(nl.direction());
    } else if (e instanceof Effect.Bandwidth b) {
      return k + " " + b.bytesPerSecond() + "B/s " + dir(b.direction());
    } else if (e instanceof Effect.Blackhole b) {
      return k + " " + dir(b.direction());
    } else if (e instanceof Effect.Slice sl) {
      return k + " " + sl.bytes() + "B/" + fmt(sl.delay()) + " " + dir(sl.direction());
    } else if (e instanceof Effect.CloseAfter ca) {
      return k + " " + ca.bytes() + "B " + dir(ca.direction());
    } else if (e instanceof Effect.PacketLoss pl) {
      return k + " " + (pl.percent() == Math.rint(pl.percent()) ? Long.toString((long) pl.percent()) : pl.percent()) + "%";
    }
    return k; // health-down, reset, refuse, pod-kill, pod-failure: the kind says it all
  }

  private static String describe(LatencyDistribution d) {
    if (d instanceof LatencyDistribution.Fixed f) {
      return fmt(f.delay());
    } else if (d instanceof LatencyDistribution.Uniform u) {
      return fmt(u.min()) + ".." + fmt(u.max());
    } else if (d instanceof LatencyDistribution.Exponential x) {
      return "exponential mean " + fmt(x.mean()) + " cap " + fmt(x.cap());
    }
    LatencyDistribution.Normal n = (LatencyDistribution.Normal) d;
    return "normal " + fmt(n.mean()) + "±" + fmt(n.stdDev());
  }

  private static String dir(Direction d) {
    return d.name().toLowerCase(Locale.ROOT);
  }

  static String fmt(Duration d) {
    long nanos = d.toNanos();
    if (nanos % 1_000_000 != 0) {
      return nanos % 1_000 == 0 ? nanos / 1_000 + "us" : nanos + "ns";
    }
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }
}
