package dev.heal.core.healer;

import dev.heal.core.internal.DaemonThreads;
import dev.heal.core.HealException;
import dev.heal.core.health.CheckState;
import dev.heal.core.health.HealthListener;
import dev.heal.core.health.HealthRegistry;
import dev.heal.core.healer.internal.TokenBucket;
import dev.heal.core.time.HealClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns signals into repaired services, safely: matches each {@link Signal} against the
 * {@link RecoveryPlan}s, opens an {@link Episode} per target, runs the plan's steps with
 * attempts, jittered backoff, timeouts and verification, escalates, and reports every decision as
 * a {@link HealEvent}.
 *
 * <p>Guardrails, all on by default: a global action budget (token bucket; default 10 actions per
 * 10 minutes), one episode per target (later triggers join it), a cooldown per target after an
 * episode (default 60 s), a maximum episode duration (default 15 minutes), per-attempt timeouts,
 * and dry-run mode. An action that throws, hangs or fails escalates; it never stops the healer.
 * Replayed Alertmanager alerts (same fingerprint and start time) never open a second episode.
 *
 * <p>Thread-safe. Decisions are made under one lock; actions run on the action pool, outside it.
 */
public final class Healer implements SignalSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Healer.class);

  /** Signal label carrying an Alertmanager alert's fingerprint. */
  public static final String LABEL_FINGERPRINT = "fingerprint";
  /** Signal label carrying an Alertmanager alert's start time. */
  public static final String LABEL_STARTS_AT = "startsAt";

  private final Object lock = new Object();
  private final HealClock clock;
  private final ExecutorService executor;
  private final boolean ownsExecutor;
  private final List<RecoveryPlan> plans;
  private final Optional<HealthRegistry> health;
  private final boolean dryRun;
  private final Duration cooldown;
  private final Duration maxEpisodeDuration;
  private final Duration verifyEvery;
  private final Duration replayWindow;
  private final TokenBucket budget;
  private final SplittableRandom random;
  private final Journal journal;
  private final List<HealerListener> listeners = new CopyOnWriteArrayList<>();
  private final AtomicLong listenerFailures = new AtomicLong();
  private final AtomicInteger episodeIds = new AtomicInteger();

  // Guarded by lock.
  private final Map<String, Signal> latest = new HashMap<>();
  private final Map<String, Long> failingSince = new HashMap<>();
  private final Map<String, HealClock.Cancellable> pendingTriggers = new HashMap<>();
  private final Map<String, Run> byTarget = new LinkedHashMap<>();
  private final Map<String, Long> cooldownUntil = new HashMap<>();
  private final Map<String, Long> suppressedNoticeUntil = new HashMap<>();
  private final LinkedHashMap<String, Long> seenAlerts = new LinkedHashMap<>();
  private boolean closed;

  private Healer(Builder b) {
    this.clock = b.clock;
    this.plans = List.copyOf(b.plans);
    this.health = Optional.ofNullable(b.health);
    this.dryRun = b.dryRun;
    this.cooldown = b.cooldown;
    this.maxEpisodeDuration = b.maxEpisodeDuration;
    this.verifyEvery = b.verifyEvery;
    this.replayWindow = b.replayWindow;
    this.budget = new TokenBucket(b.budgetActions, b.budgetWindow.toNanos(), clock.nanoTime());
    this.random = new SplittableRandom(b.seed);
    this.journal = new Journal(b.journalSize);
    this.listeners.addAll(b.listeners);
    if (b.executor != null) {
      this.executor = b.executor;
      this.ownsExecutor = false;
    } else {
      this.executor = Executors.newFixedThreadPool(b.poolSize, DaemonThreads.named("heal-action"));
      this.ownsExecutor = true;
    }
    health.ifPresent(h -> h.addListener(new HealthListener() {
      @Override
      public void onResult(CheckState state) {
        accept(healthSignal(state));
      }
    }));
    if (b.features != null) {
      b.features.addLevelListener((from, to) -> {
        synchronized (lock) {
          if (!closed) {
            emit(HealEvent.Type.DEGRADATION_CHANGED, null, null, "degradation level " + from + " -> " + to);
          }
        }
      });
    }
    if (dryRun) {
      log.warn("heal: healer in DRY-RUN mode: decisions are journaled and notified, no action is executed");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The signal heal derives from one health check result. */
  private Signal healthSignal(CheckState s) {
    String raw = s.lastResult().map(r -> r.status().name()).orElse("UNKNOWN");
    Map<String, String> labels = Map.of(
        Trigger.LABEL_STATUS, s.status().name(),
        Trigger.LABEL_RESULT, raw,
        Trigger.LABEL_CONSECUTIVE_FAILURES, Integer.toString(s.consecutiveFailures()));
    String msg = "check '" + s.name() + "' is " + s.status()
        + s.lastError().map(e -> ": " + e).orElse("");
    boolean failing = s.status() == dev.heal.core.health.HealthStatus.DOWN || "DOWN".equals(raw);
    return new Signal(Signal.HEALTH, s.name(), failing, labels, msg,
        clock.now(), clock.nanoTime());
  }

  /** Raises the application's named signal {@code name} (see {@link Trigger#signal(String)}). */
  public void raise(String name, String message) {
    accept(new Signal(Signal.CUSTOM, name, true, Map.of(), message, clock.now(), clock.nanoTime()));
  }

  /** Says the application's named signal {@code name} no longer holds. */
  public void resolve(String name, String message) {
    accept(new Signal(Signal.CUSTOM, name, false, Map.of(), message, clock.now(), clock.nanoTime()));
  }

  /** The key that ties a signal to its later resolution. */
  static String keyOf(Signal s) {
    String fp = s.labels().get(LABEL_FINGERPRINT);
    return fp == null ? s.key() : s.key() + "#" + fp;
  }

  @Override
  public void accept(Signal s) {
    Objects.requireNonNull(s, "signal");
    synchronized (lock) {
      if (closed) {
        return;
      }
      String key = keyOf(s);
      latest.put(key, s);
      boolean failingNow = s.firing() || "DOWN".equals(s.labels().get(Trigger.LABEL_RESULT));
      if (failingNow) {
        failingSince.putIfAbsent(key, s.nanoTime());
      } else {
        failingSince.remove(key);
      }
      // Open episodes watching this signal: resolution closes them.
      for (Run run : new ArrayList<>(byTarget.values())) {
        if (run.triggerKey.equals(key) && !run.plan.trigger().isFiring(s)) {
          recover(run, "trigger resolved: " + s.message());
        }
      }
      boolean replay = false;
      if (Signal.ALERT.equals(s.source()) && s.firing()) {
        replay = isReplay(s);
      }
      boolean matched = false;
      for (int i = 0; i < plans.size(); i++) {
        RecoveryPlan plan = plans.get(i);
        if (!plan.trigger().matches(s)) {
          continue;
        }
        matched = true;
        String pendingKey = i + "|" + key;
        if (!plan.trigger().isFiring(s)) {
          HealClock.Cancellable pending = pendingTriggers.remove(pendingKey);
          if (pending != null) {
            pending.cancel();
          }
          continue;
        }
        if (replay) {
          continue;
        }
        Duration min = plan.trigger().minimumDuration();
        if (min.isZero()) {
          tryOpen(plan, s, key);
        } else if (!pendingTriggers.containsKey(pendingKey)) {
          long since = failingSince.getOrDefault(key, s.nanoTime());
          Duration wait = min.minusNanos(clock.nanoTime() - since);
          pendingTriggers.put(pendingKey, clock.schedule(wait, () -> firePending(plan, pendingKey, key)));
        }
      }
      if (replay) {
        emit(HealEvent.Type.IGNORED, null, s, "replayed alert " + s.name() + " (fingerprint "
            + s.labels().get(LABEL_FINGERPRINT) + "): already handled");
      } else if (!matched && s.firing() && !Signal.HEALTH.equals(s.source())) {
        emit(HealEvent.Type.IGNORED, null, s, "no recovery plan matches " + s.key() + " " + s.labels());
      }
    }
  }

  private boolean isReplay(Signal s) {
    String fp = s.labels().get(LABEL_FINGERPRINT);
    if (fp == null) {
      return false;
    }
    String instance = fp + "@" + s.labels().getOrDefault(LABEL_STARTS_AT, "");
    long now = clock.nanoTime();
    for (Iterator<Long> it = seenAlerts.values().iterator(); it.hasNext(); ) {
      if (it.next() - now <= 0) {
        it.remove();
      } else {
        break;
      }
    }
    if (seenAlerts.containsKey(instance)) {
      return true;
    }
    seenAlerts.put(instance, now + replayWindow.toNanos());
    while (seenAlerts.size() > 10_000) {
      seenAlerts.remove(seenAlerts.keySet().iterator().next());
    }
    return false;
  }

  private void firePending(RecoveryPlan plan, String pendingKey, String key) {
    synchronized (lock) {
      pendingTriggers.remove(pendingKey);
      Signal s = latest.get(key);
      if (closed || s == null || !plan.trigger().isFiring(s)) {
        return;
      }
      tryOpen(plan, s, key);
    }
  }

  private void tryOpen(RecoveryPlan plan, Signal s, String key) {
    String target = plan.target().orElse(s.name());
    Run open = byTarget.get(target);
    if (open != null) {
      if (!open.triggerKey.equals(key) && open.joined.add(plan.name() + ": " + s.key())) {
        emit(HealEvent.Type.SIGNAL_JOINED, open, s, s.key() + " joined open episode " + open.id);
      }
      return;
    }
    long now = clock.nanoTime();
    Long until = cooldownUntil.get(target);
    if (until != null && until - now > 0) {
      Long noticed = suppressedNoticeUntil.get(target);
      if (noticed == null || noticed - now <= 0) {
        suppressedNoticeUntil.put(target, until);
        emit(HealEvent.Type.SUPPRESSED, null, s, "plan " + plan.name() + " for " + target
            + " held back: cooldown for another " + Duration.ofNanos(until - now).toSeconds() + " s");
      }
      return;
    }
    long first = failingSince.getOrDefault(key, s.nanoTime());
    Run run = new Run("ep-" + episodeIds.incrementAndGet(), plan, target, s, key, first);
    byTarget.put(target, run);
    emit(HealEvent.Type.EPISODE_OPENED, run, s, "episode " + run.id + " opened for " + target + ": "
        + s.message() + (dryRun ? " (dry run)" : ""));
    run.maxTimer = clock.schedule(maxEpisodeDuration, () -> {
      synchronized (lock) {
        if (run.open()) {
          close(run, Outcome.TIMED_OUT, "episode ran past the maximum of " + maxEpisodeDuration);
        }
      }
    });
    startAttempt(run);
  }

  private void startAttempt(Run run) {
    if (!run.open() || closed) {
      return;
    }
    run.cancelPhase();
    RecoveryPlan.Step step = run.plan.steps().get(run.stepIndex);
    long now = clock.nanoTime();
    if (!budget.tryAcquire(now)) {
      emit(HealEvent.Type.BUDGET_EXHAUSTED, run, run.trigger, "action budget exhausted: "
          + step.action().name() + " for " + run.target + " NOT run; no more actions until the budget refills");
      close(run, Outcome.BUDGET_EXHAUSTED, "action budget exhausted");
      return;
    }
    long token = ++run.attemptToken;
    boolean simulate = dryRun && !step.action().supportsDryRun();
    int index = run.records.size();
    run.records.add(new StepRecord(run.stepIndex, step.name(), step.action().name(), run.attempt, clock.now(),
        Optional.empty(), Optional.empty(), dryRun ? "would run " + step.action().name() : "running",
        false, dryRun));
    run.ran.add(step.action());
    run.phase = Phase.ACTING;
    emit(HealEvent.Type.STEP_STARTED, run, null, (dryRun ? "would run " : "running ") + step.name()
        + " (attempt " + run.attempt + "/" + step.attempts() + ") for " + run.target);
    if (simulate) {
      finishAttempt(run, token, index, ActionResult.dryRun("dry run: would run " + step.action().name()));
      return;
    }
    ActionContext ctx = new ActionContext(run.id, run.target, run.trigger, step.name(), run.attempt, dryRun,
        step.timeout(), clock);
    Future<?>[] future = new Future<?>[1];
    run.phaseTimers.add(clock.schedule(step.timeout(), () -> {
      finishAttempt(run, token, index, ActionResult.failed("timed out after " + step.timeout()));
      Future<?> f = future[0];
      if (f != null) {
        f.cancel(true);
      }
    }));
    try {
      future[0] = executor.submit(() -> {
        ActionResult r;
        try {
          r = step.action().execute(ctx);
          if (r == null) {
            r = ActionResult.failed(step.action().name() + " returned null instead of an ActionResult");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          r = ActionResult.failed("interrupted");
        } catch (Exception | LinkageError | AssertionError e) {
          r = ActionResult.failed(e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
        finishAttempt(run, token, index, r);
      });
    } catch (RejectedExecutionException e) {
      finishAttempt(run, token, index, ActionResult.failed("action pool rejected the action: " + e.getMessage()));
    }
  }

  private void finishAttempt(Run run, long token, int index, ActionResult result) {
    synchronized (lock) {
      if (!run.open() || run.attemptToken != token || run.phase != Phase.ACTING) {
        return;
      }
      run.cancelPhase();
      RecoveryPlan.Step step = run.plan.steps().get(run.stepIndex);
      StepRecord started = run.records.get(index);
      run.records.set(index, new StepRecord(started.step(), started.name(), started.action(), started.attempt(),
          started.startedAt(), Optional.of(clock.now()), Optional.of(result.status()), result.message(), false,
          started.dryRun()));
      emit(HealEvent.Type.STEP_FINISHED, run, null, step.name() + " " + result.status() + ": " + result.message());
      switch (result.status()) {
        case SUCCEEDED, DRY_RUN -> verify(run, index);
        case FAILED, NOT_NOW -> retryOrEscalate(run);
        case UNAVAILABLE -> escalate(run, step.name() + " unavailable: " + result.message());
      }
    }
  }

  private void verify(Run run, int index) {
    RecoveryPlan.Step step = run.plan.steps().get(run.stepIndex);
    run.phase = Phase.VERIFYING;
    run.verifyingIndex = index;
    if (isResolved(run)) {
      recover(run, "verified: trigger no longer fires");
      return;
    }
    if (Signal.HEALTH.equals(run.trigger.source())) {
      health.ifPresent(h -> {
        try {
          h.requestRun(run.trigger.name());
        } catch (HealException e) {
          log.debug("heal: cannot re-check {}: {}", run.trigger.name(), e.getMessage());
        }
      });
    }
    step.verification().ifPresent(v -> schedulePoll(run, v));
    run.phaseTimers.add(clock.schedule(step.verifyWithin(), () -> {
      synchronized (lock) {
        if (run.open() && run.phase == Phase.VERIFYING) {
          run.cancelPhase();
          emit(HealEvent.Type.VERIFICATION_FAILED, run, null, run.target + " not healthy within "
              + step.verifyWithin() + " after " + step.name());
          retryOrEscalate(run);
        }
      }
    }));
  }

  private void schedulePoll(Run run, Verification v) {
    run.phaseTimers.add(clock.schedule(verifyEvery, () -> {
      synchronized (lock) {
        if (!run.open() || run.phase != Phase.VERIFYING) {
          return;
        }
        boolean healthy;
        try {
          healthy = v.isHealthy();
        } catch (Exception e) {
          healthy = false;
        }
        if (healthy) {
          recover(run, "verified by the step's verification");
        } else {
          schedulePoll(run, v);
        }
      }
    }));
  }

  private boolean isResolved(Run run) {
    Signal s = latest.get(run.triggerKey);
    return s != null && !run.plan.trigger().isFiring(s);
  }

  private void retryOrEscalate(Run run) {
    RecoveryPlan.Step step = run.plan.steps().get(run.stepIndex);
    if (run.attempt < step.attempts()) {
      run.attempt++;
      double jitter = 0.8 + 0.4 * random.nextDouble();
      long base = step.backoff().toNanos() << Math.min(20, run.attempt - 2);
      Duration delay = Duration.ofNanos((long) (base * jitter));
      run.phase = Phase.BACKOFF;
      run.phaseTimers.add(clock.schedule(delay, () -> {
        synchronized (lock) {
          if (run.open() && run.phase == Phase.BACKOFF) {
            startAttempt(run);
          }
        }
      }));
    } else {
      escalate(run, step.name() + " did not recover " + run.target + " after " + step.attempts() + " attempt(s)");
    }
  }

  private void escalate(Run run, String why) {
    if (run.stepIndex + 1 < run.plan.steps().size()) {
      run.stepIndex++;
      run.attempt = 1;
      emit(HealEvent.Type.ESCALATED, run, null, why + "; escalating to "
          + run.plan.steps().get(run.stepIndex).name());
      startAttempt(run);
    } else {
      close(run, Outcome.GAVE_UP, why + "; no steps left: a human is needed");
    }
  }

  private void recover(Run run, String why) {
    if (run.phase == Phase.VERIFYING && run.verifyingIndex >= 0) {
      StepRecord r = run.records.get(run.verifyingIndex);
      run.records.set(run.verifyingIndex, new StepRecord(r.step(), r.name(), r.action(), r.attempt(), r.startedAt(),
          r.endedAt(), r.status(), r.message(), true, r.dryRun()));
    }
    close(run, Outcome.RECOVERED, why);
  }

  private void close(Run run, Outcome outcome, String why) {
    if (!run.open()) {
      return;
    }
    run.cancelPhase();
    if (run.maxTimer != null) {
      run.maxTimer.cancel();
    }
    for (int i = 0; i < run.records.size(); i++) {
      StepRecord r = run.records.get(i);
      if (r.endedAt().isEmpty()) {
        run.records.set(i, new StepRecord(r.step(), r.name(), r.action(), r.attempt(), r.startedAt(),
            Optional.of(clock.now()), Optional.empty(), "abandoned: episode ended (" + outcome + ")", false,
            r.dryRun()));
      }
    }
    run.outcome = outcome;
    run.endedAt = clock.now();
    run.phase = Phase.CLOSED;
    byTarget.remove(run.target);
    cooldownUntil.put(run.target, clock.nanoTime() + cooldown.toNanos());
    emit(HealEvent.Type.EPISODE_CLOSED, run, null, "episode " + run.id + " " + outcome + ": " + why);
    for (Action a : run.ran) {
      if (a instanceof EpisodeAware aware) {
        try {
          aware.episodeEnded(run.id, outcome);
        } catch (RuntimeException e) {
          log.warn("heal: {} failed to release what it held for episode {}", a.name(), run.id, e);
        }
      }
    }
  }

  private void emit(HealEvent.Type type, Run run, Signal signal, String message) {
    Optional<Episode> episode = Optional.ofNullable(run).map(Run::snapshot);
    episode.ifPresent(journal::update);
    HealEvent event = new HealEvent(type, episode, Optional.ofNullable(signal), message, clock.now(),
        clock.nanoTime());
    if (type == HealEvent.Type.IGNORED || type == HealEvent.Type.SUPPRESSED) {
      journal.note(event);
    }
    switch (type) {
      case EPISODE_CLOSED -> {
        if (run != null && run.outcome == Outcome.RECOVERED) {
          log.info("heal: {}", message);
        } else {
          log.warn("heal: {}", message);
        }
      }
      case EPISODE_OPENED, BUDGET_EXHAUSTED -> log.warn("heal: {}", message);
      default -> log.debug("heal: {}", message);
    }
    for (HealerListener l : listeners) {
      try {
        l.onEvent(event);
      } catch (RuntimeException e) {
        if (listenerFailures.getAndIncrement() == 0) {
          log.warn("heal: a healer listener threw; it is isolated and later failures are only counted", e);
        }
      }
    }
  }

  public void addListener(HealerListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  public Journal journal() {
    return journal;
  }

  public List<RecoveryPlan> plans() {
    return plans;
  }

  public boolean isDryRun() {
    return dryRun;
  }

  public HealClock clock() {
    return clock;
  }

  /** Actions the budget allows right now. */
  public long budgetRemaining() {
    synchronized (lock) {
      return budget.available(clock.nanoTime());
    }
  }

  public long budgetCapacity() {
    return budget.capacity();
  }

  /** Listener callbacks that threw, so far. */
  public long listenerFailures() {
    return listenerFailures.get();
  }

  /** Closes open episodes as CANCELLED and stops the healer's own pool. Idempotent. */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      for (Run run : new ArrayList<>(byTarget.values())) {
        close(run, Outcome.CANCELLED, "healer closed");
      }
      pendingTriggers.values().forEach(HealClock.Cancellable::cancel);
      pendingTriggers.clear();
      closed = true;
    }
    if (ownsExecutor) {
      executor.shutdownNow();
    }
  }

  private enum Phase { ACTING, VERIFYING, BACKOFF, CLOSED }

  /** An open episode's mutable state. Guarded by the healer's lock. */
  private final class Run {
    final String id;
    final RecoveryPlan plan;
    final String target;
    final Signal trigger;
    final String triggerKey;
    final Instant firstFailingAt;
    final Instant detectedAt;
    final List<StepRecord> records = new ArrayList<>();
    final Set<String> joined = new LinkedHashSet<>();
    final Set<Action> ran = new LinkedHashSet<>();
    final List<HealClock.Cancellable> phaseTimers = new ArrayList<>();
    HealClock.Cancellable maxTimer;
    int stepIndex;
    int attempt = 1;
    long attemptToken;
    int verifyingIndex = -1;
    Phase phase = Phase.ACTING;
    Outcome outcome;
    Instant endedAt;

    Run(String id, RecoveryPlan plan, String target, Signal trigger, String triggerKey, long firstFailingNanos) {
      this.id = id;
      this.plan = plan;
      this.target = target;
      this.trigger = trigger;
      this.triggerKey = triggerKey;
      Instant now = clock.now();
      this.detectedAt = now;
      this.firstFailingAt = now.minusNanos(Math.max(0, clock.nanoTime() - firstFailingNanos));
    }

    boolean open() {
      return outcome == null;
    }

    void cancelPhase() {
      phaseTimers.forEach(HealClock.Cancellable::cancel);
      phaseTimers.clear();
      verifyingIndex = phase == Phase.VERIFYING ? verifyingIndex : -1;
    }

    Episode snapshot() {
      return new Episode(id, plan.name(), target, trigger, firstFailingAt, detectedAt, records, List.copyOf(joined),
          Optional.ofNullable(outcome), Optional.ofNullable(endedAt), dryRun);
    }
  }

  /** Builds a {@link Healer}. Not thread-safe. */
  public static final class Builder {
    private HealClock clock = HealClock.system();
    private ExecutorService executor;
    private int poolSize = 4;
    private final List<RecoveryPlan> plans = new ArrayList<>();
    private HealthRegistry health;
    private dev.heal.core.degradation.Features features;
    private boolean dryRun;
    private int budgetActions = 10;
    private Duration budgetWindow = Duration.ofMinutes(10);
    private Duration cooldown = Duration.ofSeconds(60);
    private Duration maxEpisodeDuration = Duration.ofMinutes(15);
    private Duration verifyEvery = Duration.ofSeconds(1);
    private Duration replayWindow = Duration.ofHours(24);
    private int journalSize = 200;
    private long seed = 0x5EEDL;
    private final List<HealerListener> listeners = new ArrayList<>();

    private Builder() {}

    public Builder clock(HealClock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Where actions run. Default: a fixed pool of 4 daemon threads owned by the healer. */
    public Builder executor(ExecutorService executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    public Builder poolSize(int poolSize) {
      if (poolSize < 1) {
        throw new IllegalArgumentException("poolSize must be at least 1: " + poolSize);
      }
      this.poolSize = poolSize;
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
    public Builder features(dev.heal.core.degradation.Features features) {
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
      this.replayWindow = Objects.requireNonNull(window, "window");
      return this;
    }

    /** Episodes kept in memory (open ones are never dropped). Default 200. */
    public Builder journalSize(int size) {
      if (size < 1) {
        throw new IllegalArgumentException("journalSize must be at least 1: " + size);
      }
      this.journalSize = size;
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
     * @throws IllegalStateException if two plans have the same name
     */
    public Healer build() {
      Set<String> names = new java.util.HashSet<>();
      for (RecoveryPlan p : plans) {
        if (!names.add(p.name())) {
          throw new IllegalStateException("two recovery plans are named '" + p.name() + "'; name them apart with named()");
        }
      }
      return new Healer(this);
    }
  }
}
