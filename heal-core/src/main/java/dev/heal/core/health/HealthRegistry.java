package dev.heal.core.health;

import dev.heal.core.internal.Require;
import dev.heal.core.internal.TimedExecutor;
import dev.heal.core.HealException;
import dev.heal.core.health.internal.ThresholdTracker;
import dev.heal.core.time.HealClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs registered health checks in the background and keeps their latest state and the overall
 * status of each probe. Probe requests only read that state ({@link #status(CheckKind)} is one
 * volatile read); they never run a check.
 *
 * <p>Each check runs on a bounded pool of daemon threads, at most one run per check at a time, with
 * its own timeout measured on the injected {@link HealClock} from when the run <em>starts</em>
 * (waiting for a thread does not count). A run that times out is DOWN ("timed out after …") and its
 * thread is interrupted; while it has not returned, later runs of that check are not started but
 * reported DOWN ("previous run has not returned …"), so a hanging check holds at most one thread.
 * If it still has not returned {@linkplain Builder#abandonAfter(Duration) a while} after the
 * interrupt, its thread counts as abandoned and the pool adds a replacement (at most {@linkplain
 * Builder#maxAbandonedThreads(int) a bounded number}), so the other checks keep their interval. A
 * run that is due but waits for a free thread keeps the check's last status and says so in {@link
 * CheckState#waiting()}; waiting never counts as a failure, so it never makes a probe DOWN by
 * itself. {@link #threads()} (also in {@link #snapshot()}, {@code /health} and {@link
 * HealthMetrics}) shows running, waiting and hung runs and abandoned threads.
 *
 * <p>Aggregation, per probe: a critical check that is DOWN makes the probe DOWN; a critical check
 * still UNKNOWN makes readiness and startup DOWN (not ready yet) but not liveness (Kubernetes
 * treats liveness as passing until proven otherwise); DEGRADED anywhere, or a non-critical check
 * that is DOWN, makes the probe DEGRADED, which still answers 200. Startup latches UP once reached.
 * A {@link HealthOverride} holds a probe DOWN on purpose.
 *
 * <p>Thread-safe. Create with {@link #builder()}, {@link #start()} it, {@link #close()} it.
 */
public final class HealthRegistry implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HealthRegistry.class);

  /** Default of {@link Builder#maxAbandonedThreads(int)}. */
  public static final int DEFAULT_MAX_ABANDONED_THREADS = 16;

  private static final Duration DEFAULT_ABANDON_AFTER = Duration.ofSeconds(1);

  private final HealClock clock;
  private final TimedExecutor runner;
  private final boolean timeoutFromSubmit;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final List<Entry> order = new CopyOnWriteArrayList<>();
  private final List<HealthListener> listeners = new CopyOnWriteArrayList<>();
  private final List<ForcedDown> overrides = new CopyOnWriteArrayList<>();
  private final AtomicLong listenerFailures = new AtomicLong();
  private final Object aggregateLock = new Object();
  private volatile HealthStatus liveness = HealthStatus.UP;
  private volatile HealthStatus readiness = HealthStatus.UP;
  private volatile HealthStatus startup = HealthStatus.UP;
  private boolean startupReached;
  private volatile boolean started;
  private volatile boolean closed;

  private HealthRegistry(Builder b) {
    this.clock = b.clock;
    this.runner =
        b.executor != null
            ? new TimedExecutor("heal-health", b.executor, b.abandonAfter, clock)
            : new TimedExecutor("heal-health", b.poolSize, b.maxAbandoned, b.abandonAfter, clock);
    this.timeoutFromSubmit = b.timeoutFromSubmit;
    listeners.addAll(b.listeners);
    recompute();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Registers a check. If the registry is started, its first run is scheduled after the check's
   * initial delay.
   *
   * @return a handle; closing it unregisters the check
   * @throws HealException if a check with that name is already registered
   */
  public AutoCloseable register(HealthCheckConfig config, HealthCheck check) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(check, "check");
    if (closed) {
      throw new HealException("health registry is closed; cannot register '" + config.name() + "'");
    }
    Entry e = new Entry(config, check);
    if (entries.putIfAbsent(config.name(), e) != null) {
      throw new HealException(
          "a health check named '" + config.name() + "' is already registered; names must be unique");
    }
    order.add(e);
    recompute();
    if (started) {
      e.scheduleNext(config.initialDelay());
    }
    return () -> unregister(config.name());
  }

  /** Convenience: registers a readiness check with default settings. */
  public AutoCloseable register(String name, HealthCheck check) {
    return register(HealthCheckConfig.builder(name).build(), check);
  }

  private void unregister(String name) {
    Entry e = entries.remove(name);
    if (e != null) {
      order.remove(e);
      e.cancel();
      recompute();
    }
  }

  /** Starts running the registered checks. Idempotent. */
  public HealthRegistry start() {
    if (closed) {
      throw new HealException("health registry is closed; it cannot be started again");
    }
    synchronized (this) {
      if (started) {
        return this;
      }
      started = true;
    }
    for (Entry e : order) {
      e.scheduleNext(e.config.initialDelay());
    }
    return this;
  }

  /** Asks for a run of {@code name} as soon as possible (unless one is running). */
  public void requestRun(String name) {
    Entry e = entries.get(name);
    if (e == null) {
      throw new HealException("no health check named '" + name + "' is registered");
    }
    if (started && !closed) {
      e.scheduleNext(Duration.ZERO);
    }
  }

  public void addListener(HealthListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  public void removeListener(HealthListener listener) {
    listeners.remove(listener);
  }

  /** The overall status of one probe: a single volatile read. */
  public HealthStatus status(CheckKind kind) {
    return switch (kind) {
      case LIVENESS -> liveness;
      case READINESS -> readiness;
      case STARTUP -> startup;
    };
  }

  /** The state of one check, if registered. */
  public Optional<CheckState> state(String name) {
    Entry e = entries.get(name);
    return e == null ? Optional.empty() : Optional.of(e.state);
  }

  /** Names of the registered checks, in registration order. */
  public List<String> checkNames() {
    List<String> names = new ArrayList<>();
    for (Entry e : order) {
      names.add(e.config.name());
    }
    return names;
  }

  public HealthSnapshot snapshot() {
    Map<CheckKind, HealthStatus> probes = new EnumMap<>(CheckKind.class);
    for (CheckKind k : CheckKind.values()) {
      probes.put(k, status(k));
    }
    List<CheckState> states = new ArrayList<>();
    for (Entry e : order) {
      states.add(e.state);
    }
    Map<CheckKind, List<String>> reasons = new EnumMap<>(CheckKind.class);
    for (ForcedDown o : overrides) {
      reasons.computeIfAbsent(o.kind, k -> new ArrayList<>()).add(o.reason);
    }
    return new HealthSnapshot(probes, states, reasons, threads());
  }

  /**
   * How the check threads are used now: running, waiting and hung runs, abandoned and replaced
   * threads. Also in {@link #snapshot()} and {@code /health}.
   */
  public CheckThreads threads() {
    int waiting = 0;
    int hung = 0;
    for (Entry e : order) {
      if (e.waiting()) {
        waiting++;
      }
      if (e.hung()) {
        hung++;
      }
    }
    return new CheckThreads(
        runner.threads(), runner.maxAbandoned(), runner.activeCalls(), waiting, hung,
        runner.abandonedThreads(), runner.replacedThreads());
  }

  /**
   * Holds probe {@code kind} DOWN until the returned handle is closed, whatever the checks say.
   * Used by the healer to drain traffic (readiness) or to ask for a container restart (liveness).
   */
  public HealthOverride forceDown(CheckKind kind, String reason) {
    ForcedDown o = new ForcedDown(Objects.requireNonNull(kind, "kind"), Objects.requireNonNull(reason, "reason"));
    overrides.add(o);
    log.warn("heal: {} held DOWN on purpose: {}", kind.path(), reason);
    recompute();
    return o;
  }

  /** Listener callbacks that threw, so far. */
  public long listenerFailures() {
    return listenerFailures.get();
  }

  public HealClock clock() {
    return clock;
  }

  /**
   * Stops scheduling runs, interrupts running checks and, if the registry created its pool, shuts it
   * down (a supplied executor is left running). Idempotent.
   */
  @Override
  public void close() {
    closed = true;
    for (Entry e : order) {
      e.cancel();
    }
    runner.close();
  }

  private void recompute() {
    synchronized (aggregateLock) {
      HealthStatus live = aggregate(CheckKind.LIVENESS);
      HealthStatus ready = aggregate(CheckKind.READINESS);
      HealthStatus start = aggregate(CheckKind.STARTUP);
      if (startupReached && !forced(CheckKind.STARTUP)) {
        start = HealthStatus.UP;
      } else if (start.isPassing() && started) {
        startupReached = true;
      }
      HealthStatus oldLive = liveness;
      HealthStatus oldReady = readiness;
      HealthStatus oldStart = startup;
      liveness = live;
      readiness = ready;
      startup = start;
      probeChanged(CheckKind.LIVENESS, oldLive, live);
      probeChanged(CheckKind.READINESS, oldReady, ready);
      probeChanged(CheckKind.STARTUP, oldStart, start);
    }
  }

  private boolean forced(CheckKind kind) {
    for (ForcedDown o : overrides) {
      if (o.kind == kind) {
        return true;
      }
    }
    return false;
  }

  private HealthStatus aggregate(CheckKind kind) {
    if (forced(kind)) {
      return HealthStatus.DOWN;
    }
    HealthStatus result = HealthStatus.UP;
    for (Entry e : order) {
      if (!e.config.kinds().contains(kind)) {
        continue;
      }
      HealthStatus s = e.state.status();
      if (e.config.critical()) {
        if (s == HealthStatus.DOWN) {
          return HealthStatus.DOWN;
        }
        if (s == HealthStatus.UNKNOWN && kind != CheckKind.LIVENESS) {
          return HealthStatus.DOWN;
        }
        if (s == HealthStatus.DEGRADED) {
          result = HealthStatus.DEGRADED;
        }
      } else if (s == HealthStatus.DOWN || s == HealthStatus.DEGRADED) {
        result = HealthStatus.DEGRADED;
      }
    }
    return result;
  }

  private void probeChanged(CheckKind kind, HealthStatus from, HealthStatus to) {
    if (from != to) {
      notifyListeners(l -> l.onProbeChange(kind, from, to));
    }
  }

  private void notifyListeners(Consumer<HealthListener> call) {
    for (HealthListener l : listeners) {
      try {
        call.accept(l);
      } catch (RuntimeException | Error ex) {
        if (ex instanceof VirtualMachineError vme) {
          throw vme;
        }
        if (listenerFailures.getAndIncrement() == 0) {
          log.warn("heal: a health listener threw; it is isolated and later failures are only counted", ex);
        }
      }
    }
  }

  private final class ForcedDown implements HealthOverride {
    final CheckKind kind;
    final String reason;
    final AtomicBoolean released = new AtomicBoolean();

    ForcedDown(CheckKind kind, String reason) {
      this.kind = kind;
      this.reason = reason;
    }

    @Override
    public CheckKind kind() {
      return kind;
    }

    @Override
    public String reason() {
      return reason;
    }

    @Override
    public void close() {
      if (released.compareAndSet(false, true)) {
        overrides.remove(this);
        log.info("heal: {} no longer held DOWN ({})", kind.path(), reason);
        recompute();
      }
    }
  }

  /** One registered check and its run state. */
  private final class Entry {
    final HealthCheckConfig config;
    final HealthCheck check;
    final ThresholdTracker tracker;
    volatile CheckState state;
    // Guarded by this.
    HealClock.Cancellable next;
    /** The run in flight (waiting for a thread, running, or hung), if any: at most one. */
    Run current;
    boolean cancelled;
    long runs;

    Entry(HealthCheckConfig config, HealthCheck check) {
      this.config = config;
      this.check = check;
      this.tracker = new ThresholdTracker(config.failureThreshold(), config.successThreshold());
      this.state =
          new CheckState(
              config.name(), config, HealthStatus.UNKNOWN, Optional.empty(), Optional.empty(),
              Optional.empty(), clock.now(), 0, 0, 0, Optional.empty());
    }

    synchronized void scheduleNext(Duration delay) {
      if (cancelled || closed) {
        return;
      }
      if (next != null) {
        next.cancel();
      }
      next = clock.schedule(delay, this::tick);
    }

    void cancel() {
      Run r;
      synchronized (this) {
        cancelled = true;
        if (next != null) {
          next.cancel();
          next = null;
        }
        r = current;
      }
      if (r != null && r.call != null) {
        r.call.interrupt();
      }
    }

    /** Whether this check's run timed out and has not returned: it holds a thread. */
    synchronized boolean hung() {
      return current != null && current.timedOut;
    }

    synchronized boolean waiting() {
      return current != null && !current.started;
    }

    /**
     * Runs on the clock's thread when the check is due: submits a run, or, if the previous one is
     * still in flight, says why. A run waiting for a thread is not a failure; a run that timed out
     * and still has not returned is.
     */
    void tick() {
      Run submit = null;
      long now = clock.nanoTime();
      Duration stuck = null;
      Duration waited = null;
      synchronized (this) {
        next = null;
        if (cancelled || closed) {
          return;
        }
        Run r = current;
        if (r == null) {
          submit = current = new Run(now);
        } else if (!r.started) {
          waited = Duration.ofNanos(now - r.submittedNanos);
        } else if (r.timedOut) {
          stuck = Duration.ofNanos(now - r.startedNanos);
        } else {
          return; // running within its timeout: it reports and schedules the next run itself
        }
      }
      if (submit != null) {
        // The watch timer comes first: with an inline executor the run completes inside submit()
        // and schedules the next run itself, replacing the watch.
        scheduleNext(config.interval());
        TimedExecutor.Call call = runner.submit(new CheckRun(submit));
        synchronized (this) {
          submit.call = call;
        }
      } else if (waited != null) {
        markWaiting(waitingForThread(waited));
        scheduleNext(config.interval());
      } else {
        record(
            HealthResult.down(
                "previous run has not returned after " + human(stuck) + " (timed out after "
                    + human(config.timeout()) + ")"),
            Duration.ZERO);
      }
    }

    private void markWaiting(String why) {
      synchronized (this) {
        if (cancelled) {
          return;
        }
        state = state.withWaiting(Optional.of(why));
      }
    }

    /** Records a result: thresholds, state, probes, the next run, then listeners. */
    void record(HealthResult result, Duration took) {
      HealthTransition transition = null;
      CheckState s;
      synchronized (this) {
        if (cancelled) {
          return;
        }
        HealthStatus before = tracker.status();
        HealthStatus after = tracker.record(result.status());
        runs++;
        Instant now = clock.now();
        s =
            new CheckState(
                config.name(), config, after, Optional.of(result), Optional.of(took),
                Optional.of(now), before != after ? now : state.lastChangeAt(),
                tracker.consecutiveFailures(), tracker.consecutiveSuccesses(), runs,
                Optional.empty());
        state = s;
        if (before != after) {
          transition = new HealthTransition(config.name(), before, after, s, now, clock.nanoTime());
          logTransition(transition);
        }
      }
      // Listeners run outside the entry lock: they may call back into heal (the healer asks for
      // a re-check while holding its own lock), and lock order must not depend on them.
      if (transition != null) {
        recompute();
      }
      // Schedule the next run before listeners hear of this one, so that a listener's
      // requestRun() (the healer re-checking after an action) is not overridden.
      scheduleNext(config.interval());
      CheckState fs = s;
      notifyListeners(l -> l.onResult(fs));
      if (transition != null) {
        HealthTransition ft = transition;
        notifyListeners(l -> l.onTransition(ft));
      }
    }

    private void logTransition(HealthTransition t) {
      String error = t.state().lastError().orElse("");
      if (t.to() == HealthStatus.DOWN) {
        log.warn("heal: check '{}' is DOWN (was {}): {}", t.check(), t.from(), error);
      } else {
        log.info("heal: check '{}' is {} (was {})", t.check(), t.to(), t.from());
      }
    }

    /** One run of the check on the {@link TimedExecutor}; its timeout counts from its start. */
    private final class CheckRun implements TimedExecutor.Task<HealthResult> {
      final Run run;

      CheckRun(Run run) {
        this.run = run;
      }

      @Override
      public boolean starting(TimedExecutor.Call call) {
        synchronized (Entry.this) {
          if (cancelled || closed) {
            if (current == run) {
              current = null;
            }
            return false;
          }
          run.started = true;
          run.startedNanos = clock.nanoTime();
          if (state.waiting().isPresent()) {
            state = state.withWaiting(Optional.empty());
          }
        }
        return true;
      }

      @Override
      public Duration timeout() {
        if (timeoutFromSubmit) {
          // The deliberately broken variant the model check must catch (see the Builder).
          Duration left = config.timeout().minusNanos(run.startedNanos - run.submittedNanos);
          return left.isNegative() || left.isZero() ? Duration.ofNanos(1) : left;
        }
        return config.timeout();
      }

      @Override
      public HealthResult run() throws Exception {
        HealthResult result = check.check();
        return result != null
            ? result
            : HealthResult.down("check returned null instead of a HealthResult");
      }

      @Override
      public void finished(HealthResult value, Throwable error, Duration took) {
        boolean report;
        synchronized (Entry.this) {
          if (current == run) {
            current = null;
          }
          report = !run.reported;
          run.reported = true;
        }
        if (report) {
          record(error == null ? value : HealthResult.down(error), took);
        }
      }

      @Override
      public void timedOut(Duration timeout) {
        synchronized (Entry.this) {
          if (run.reported) {
            return;
          }
          run.reported = true;
          run.timedOut = true;
        }
        record(HealthResult.down("timed out after " + human(config.timeout())), config.timeout());
      }

      @Override
      public void rejected(String why) {
        synchronized (Entry.this) {
          if (current == run) {
            current = null;
          }
        }
        if (!closed) {
          // Not a failure of the check: the watch timer retries at the next interval.
          markWaiting("could not start: " + why);
        }
      }
    }
  }

  /** One run of a check, from submit until its body returns. Guarded by its Entry. */
  private static final class Run {
    final long submittedNanos;
    TimedExecutor.Call call;
    boolean started;
    long startedNanos;
    boolean timedOut;
    boolean reported;

    Run(long submittedNanos) {
      this.submittedNanos = submittedNanos;
    }
  }

  private String waitingForThread(Duration waited) {
    int hung = 0;
    for (Entry e : order) {
      if (e.hung()) {
        hung++;
      }
    }
    int abandoned = runner.abandonedThreads();
    return "waiting for a free health-check thread: " + hung + " threads held by hung checks ("
        + abandoned + " abandoned, replacements at most " + runner.maxAbandoned() + "); due "
        + human(waited) + " ago";
  }

  static String human(Duration d) {
    if (d.toMillis() < 1000) {
      return d.toMillis() + " ms";
    }
    long ms = d.toMillis();
    return (ms % 1000 == 0) ? (ms / 1000) + " s" : String.format("%.3f s", ms / 1000.0);
  }

  /** Builds a {@link HealthRegistry}. Not thread-safe. */
  public static final class Builder {
    private HealClock clock = HealClock.system();
    private ExecutorService executor;
    private int poolSize = 4;
    private int maxAbandoned = DEFAULT_MAX_ABANDONED_THREADS;
    private Duration abandonAfter = DEFAULT_ABANDON_AFTER;
    private boolean timeoutFromSubmit;
    private final List<HealthListener> listeners = new ArrayList<>();

    private Builder() {}

    /** The clock for intervals and timeouts. Default {@link HealClock#system()}. */
    public Builder clock(HealClock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The pool checks run on. Default: a pool of {@link #poolSize(int)} daemon threads owned (and
     * shut down) by the registry, which replaces threads held by checks that ignore interrupts. A
     * supplied executor is neither resized nor shut down by the registry; timeouts still count from
     * when a run starts and interrupt it.
     */
    public Builder executor(ExecutorService executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Threads in the default pool. Default 4. */
    public Builder poolSize(int poolSize) {
      if (poolSize < 1) {
        throw new IllegalArgumentException("poolSize must be at least 1: " + poolSize);
      }
      this.poolSize = poolSize;
      return this;
    }

    /**
     * Most replacement threads the registry's own pool adds at a time for threads held by checks
     * that ignore their interrupt (a thread counts as abandoned once its check has not returned
     * {@link #abandonAfter(Duration)} after its timeout). Each check holds at most one thread, so
     * healthy checks keep their interval as long as fewer than {@code poolSize +
     * maxAbandonedThreads} checks hang at once; beyond that, due runs wait (and say so) but never
     * turn DOWN by waiting. 0 disables replacement. Default {@value
     * HealthRegistry#DEFAULT_MAX_ABANDONED_THREADS}.
     * Ignored with a supplied {@link #executor(ExecutorService)}, which is never resized.
     */
    public Builder maxAbandonedThreads(int maxAbandoned) {
      this.maxAbandoned = Require.atLeast("maxAbandonedThreads", maxAbandoned, 0);
      return this;
    }

    /**
     * How long a check may take to return after it was interrupted (on timeout or close) before
     * its thread counts as abandoned and is replaced. Default 1 s.
     */
    public Builder abandonAfter(Duration abandonAfter) {
      this.abandonAfter = Require.notNegative("abandonAfter", abandonAfter);
      return this;
    }

    /**
     * Test only: counts each run's timeout from when it was due instead of when it started, the
     * bug of issue 11 item 10, so that the schedule model check can show it catches it.
     */
    Builder brokenTimeoutFromSubmit() {
      this.timeoutFromSubmit = true;
      return this;
    }

    public Builder listener(HealthListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    public HealthRegistry build() {
      return new HealthRegistry(this);
    }
  }

  /** Waits up to {@code timeout} for the registry's own pool to finish after {@link #close()}. */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return runner.awaitTermination(timeout);
  }
}
