package dev.heal.core.healer;

import dev.heal.core.alerts.AlertReplayGuard;
import dev.heal.core.degradation.Features;
import dev.heal.core.fleet.FleetGuard;
import dev.heal.core.fleet.FleetView;
import dev.heal.core.health.CheckState;
import dev.heal.core.health.HealthListener;
import dev.heal.core.health.HealthRegistry;
import dev.heal.core.health.HealthStatus;
import dev.heal.core.healer.internal.Engine;
import dev.heal.core.healer.internal.EpisodeMachine;
import dev.heal.core.healer.internal.EventDispatcher;
import dev.heal.core.internal.DaemonThreads;
import dev.heal.core.internal.Require;
import dev.heal.core.internal.TimedExecutor;
import dev.heal.core.time.HealClock;
import dev.heal.core.time.InlineExecutorService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns signals into repaired services, safely: matches each {@link Signal} against the
 * {@link RecoveryPlan}s, opens an {@link Episode} per target, runs the plan's steps with
 * attempts, jittered backoff, timeouts and verification, escalates, and reports every decision as
 * a {@link HealEvent}.
 *
 * <p>Guardrails, all on by default: a global action budget (token bucket; default 10 actions per
 * 10 minutes), one episode per target (later triggers join it) and at most one attempt per target
 * at any instant, a cooldown per target after an episode (default 60 s; a trigger that still fires
 * when it ends is acted on then), a maximum episode duration (default 15 minutes), per-attempt
 * timeouts, dry-run mode, and a give-up latch: a plan that gave up (or timed out) is not tried again
 * for a trigger until that trigger clears and fires anew. An action that throws, hangs or fails
 * escalates; it never stops the healer. A repeated Alertmanager alert instance (same fingerprint
 * and start) that already opened or joined an episode is ignored for 24 h ({@link AlertReplayGuard}).
 *
 * <p>Thread-safe. Decisions are made by a single-threaded episode machine under one lock that no
 * user code ever runs under; actions run on the action pool, listeners on the event thread.
 */
public final class Healer implements SignalSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Healer.class);

  private final HealClock clock;
  private final TimedExecutor ownedPool;
  private final List<RecoveryPlan> plans;
  private final boolean dryRun;
  private final Journal journal;
  private final EventDispatcher events;
  private final Engine engine;
  private final FleetGuard fleet;

  private Healer(Builder b) {
    this.fleet = b.fleet;
    this.clock = b.clock;
    this.plans = List.copyOf(b.plans);
    this.dryRun = b.dryRun;
    this.journal = new Journal(b.journalSize);
    Executor eventExecutor = b.eventExecutor != null ? b.eventExecutor
        : b.executor instanceof InlineExecutorService ? Runnable::run : eventThread();
    this.events = new EventDispatcher(eventExecutor, b.eventQueueCapacity);
    b.listeners.forEach(events::addListener);
    Engine.Launcher launcher;
    if (b.launcher != null) {
      this.ownedPool = null;
      launcher = b.launcher;
    } else if (b.executor != null) {
      this.ownedPool = null;
      ExecutorService e = b.executor;
      launcher = e::execute;
    } else {
      this.ownedPool = new TimedExecutor("heal-action", b.poolSize, b.maxAbandoned, b.abandonAfter, clock);
      launcher = onTimedExecutor(ownedPool);
    }
    EpisodeMachine.Config config = new EpisodeMachine.Config(plans, dryRun, b.cooldown, b.maxEpisodeDuration,
        b.verifyEvery, b.budgetActions, b.budgetWindow, b.replayWindow, b.replayCapacity, b.signalCapacity,
        Duration.ofMinutes(1), b.seed, b.budgetObserver, b.checkTokens, b.fleet != null, b.awaitSlot);
    HealthRegistry registry = b.health;
    this.engine = new Engine(new EpisodeMachine(config, clock.nanoTime()), clock, launcher, events,
        new Engine.JournalSink() {
          @Override
          public void update(Episode episode) {
            journal.update(episode);
          }

          @Override
          public void note(HealEvent event) {
            journal.note(event);
          }
        },
        check -> {
          if (registry != null) {
            registry.requestRun(check);
          }
        }, b.fleet);
    if (registry != null) {
      registry.addListener(new HealthListener() {
        @Override
        public void onResult(CheckState state) {
          accept(healthSignal(state));
        }
      });
    }
    if (b.features != null) {
      b.features.addLevelListener((from, to) -> engine.degradationChanged("degradation level " + from + " -> " + to));
    }
    if (dryRun) {
      log.warn("heal: healer in DRY-RUN mode: decisions are journaled and notified, no action is executed");
    }
  }

  /**
   * Attempts on heal's own pool: a thread that ignores its interrupt (the episode ended, the
   * attempt timed out) is replaced after {@code abandonAfter}, so other targets keep their actions.
   * The machine times attempts; the pool only interrupts and replaces.
   */
  private static Engine.Launcher onTimedExecutor(TimedExecutor pool) {
    return attempt -> pool.submit(new TimedExecutor.Task<ActionResult>() {
      private volatile boolean began;

      @Override
      public boolean starting(TimedExecutor.Call call) {
        began = attempt.begin(call::interrupt);
        return began;
      }

      @Override
      public Duration timeout() {
        return null;
      }

      @Override
      public ActionResult run() {
        return attempt.invoke();
      }

      @Override
      public void finished(ActionResult value, Throwable error, Duration took) {
        attempt.returned(error == null ? value : Engine.resultOf(error));
      }

      @Override
      public void rejected(String why) {
        // Permitted, then interrupted before the body ran (the episode ended or the healer closed in
        // that instant): the attempt started as far as the machine knows, so it must return.
        if (began) {
          attempt.returned(ActionResult.failed("not run: " + why));
        } else if (attempt.begin(() -> { })) {
          attempt.returned(ActionResult.failed("action pool rejected the action: " + why));
        }
      }
    });
  }

  /** Abandoned threads of heal's own action pool now (0 with a caller's executor). */
  public int abandonedActionThreads() {
    return ownedPool == null ? 0 : ownedPool.abandonedThreads();
  }

  private static Executor eventThread() {
    ThreadPoolExecutor e = new ThreadPoolExecutor(1, 1, 5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        DaemonThreads.named("heal-events"));
    e.allowCoreThreadTimeOut(true);
    return e;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The signal heal derives from one health check result. */
  private Signal healthSignal(CheckState s) {
    HealthStatus raw = s.lastResult().map(r -> r.status()).orElse(HealthStatus.UNKNOWN);
    String msg = "check '" + s.name() + "' is " + s.status() + s.lastError().map(e -> ": " + e).orElse("");
    return Signal.health(s.name(), s.status(), raw, s.consecutiveFailures(), msg, clock.now(), clock.nanoTime());
  }

  /** Raises the application's named signal {@code name} (see {@link Trigger#signal(String)}). */
  public void raise(String name, String message) {
    accept(new Signal(Signal.CUSTOM, name, true, Map.of(), message, clock.now(), clock.nanoTime()));
  }

  /** Says the application's named signal {@code name} no longer holds. */
  public void resolve(String name, String message) {
    accept(new Signal(Signal.CUSTOM, name, false, Map.of(), message, clock.now(), clock.nanoTime()));
  }

  /** Decides on {@code signal} at once; never runs user code in the caller's thread under a lock. */
  @Override
  public void accept(Signal signal) {
    engine.signal(signal);
  }

  /** Adds a listener; it hears events decided from now on (see {@link HealerListener}). */
  public void addListener(HealerListener listener) {
    events.addListener(listener);
  }

  public Journal journal() {
    return journal;
  }

  public List<RecoveryPlan> plans() {
    return plans;
  }

  /** Whether the whole healer is in dry-run now (configured, or switched with {@link #dryRun(boolean)}). */
  public boolean isDryRun() {
    return engine.read((m, now) -> m.isDryRun());
  }

  /**
   * Enables plan {@code name} again after {@link #disablePlan}; it acts on the next signal (a
   * trigger that still fires is acted on when its check reports again).
   *
   * @throws IllegalArgumentException if no plan has that name; the message lists the plans
   */
  public void enablePlan(String name) {
    engine.control((m, now) -> m.setPlanEnabled(name, true, now));
  }

  /**
   * Disables plan {@code name} at runtime: from when this returns it opens no episode and starts no
   * attempt. Its open episode ends CANCELLED (a running attempt is interrupted; a queued one never
   * runs). Idempotent.
   *
   * @throws IllegalArgumentException if no plan has that name; the message lists the plans
   */
  public void disablePlan(String name) {
    engine.control((m, now) -> m.setPlanEnabled(name, false, now));
  }

  /**
   * Switches the whole healer to dry-run, or back. Attempts decided after this returns follow it;
   * an attempt already running finishes.
   */
  public void dryRun(boolean dryRun) {
    engine.control((m, now) -> m.setDryRun(dryRun, now));
  }

  /**
   * Switches plan {@code name} to dry-run, or back. While the whole healer is in dry-run every plan
   * is, whatever this says.
   *
   * @throws IllegalArgumentException if no plan has that name; the message lists the plans
   */
  public void dryRun(String name, boolean dryRun) {
    engine.control((m, now) -> m.setPlanDryRun(name, dryRun, now));
  }

  /** Fills the action budget to its capacity now (after an operator fixed a storm's cause). */
  public void refillBudget() {
    engine.control((m, now) -> m.refillBudget(now));
  }

  /**
   * Resizes the action budget to {@code actions} per {@code window}; the whole actions available
   * now are kept, up to the new capacity.
   *
   * @throws IllegalArgumentException if {@code actions} is below 1 or {@code window} is not positive
   */
  public void resizeBudget(int actions, Duration window) {
    engine.control((m, now) -> m.resizeBudget(actions, window, now));
  }

  /** The runtime switches and the budget now, read together (see {@link ControlState}). */
  public ControlState control() {
    return engine.read((m, now) -> {
      List<ControlState.PlanState> states = new ArrayList<>(plans.size());
      for (int i = 0; i < plans.size(); i++) {
        states.add(new ControlState.PlanState(plans.get(i).name(), m.isEnabled(i), m.isDryRun(i), m.hasOpenEpisode(i)));
      }
      return new ControlState(m.isDryRun(), m.budgetRemaining(now), m.budgetCapacity(), m.budgetWindow(),
          m.refusedActions(), states);
    });
  }

  public HealClock clock() {
    return clock;
  }

  /** Actions the budget allows right now. */
  public long budgetRemaining() {
    return engine.budgetRemaining();
  }

  public long budgetCapacity() {
    return engine.budgetCapacity();
  }

  /** Actions the budget refused so far: triggers that opened no episode and steps that did not run. */
  public long refusedActions() {
    return engine.refusedActions();
  }

  /** Listener callbacks that threw, so far. */
  public long listenerFailures() {
    return events.failures();
  }

  /** Events not delivered to listeners because the event queue was full, so far. */
  public long droppedEvents() {
    return events.dropped();
  }

  /** Events waiting for the listeners now. */
  public int queuedEvents() {
    return events.queued();
  }

  /**
   * The fleet as this replica's fleet guard last saw it — slots, their holders, shared symptoms and
   * their share of the fleet — or empty without a guard ({@link Builder#fleetGuard}). Reads no
   * store (no I/O); for {@code /heal/episodes} and diagnostics. Thread-safe.
   */
  public Optional<FleetView> fleetView() {
    return fleet == null ? Optional.empty() : Optional.of(fleet.view());
  }

  /** Sizes of the healer's internal maps, by name: every one is bounded (for diagnostics and tests). */
  public Map<String, Integer> internalSizes() {
    return engine.sizes();
  }

  /**
   * Closes open episodes as CANCELLED, interrupts running attempts and stops the healer's own
   * pool. No attempt starts after this returns; an interrupted attempt that returns later is still
   * journaled with its real result. Idempotent.
   */
  @Override
  public void close() {
    engine.close();
    if (ownedPool != null) {
      ownedPool.close();
    }
  }

  /** Builds a {@link Healer}. Not thread-safe. */
  public static final class Builder {
    private HealClock clock = HealClock.system();
    private ExecutorService executor;
    private int poolSize = 4;
    private int maxAbandoned = HealthRegistry.DEFAULT_MAX_ABANDONED_THREADS;
    private Duration abandonAfter = Duration.ofSeconds(1);
    private final List<RecoveryPlan> plans = new ArrayList<>();
    private HealthRegistry health;
    private Features features;
    private boolean dryRun;
    private int budgetActions = 10;
    private Duration budgetWindow = Duration.ofMinutes(10);
    private Duration cooldown = Duration.ofSeconds(60);
    private Duration maxEpisodeDuration = Duration.ofMinutes(15);
    private Duration verifyEvery = Duration.ofSeconds(1);
    private Duration replayWindow = AlertReplayGuard.DEFAULT_WINDOW;
    private int replayCapacity = AlertReplayGuard.DEFAULT_CAPACITY;
    private int signalCapacity = 10_000;
    private int eventQueueCapacity = 10_000;
    private Executor eventExecutor;
    private Engine.Launcher launcher;
    private EpisodeMachine.BudgetObserver budgetObserver;
    private boolean checkTokens = true;
    private FleetGuard fleet;
    private boolean awaitSlot = true;
    private int journalSize = 200;
    private long seed = 0x5EEDL;
    private final List<HealerListener> listeners = new ArrayList<>();

    private Builder() {}

    public Builder clock(HealClock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Where actions run. Default: a fixed pool of 4 daemon threads owned by the healer. A supplied
     * executor is not shut down by the healer; an attempt it queues runs only if its episode is
     * still open when a thread picks it up.
     */
    public Builder executor(ExecutorService executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Most replacement threads heal's own action pool adds at a time for threads held by actions
     * that ignore their interrupt. Default 16.
     */
    public Builder maxAbandonedThreads(int maxAbandoned) {
      this.maxAbandoned = Require.atLeast("maxAbandonedThreads", maxAbandoned, 0);
      return this;
    }

    /** How long an interrupted action may take to return before its thread is replaced. Default 1 s. */
    public Builder abandonAfter(Duration abandonAfter) {
      this.abandonAfter = Require.notNegative("abandonAfter", abandonAfter);
      return this;
    }

    /** Threads of heal's own action pool. Default 4. */
    public Builder poolSize(int poolSize) {
      this.poolSize = Require.atLeast("poolSize", poolSize, 1);
      return this;
    }

    public Builder plan(RecoveryPlan plan) {
      plans.add(Objects.requireNonNull(plan, "plan"));
      return this;
    }

    /** Feeds every result of {@code registry}'s checks to the healer, and re-checks after actions. */
    public Builder health(HealthRegistry registry) {
      this.health = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** Reports changes of {@code features}' degradation level as DEGRADATION_CHANGED events. */
    public Builder features(Features features) {
      this.features = Objects.requireNonNull(features, "features");
      return this;
    }

    /** Dry-run: every decision made, journaled and notified as "would do"; nothing executed. */
    public Builder dryRun(boolean dryRun) {
      this.dryRun = dryRun;
      return this;
    }

    /** At most {@code actions} actions per {@code window}, refilled continuously. Default 10 / 10 min. */
    public Builder budget(int actions, Duration window) {
      if (actions < 1) {
        throw new IllegalArgumentException("budget actions must be at least 1: " + actions);
      }
      if (window.isZero() || window.isNegative()) {
        throw new IllegalArgumentException("budget window must be positive: " + window);
      }
      this.budgetActions = actions;
      this.budgetWindow = window;
      return this;
    }

    /** Quiet time per target after an episode ends. Default 60 s. */
    public Builder cooldown(Duration cooldown) {
      if (cooldown.isNegative()) {
        throw new IllegalArgumentException("cooldown must not be negative: " + cooldown);
      }
      this.cooldown = cooldown;
      return this;
    }

    /** An episode still open after this ends as TIMED_OUT. Default 15 min. */
    public Builder maxEpisodeDuration(Duration max) {
      if (max.isZero() || max.isNegative()) {
        throw new IllegalArgumentException("maxEpisodeDuration must be positive: " + max);
      }
      this.maxEpisodeDuration = max;
      return this;
    }

    /** How often custom verifications are polled. Default 1 s. */
    public Builder verifyEvery(Duration every) {
      if (every.isZero() || every.isNegative()) {
        throw new IllegalArgumentException("verifyEvery must be positive: " + every);
      }
      this.verifyEvery = every;
      return this;
    }

    /** How long an alert instance (fingerprint + start) is remembered as handled. Default 24 h. */
    public Builder replayWindow(Duration window) {
      Objects.requireNonNull(window, "window");
      if (window.isZero() || window.isNegative()) {
        throw new IllegalArgumentException("replayWindow must be positive: " + window);
      }
      this.replayWindow = window;
      return this;
    }

    /**
     * Alert instances remembered as handled at most. Default 10,000. Beyond it the earliest-started
     * is forgotten and unknown instances that started no later are treated as replays for one
     * window (see {@link AlertReplayGuard}).
     */
    public Builder replayCapacity(int capacity) {
      this.replayCapacity = Require.atLeast("replayCapacity", capacity, 1);
      return this;
    }

    /** Events queued for the listeners at most; beyond it events are dropped and counted. Default 10,000. */
    public Builder eventQueueCapacity(int capacity) {
      this.eventQueueCapacity = Require.atLeast("eventQueueCapacity", capacity, 1);
      return this;
    }

    /**
     * Where listeners run. Default: one daemon thread, {@code heal-events}, started on demand; with
     * an {@link InlineExecutorService} as the action {@link #executor} (heal's deterministic mode
     * for virtual-time tests), the thread that decided, right after it released the decision lock.
     * Tests pass an executor they drive; it must not run tasks under a lock of the caller's.
     */
    public Builder eventExecutor(Executor executor) {
      this.eventExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Internal: where attempts run, for the model check. */
    Builder launcher(Engine.Launcher launcher) {
      this.launcher = Objects.requireNonNull(launcher, "launcher");
      return this;
    }

    /** Internal: sees every budget decision, for the model check's exact token-bucket model. */
    Builder budgetObserver(EpisodeMachine.BudgetObserver observer) {
      this.budgetObserver = observer;
      return this;
    }

    /** Internal: false builds the model check's deliberately broken variant. */
    Builder checkTokens(boolean check) {
      this.checkTokens = check;
      return this;
    }

    /**
     * Coordinates disruptive steps across the fleet: a step whose action is
     * {@linkplain Action#disruptive() disruptive} ({@link Actions#drain}, {@link Actions#restartProcess},
     * {@link Actions#disruptive}) or that the plan marks {@link RecoveryPlan.Builder#disruptive()}
     * runs only while its episode holds a slot of {@code guard}; without one the step is journaled
     * UNAVAILABLE ("fleet guard: 3 of 3 slots held by pods ...") and the plan escalates (or waits,
     * {@link RecoveryPlan.Builder#waitForFleetSlot()}). The slot is given back when the episode
     * ends. Not in dry-run. Default: none (disruptive steps run unguarded). The healer does not
     * close the guard.
     */
    public Builder fleetGuard(FleetGuard guard) {
      this.fleet = Objects.requireNonNull(guard, "guard");
      return this;
    }

    /** Internal: false builds the model check's broken variant (disruptive steps do not wait for a slot). */
    Builder awaitSlot(boolean await) {
      this.awaitSlot = await;
      return this;
    }

    /** Episodes kept in memory (open ones are never dropped). Default 200. */
    public Builder journalSize(int size) {
      this.journalSize = Require.atLeast("journalSize", size, 1);
      return this;
    }

    /** Seed for backoff jitter, so runs are reproducible. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder listener(HealerListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Builds the healer.
     *
     * @throws IllegalStateException if two plans have the same name, or a plan's trigger names a
     *     health check that the registry does not have (or no registry was given with
     *     {@link #health(HealthRegistry)})
     */
    public Healer build() {
      Set<String> names = new HashSet<>();
      for (RecoveryPlan p : plans) {
        if (!names.add(p.name())) {
          throw new IllegalStateException("two recovery plans are named '" + p.name() + "'; name them apart with named()");
        }
      }
      for (RecoveryPlan p : plans) {
        if (p.unlessFleetWide().isPresent() && fleet == null) {
          throw new IllegalStateException("plan '" + p.name() + "' says unlessFleetWide(" + p.unlessFleetWide().getAsDouble()
              + ") but the healer has no fleet guard to learn the fleet's symptoms from: pass one with"
              + " Healer.builder().fleetGuard(guard)");
        }
        Optional<String> check = p.trigger().checkName();
        if (check.isPresent()) {
          if (health == null) {
            throw new IllegalStateException("plan '" + p.name() + "' is triggered by health check '" + check.get()
                + "' but the healer has no health registry: pass it with Healer.builder().health(registry)");
          }
          List<String> known = health.checkNames();
          if (!known.contains(check.get())) {
            throw new IllegalStateException("plan '" + p.name() + "' is triggered by health check '" + check.get()
                + "', which is not registered; registered checks: " + (known.isEmpty() ? "none" : known)
                + ". Register the check before building the healer, or fix the name");
          }
        }
      }
      return new Healer(this);
    }
  }
}
