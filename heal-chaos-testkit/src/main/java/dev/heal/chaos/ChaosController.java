package dev.heal.chaos;

import dev.heal.core.health.HealthCheck;
import dev.heal.core.health.HealthResult;
import dev.heal.core.time.HealClock;
import dev.heal.core.time.ManualClock;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chaos runtime of one test: arms and disarms {@link Fault}s, wraps the application's objects in
 * chaos proxies, opens {@link TcpChaosProxy}s, runs {@link Experiment}s, counts every fault's hits
 * and enforces the effect guard. One master {@link #seed()} drives every random choice.
 *
 * <p>Faults act by composition: {@code chaos.proxy(Inventory.class, realInventory, "inventory")}
 * returns an {@code Inventory} whose calls suffer the faults armed on target {@code "inventory"};
 * heal's resilience decorators (retry, circuit breaker, timeout, fallback) go <em>around</em> the
 * chaos-wrapped object, exactly as they would go around the real one, so the test exercises them.
 *
 * <p>Thread-safe: faulted calls may come from any thread. {@link #close()} disarms every fault and
 * closes every proxy it opened; the JUnit extension closes it after each test.
 */
public final class ChaosController implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChaosController.class);
  private static final AtomicInteger LIVE = new AtomicInteger();
  private static final ThreadLocal<Boolean> ADVANCING = ThreadLocal.withInitial(() -> false);

  private final long seed;
  private final HealClock clock;
  private final TimeMode timeMode;
  private final Random random;
  private final List<ArmedFault> armed = new CopyOnWriteArrayList<>();
  private final Map<String, FaultStats> stats = new LinkedHashMap<>();
  private final List<AutoCloseable> resources = new CopyOnWriteArrayList<>();
  private final List<ExperimentResult> results = new CopyOnWriteArrayList<>();
  private final List<HealClock.Cancellable> pending = new CopyOnWriteArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  private ChaosController(Builder b) {
    this.seed = b.seed;
    this.clock = b.clock;
    this.timeMode = b.timeMode == TimeMode.AUTO
        ? (clock instanceof ManualClock ? TimeMode.ADVANCE : TimeMode.WAIT)
        : b.timeMode;
    if (timeMode == TimeMode.ADVANCE && !(clock instanceof ManualClock)) {
      throw new IllegalArgumentException("timeMode ADVANCE needs a ManualClock, got " + clock);
    }
    this.random = new Random(mix(seed, "random"));
    LIVE.incrementAndGet();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Controllers created and not yet closed in this JVM; for leak checks. */
  public static int liveControllers() {
    return LIVE.get();
  }

  /** The master seed. */
  public long seed() {
    return seed;
  }

  public HealClock clock() {
    return clock;
  }

  /** The effective time mode (never {@link TimeMode#AUTO}). */
  public TimeMode timeMode() {
    return timeMode;
  }

  /** A {@link Random} seeded from the master seed, for the test's own random choices. Thread-safe. */
  public Random random() {
    return random;
  }

  /** A seed derived from the master seed and {@code purpose}: stable across runs. */
  public long derivedSeed(String purpose) {
    return mix(seed, purpose);
  }

  // ---- arming ---------------------------------------------------------------------------------

  /**
   * Arms {@code fault} now, until its handle is closed, the controller closes, or its duration (if
   * any) passes on the clock. The fault's start offset is ignored here; see {@link #schedule}.
   *
   * @throws ChaosException for a cluster-only effect, which has no local meaning
   */
  public FaultHandle arm(Fault fault) {
    Objects.requireNonNull(fault, "fault");
    requireOpen();
    if (fault.effect().clusterOnly()) {
      throw new ChaosException("fault '" + fault.name() + "' (" + fault.effect().kind()
          + ") only exists for export to Chaos Mesh; it cannot be armed in the JVM");
    }
    long now = clock.nanoTime();
    long end = fault.duration().map(d -> now + d.toNanos()).orElse(Long.MAX_VALUE);
    FaultStats s;
    synchronized (stats) {
      s = stats.computeIfAbsent(fault.name(), n -> new FaultStats(fault));
    }
    if (s.firstArmedNanos < 0) {
      s.firstArmedNanos = now;
    }
    ArmedFault a = new ArmedFault(fault, s, mix(seed, fault.name()), now, end);
    armed.add(a);
    fault.duration().ifPresent(d -> pending.add(clock.schedule(d, () -> disarm(a))));
    log.debug("heal chaos: armed {}", fault.describe());
    return new FaultHandle(a, this);
  }

  /**
   * Arms each fault of {@code schedule} at its start offset from now and disarms it at its end, on
   * the controller's clock. Closing the returned handle cancels what has not started and disarms
   * what is armed.
   */
  public AutoCloseable schedule(FaultSchedule schedule) {
    Objects.requireNonNull(schedule, "schedule");
    requireOpen();
    List<HealClock.Cancellable> mine = new CopyOnWriteArrayList<>();
    List<FaultHandle> handles = new CopyOnWriteArrayList<>();
    for (Fault f : schedule.faults()) {
      if (f.effect().clusterOnly()) {
        throw new ChaosException("fault '" + f.name() + "' only exists for export; remove it from the local schedule");
      }
      HealClock.Cancellable c = clock.schedule(f.start(), () -> {
        if (!closed.get()) {
          handles.add(arm(f)); // arm ignores the start offset; the fault keeps it for reports
        }
      });
      mine.add(c);
      pending.add(c);
    }
    return () -> {
      mine.forEach(HealClock.Cancellable::cancel);
      handles.forEach(FaultHandle::close);
    };
  }

  void disarm(ArmedFault a) {
    if (armed.remove(a)) {
      a.stats.lastDisarmedNanos = clock.nanoTime();
      log.debug("heal chaos: disarmed {}", a.fault.name());
    }
    a.disarm();
  }

  /** Disarms every armed fault and cancels scheduled ones; proxies stay open. */
  public void disarmAll() {
    pending.forEach(HealClock.Cancellable::cancel);
    pending.clear();
    for (ArmedFault a : List.copyOf(armed)) {
      disarm(a);
    }
  }

  /** Faults armed right now. */
  public List<Fault> armedFaults() {
    return armed.stream().map(a -> a.fault).toList();
  }

  /** Hit counts of every fault armed during this controller's life, in order of first arming. */
  public List<FaultReport> faultReports() {
    synchronized (stats) {
      return stats.values().stream().map(FaultStats::snapshot).toList();
    }
  }

  /**
   * Every fault armed during this controller's life with its hits, e.g. {@code db-down[error]@2s+3s
   * hits=12 of 40 opportunities}; {@code none} if none was armed. For failure messages.
   */
  public String describeFaults() {
    List<FaultReport> reports = faultReports();
    if (reports.isEmpty()) {
      return "none";
    }
    return String.join("; ", reports.stream().map(FaultReport::describe).toList());
  }

  /** Hits of the fault named {@code name} (0 if never armed). */
  public long hits(String name) {
    synchronized (stats) {
      FaultStats s = stats.get(name);
      return s == null ? 0 : s.hits.get();
    }
  }

  /**
   * The effect guard: fails if any fault armed during this controller's life never fired.
   *
   * @throws FaultNeverFiredException naming the faults, with the seed to rerun
   */
  public void verifyEffects() {
    List<FaultReport> silent = faultReports().stream().filter(r -> !r.fired()).toList();
    if (!silent.isEmpty()) {
      StringBuilder sb = new StringBuilder("heal chaos effect guard: ")
          .append(silent.size()).append(" fault(s) armed but never fired, so the test proved nothing about them:");
      for (FaultReport r : silent) {
        sb.append("\n  - ").append(r.fault().describe()).append(" (target '").append(r.fault().target())
            .append("', ").append(r.opportunities()).append(" opportunities)");
      }
      sb.append("\nCheck the target names, that the call path reaches the chaos proxy, and drop pooled"
          + " connections when arming network faults.\nFaults armed: ").append(describeFaults())
          .append("\nSeed: ").append(seed);
      throw new FaultNeverFiredException(silent.stream().map(r -> r.fault().name()).toList(), sb.toString());
    }
  }

  // ---- proxies --------------------------------------------------------------------------------

  /**
   * A chaos proxy for {@code target} implementing {@code type}: every method call (except {@code
   * equals}, {@code hashCode}, {@code toString}) suffers the in-process faults armed on {@code
   * name}. A {@link Effect.Return} value must be assignable to each faulted method's return type.
   */
  public <T> T proxy(Class<T> type, T target, String name) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(name, "name");
    if (!type.isInterface()) {
      throw new IllegalArgumentException("type must be an interface: " + type.getName());
    }
    InvocationHandler h = (Object p, Method m, Object[] args) -> {
      if (m.getDeclaringClass() == Object.class) {
        return m.invoke(target, args);
      }
      return intercept(name, false, () -> {
        try {
          return m.invoke(target, args);
        } catch (InvocationTargetException e) {
          throw rethrow(e.getCause());
        }
      });
    };
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, h));
  }

  /** A chaos-wrapped supplier on target {@code name}. */
  public <T> Supplier<T> supplier(String name, Supplier<T> supplier) {
    Objects.requireNonNull(supplier, "supplier");
    return () -> {
      try {
        return intercept(name, false, supplier::get);
      } catch (Exception e) {
        throw rethrow(e);
      }
    };
  }

  /** A chaos-wrapped callable on target {@code name}. */
  public <T> Callable<T> callable(String name, Callable<T> callable) {
    Objects.requireNonNull(callable, "callable");
    return () -> intercept(name, false, callable);
  }

  /** A chaos-wrapped runnable on target {@code name}. */
  public Runnable runnable(String name, Runnable runnable) {
    Objects.requireNonNull(runnable, "runnable");
    return () -> {
      try {
        intercept(name, false, () -> {
          runnable.run();
          return null;
        });
      } catch (Exception e) {
        throw rethrow(e);
      }
    };
  }

  /**
   * A chaos-wrapped health check on target {@code name}: {@link Effect.HealthDown} makes it report
   * DOWN without running; {@link Effect.HealthSlow} and latency delay it; errors make it throw
   * (which heal reports as DOWN).
   */
  public HealthCheck healthCheck(String name, HealthCheck check) {
    Objects.requireNonNull(check, "check");
    return () -> intercept(name, true, check::check);
  }

  /**
   * Opens a {@link TcpChaosProxy} on 127.0.0.1 (an ephemeral port) in front of {@code upstream};
   * network faults on target {@code name} apply to it. Closed with the controller.
   */
  public TcpChaosProxy tcpProxy(String name, InetSocketAddress upstream) {
    requireOpen();
    TcpChaosProxy p = TcpChaosProxy.start(name, upstream, this);
    resources.add(p);
    return p;
  }

  // ---- experiments ----------------------------------------------------------------------------

  /** Runs {@code experiment} with this controller's clock, faults and seed; the result is kept for reports. */
  public ExperimentResult run(Experiment experiment) {
    requireOpen();
    ExperimentResult r = experiment.run(this);
    results.add(r);
    return r;
  }

  /** Results of the experiments run so far. */
  public List<ExperimentResult> results() {
    return List.copyOf(results);
  }

  // ---- time -----------------------------------------------------------------------------------

  /**
   * Lets {@code amount} pass: advances a manual clock in {@link TimeMode#ADVANCE}, parks on the
   * clock otherwise. Used by experiments and by latency faults.
   */
  public void sleep(Duration amount) {
    if (amount.isNegative() || amount.isZero()) {
      return;
    }
    if (timeMode == TimeMode.ADVANCE) {
      if (ADVANCING.get()) {
        // Inside a clock task: the clock cannot be moved from here (see TimeMode).
        log.debug("heal chaos: {} of latency inside a clock task takes no virtual time", amount);
        return;
      }
      ADVANCING.set(true);
      try {
        ((ManualClock) clock).advance(amount);
      } finally {
        ADVANCING.set(false);
      }
      return;
    }
    CountDownLatch latch = new CountDownLatch(1);
    HealClock.Cancellable c = clock.schedule(amount, latch::countDown);
    awaitOrInterrupt(latch, c);
  }

  private void hang(ArmedFault a, Duration max) {
    if (timeMode == TimeMode.ADVANCE) {
      long now = clock.nanoTime();
      long untilEnd = a.endNanos == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(0, a.endNanos - now);
      sleep(Duration.ofNanos(Math.min(max.toNanos(), untilEnd)));
      return;
    }
    CountDownLatch latch = new CountDownLatch(1);
    HealClock.Cancellable c = clock.schedule(max, latch::countDown);
    a.onDisarm(latch::countDown);
    awaitOrInterrupt(latch, c);
  }

  private static void awaitOrInterrupt(CountDownLatch latch, HealClock.Cancellable c) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      c.cancel();
      Thread.currentThread().interrupt();
      throw new ChaosException("interrupted while a chaos fault delayed the call", e);
    }
  }

  // ---- the injector ---------------------------------------------------------------------------

  @SuppressWarnings("unchecked")
  <T> T intercept(String target, boolean healthCheck, Callable<T> call) throws Exception {
    Object substitute = null;
    boolean substituted = false;
    for (ArmedFault a : armed) {
      if (!a.fault.target().equals(target) || !a.effect().inProcess()) {
        continue;
      }
      Effect e = a.effect();
      if ((e instanceof Effect.HealthDown || e instanceof Effect.HealthSlow) && !healthCheck) {
        continue;
      }
      if (e instanceof Effect.FailFirst ff) {
        if (a.calls.incrementAndGet() <= ff.calls()) {
          a.hit();
          throw new InjectedFaultException(a.fault.name(), "call " + a.calls.get() + " of the first " + ff.calls() + " fails");
        }
        a.stats.opportunities.incrementAndGet();
        continue;
      }
      if (!a.fires()) {
        continue;
      }
      if (e instanceof Effect.Latency l) {
        sleep(l.distribution().sample(a.randomForDraw()));
      } else if (e instanceof Effect.HealthSlow s) {
        sleep(s.delay());
      } else if (e instanceof Effect.Hang h) {
        Duration before = Duration.ofNanos(clock.nanoTime());
        hang(a, h.max());
        throw new InjectedFaultException(a.fault.name(),
            "call hung for " + Duration.ofNanos(clock.nanoTime()).minus(before));
      } else if (e instanceof Effect.Error err) {
        throw new InjectedFaultException(a.fault.name(), err.message());
      } else if (e instanceof Effect.Throwing t) {
        throw t.exception().get();
      } else if (e instanceof Effect.Return r) {
        substitute = r.value();
        substituted = true;
      } else if (e instanceof Effect.HealthDown d) {
        substitute = HealthResult.down(d.reason() + " (chaos fault '" + a.fault.name() + "')");
        substituted = true;
      }
    }
    return substituted ? (T) substitute : call.call();
  }

  /** Armed network faults on {@code target}, for the TCP proxy. */
  List<ArmedFault> network(String target) {
    List<ArmedFault> out = new ArrayList<>(2);
    for (ArmedFault a : armed) {
      if (a.effect().network() && a.fault.target().equals(target)) {
        out.add(a);
      }
    }
    return out;
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  /** Disarms every fault and closes every proxy this controller opened. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    disarmAll();
    for (AutoCloseable r : resources) {
      try {
        r.close();
      } catch (Exception e) {
        log.warn("heal chaos: closing {} failed", r, e);
      }
    }
    resources.clear();
    LIVE.decrementAndGet();
  }

  public boolean isClosed() {
    return closed.get();
  }

  private void requireOpen() {
    if (closed.get()) {
      throw new ChaosException("chaos controller is closed (the test that owned it has ended)");
    }
  }

  static long mix(long seed, String purpose) {
    long h = seed ^ 0x9E3779B97F4A7C15L;
    for (byte b : purpose.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ b) * 0x100000001B3L;
    }
    // splitmix64 finaliser
    h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
    h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
    return h ^ (h >>> 31);
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> RuntimeException rethrow(Throwable t) throws E {
    throw (E) t;
  }

  @Override
  public String toString() {
    return "ChaosController[seed=" + seed + ", armed=" + armedFaults().size() + "]";
  }

  /**
   * Builds a {@link ChaosController}. The seed is required (every random choice derives from it);
   * defaults: clock {@link HealClock#system()}, time mode {@link TimeMode#AUTO}. Not thread-safe.
   */
  public static final class Builder {
    private Long seedSet;
    private long seed;
    private HealClock clock = HealClock.system();
    private TimeMode timeMode = TimeMode.AUTO;

    private Builder() {}

    /** The master seed. Required. */
    public Builder seed(long seed) {
      this.seed = seed;
      this.seedSet = seed;
      return this;
    }

    public Builder clock(HealClock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public Builder timeMode(TimeMode timeMode) {
      this.timeMode = Objects.requireNonNull(timeMode, "timeMode");
      return this;
    }

    /** @throws IllegalArgumentException if {@code seed} was not set */
    public ChaosController build() {
      if (seedSet == null) {
        throw new IllegalArgumentException("seed is required: every random choice derives from it");
      }
      return new ChaosController(this);
    }
  }
}
