package dev.heal.chaos;

import dev.heal.core.health.HealthListener;
import dev.heal.core.health.HealthRegistry;
import dev.heal.core.health.HealthStatus;
import dev.heal.core.health.HealthTransition;
import dev.heal.core.healer.Episode;
import dev.heal.core.healer.HealEvent;
import dev.heal.core.healer.Healer;
import dev.heal.core.healer.StepRecord;
import dev.heal.core.time.HealClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A chaos experiment: a steady-state hypothesis ({@link Probe}s), a {@link FaultSchedule}, optional
 * {@link Load}, a duration, and rollbacks that always run. Run it with {@link
 * ChaosController#run(Experiment)}; the {@link ExperimentResult} holds availability (overall and
 * during each fault), latency percentiles, time-to-detect, time-to-recover and heal's episodes.
 *
 * <p>The run uses the controller's clock: with a {@link dev.heal.core.time.ManualClock} the whole
 * experiment (faults, load, health checks, the healer) runs in virtual time, deterministically and
 * instantly; with the system clock it runs in real time.
 *
 * <p>Immutable and thread-safe; build with {@link #builder(String)}.
 */
public final class Experiment {
  private static final Logger log = LoggerFactory.getLogger(Experiment.class);

  private final String name;
  private final List<Probe> steadyState;
  private final FaultSchedule schedule;
  private final Optional<Load> load;
  private final Duration duration;
  private final Duration probeEvery;
  private final Map<String, Runnable> rollbacks;
  private final Optional<HealthRegistry> health;
  private final Optional<Healer> healer;
  private final boolean requireSteadyStateBefore;

  private Experiment(Builder b) {
    this.name = b.name;
    this.steadyState = List.copyOf(b.steadyState);
    this.schedule = b.schedule;
    this.load = Optional.ofNullable(b.load);
    this.duration = b.duration;
    this.probeEvery = b.probeEvery;
    this.rollbacks = new LinkedHashMap<>(b.rollbacks);
    this.health = Optional.ofNullable(b.health);
    this.healer = Optional.ofNullable(b.healer);
    this.requireSteadyStateBefore = b.requireSteadyStateBefore;
  }

  public static Builder builder(String name) {
    return new Builder(name);
  }

  public String name() {
    return name;
  }

  public FaultSchedule schedule() {
    return schedule;
  }

  public Duration duration() {
    return duration;
  }

  /** A copy of this experiment with another schedule (for property-based runs). */
  public Experiment withSchedule(FaultSchedule newSchedule) {
    Builder b = toBuilder();
    b.schedule = Objects.requireNonNull(newSchedule, "schedule");
    return b.build();
  }

  private Builder toBuilder() {
    Builder b = new Builder(name);
    b.steadyState.addAll(steadyState);
    b.schedule = schedule;
    b.load = load.orElse(null);
    b.duration = duration;
    b.probeEvery = probeEvery;
    b.rollbacks.putAll(rollbacks);
    b.health = health.orElse(null);
    b.healer = healer.orElse(null);
    b.requireSteadyStateBefore = requireSteadyStateBefore;
    return b;
  }

  ExperimentResult run(ChaosController chaos) {
    HealClock clock = chaos.clock();
    ProbeSample before = evaluate(0);
    if (requireSteadyStateBefore && !before.holds()) {
      runRollbacks();
      throw new SteadyStateException("experiment '" + name + "': the steady state does not hold before any fault: "
          + before.failing() + " (seed " + chaos.seed() + ")");
    }
    // Time zero is taken after the check, so fault offsets and measurements share one origin.
    long start = clock.nanoTime();
    Instant startedAt = clock.now();
    List<Marker> markers = new CopyOnWriteArrayList<>();
    List<RequestSample> requests = new ArrayList<>();
    List<ProbeSample> probes = new ArrayList<>();
    AtomicBoolean observing = new AtomicBoolean(true);
    HealthListener hl = new HealthListener() {
      @Override
      public void onTransition(HealthTransition t) {
        if (observing.get()) {
          markers.add(new Marker(t.nanoTime() - start, "health", t.check() + " " + t.from() + "→" + t.to(),
              t.to() != HealthStatus.UP && t.to() != HealthStatus.UNKNOWN));
        }
      }
    };
    health.ifPresent(h -> h.addListener(hl));
    healer.ifPresent(h -> h.addListener(e -> {
      if (observing.get()) {
        markers.add(new Marker(e.nanoTime() - start, e.type().name(), label(e), e.type() == HealEvent.Type.EPISODE_OPENED));
      }
    }));
    log.info("heal chaos: experiment '{}' starts (seed {}): {}", name, chaos.seed(), schedule.describe());
    AutoCloseable armed = null;
    try {
      armed = chaos.schedule(schedule);
      long end = start + duration.toNanos();
      long nextReq = start;
      long nextProbe = start;
      long interval = load.map(Load::intervalNanos).orElse(Long.MAX_VALUE);
      while (true) {
        long now = clock.nanoTime();
        if (now >= end) {
          break;
        }
        long next = Math.min(end, Math.min(load.isPresent() ? nextReq : Long.MAX_VALUE, nextProbe));
        if (next > now) {
          chaos.sleep(Duration.ofNanos(next - now));
          continue;
        }
        if (load.isPresent() && nextReq <= now) {
          long t0 = clock.nanoTime();
          boolean ok;
          try {
            ok = !Boolean.FALSE.equals(load.get().request().call());
          } catch (Exception | AssertionError e) {
            ok = false;
          }
          long t1 = clock.nanoTime();
          requests.add(new RequestSample(t0 - start, t1 - t0, ok));
          nextReq += interval;
          if (nextReq < t1 - interval) {
            nextReq = t1; // skip missed slots rather than bunch them
          }
        }
        now = clock.nanoTime();
        if (nextProbe <= now) {
          probes.add(evaluate(now - start));
          nextProbe += probeEvery.toNanos();
          if (nextProbe < now) {
            nextProbe = now + probeEvery.toNanos();
          }
        }
      }
      probes.add(evaluate(clock.nanoTime() - start));
    } finally {
      observing.set(false);
      health.ifPresent(h -> h.removeListener(hl));
      if (armed != null) {
        try {
          armed.close();
        } catch (Exception e) {
          log.warn("heal chaos: disarming the schedule failed", e);
        }
      }
      runRollbacks();
    }
    List<Episode> episodes = healer.map(h -> h.journal().recent(10_000).stream()
        .filter(e -> !e.detectedAt().isBefore(startedAt)).toList()).orElse(List.of());
    List<FaultReport> reports = chaos.faultReports().stream()
        .filter(r -> schedule.find(r.fault().name()).isPresent()).toList();
    return new ExperimentResult(name, chaos.seed(), startedAt, Duration.ofNanos(clock.nanoTime() - start), schedule,
        requests, probes, List.copyOf(markers), episodes, reports);
  }

  private void runRollbacks() {
    for (Map.Entry<String, Runnable> r : rollbacks.entrySet()) {
      try {
        r.getValue().run();
      } catch (RuntimeException e) {
        log.warn("heal chaos: rollback '{}' of experiment '{}' failed", r.getKey(), name, e);
      }
    }
  }

  private ProbeSample evaluate(long offset) {
    List<String> failing = new ArrayList<>();
    for (Probe p : steadyState) {
      boolean ok;
      try {
        ok = p.holds();
      } catch (Exception e) {
        ok = false;
      }
      if (!ok) {
        failing.add(p.name());
      }
    }
    return new ProbeSample(offset, failing.isEmpty(), failing);
  }

  private static String label(HealEvent e) {
    if (e.type() == HealEvent.Type.STEP_STARTED || e.type() == HealEvent.Type.STEP_FINISHED) {
      return e.stepRecord().map(StepRecord::action).orElse(e.message());
    }
    return e.episode().map(ep -> ep.plan() + " (" + ep.target() + ")").orElse(e.message());
  }

  /**
   * Builds an {@link Experiment}. Defaults: no faults, no load, duration 30 s, probes every 100 ms,
   * the steady state must hold before the faults. Not thread-safe.
   */
  public static final class Builder {
    private final String name;
    private final List<Probe> steadyState = new ArrayList<>();
    private FaultSchedule schedule = FaultSchedule.empty();
    private Load load;
    private Duration duration = Duration.ofSeconds(30);
    private Duration probeEvery = Duration.ofMillis(100);
    private final Map<String, Runnable> rollbacks = new LinkedHashMap<>();
    private HealthRegistry health;
    private Healer healer;
    private boolean requireSteadyStateBefore = true;

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    /** Adds a probe to the steady-state hypothesis. */
    public Builder steadyState(Probe probe) {
      steadyState.add(Objects.requireNonNull(probe, "probe"));
      return this;
    }

    public Builder faults(FaultSchedule schedule) {
      this.schedule = Objects.requireNonNull(schedule, "schedule");
      return this;
    }

    public Builder faults(Fault... faults) {
      return faults(FaultSchedule.of(faults));
    }

    public Builder load(Load load) {
      this.load = Objects.requireNonNull(load, "load");
      return this;
    }

    /** How long the experiment runs, on the controller's clock. */
    public Builder duration(Duration duration) {
      this.duration = Objects.requireNonNull(duration, "duration");
      return this;
    }

    /** How often the steady state is evaluated during the run. */
    public Builder probeEvery(Duration probeEvery) {
      this.probeEvery = Objects.requireNonNull(probeEvery, "probeEvery");
      return this;
    }

    /** Runs {@code rollback} after the experiment, whatever happened. Rollbacks run in order. */
    public Builder rollback(String name, Runnable rollback) {
      rollbacks.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(rollback, "rollback"));
      return this;
    }

    /** Watches this registry's transitions (time-to-detect, the timeline). */
    public Builder observe(HealthRegistry registry) {
      this.health = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** Watches this healer's events and collects its episodes. */
    public Builder observe(Healer healer) {
      this.healer = Objects.requireNonNull(healer, "healer");
      return this;
    }

    /** Whether to refuse to inject faults when the steady state does not hold at the start. Default true. */
    public Builder requireSteadyStateBefore(boolean require) {
      this.requireSteadyStateBefore = require;
      return this;
    }

    /** @throws IllegalArgumentException naming the invalid parameter */
    public Experiment build() {
      if (name.isBlank()) {
        throw new IllegalArgumentException("name must not be blank");
      }
      if (duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException("duration must be positive: " + duration);
      }
      if (probeEvery.isNegative() || probeEvery.isZero()) {
        throw new IllegalArgumentException("probeEvery must be positive: " + probeEvery);
      }
      if (schedule.end().compareTo(duration) > 0) {
        throw new IllegalArgumentException("the fault schedule ends at " + schedule.end()
            + ", after the experiment's duration " + duration + "; lengthen duration");
      }
      return new Experiment(this);
    }
  }
}
