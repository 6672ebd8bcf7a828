package dev.heal.core.healer.internal;

import dev.heal.core.alerts.AlertReplayGuard;
import dev.heal.core.fleet.FleetGuard;
import dev.heal.core.fleet.SlotAnswer;
import dev.heal.core.healer.Action;
import dev.heal.core.healer.ActionResult;
import dev.heal.core.healer.EpisodeAware;
import dev.heal.core.healer.Episode;
import dev.heal.core.healer.HealEvent;
import dev.heal.core.healer.Outcome;
import dev.heal.core.healer.RecoveryPlan;
import dev.heal.core.healer.Signal;
import dev.heal.core.healer.StepRecord;
import dev.heal.core.healer.Verification;
import dev.heal.core.healer.internal.Command.Loudness;
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
import java.util.TreeSet;

/**
 * Every decision of the healer, and nothing else: a single-threaded state machine with no clock
 * reads, no executors, no locks and no I/O. Inputs are a signal, an attempt starting or returning
 * (named by its attempt token), a timer firing, a verification answer and close, each with the
 * time it happened; outputs are {@link Command}s, collected until {@link #drain()}.
 *
 * <p>Every guardrail is decided here: the action budget, one episode per target, at most one
 * attempt per target at any instant (a timed-out attempt that has not returned holds its target),
 * cooldown, alert replays, the maximum episode duration, dry-run, and the give-up latch (a plan that
 * gave up or timed out is not tried again for a trigger until that trigger clears), and the fleet
 * guard: a disruptive step of an episode that holds no fleet slot asks for one
 * ({@link Command.AcquireSlot}) and waits; the answer comes back as an input
 * ({@link #slotAnswered}); a refusal is journaled as the step's result (UNAVAILABLE, or NOT_NOW when
 * the plan waits for a slot); the slot is given back when the episode ends
 * ({@link Command.ReleaseSlot}), and a grant that arrives after its episode ended is given back at
 * once.
 *
 * <p>Not thread-safe: the engine calls it under its decision lock.
 */
public final class EpisodeMachine {

  /** The time an input happened: the healer clock's monotonic nanoseconds and wall time. */
  public record Now(long nanos, Instant wall) {}

  /**
   * The machine's settings.
   *
   * @param signalCapacity firing signals remembered at most (the oldest not used by an episode is
   *     forgotten beyond it)
   * @param noteQuiet how long an IGNORED or SUPPRESSED note for one key is not repeated
   * @param budgetObserver sees every budget decision (tests compare it with an exact model); may be null
   * @param checkTokens false only in the model check's deliberately broken variant
   * @param fleet whether a fleet guard is configured: disruptive steps then need a slot
   * @param awaitSlot false only in the model check's broken variant of the fleet guard (a
   *     disruptive step starts without waiting for its slot)
   */
  public record Config(
      List<RecoveryPlan> plans,
      boolean dryRun,
      Duration cooldown,
      Duration maxEpisodeDuration,
      Duration verifyEvery,
      int budgetActions,
      Duration budgetWindow,
      Duration replayWindow,
      int replayCapacity,
      int signalCapacity,
      Duration noteQuiet,
      long seed,
      BudgetObserver budgetObserver,
      boolean checkTokens,
      boolean fleet,
      boolean awaitSlot) {

    /** Settings without a fleet guard. */
    public Config(List<RecoveryPlan> plans, boolean dryRun, Duration cooldown, Duration maxEpisodeDuration,
        Duration verifyEvery, int budgetActions, Duration budgetWindow, Duration replayWindow, int replayCapacity,
        int signalCapacity, Duration noteQuiet, long seed, BudgetObserver budgetObserver, boolean checkTokens) {
      this(plans, dryRun, cooldown, maxEpisodeDuration, verifyEvery, budgetActions, budgetWindow, replayWindow,
          replayCapacity, signalCapacity, noteQuiet, seed, budgetObserver, checkTokens, false, true);
    }

    public Config {
      plans = List.copyOf(plans);
      Objects.requireNonNull(cooldown, "cooldown");
      Objects.requireNonNull(maxEpisodeDuration, "maxEpisodeDuration");
      Objects.requireNonNull(verifyEvery, "verifyEvery");
      Objects.requireNonNull(budgetWindow, "budgetWindow");
      Objects.requireNonNull(replayWindow, "replayWindow");
      Objects.requireNonNull(noteQuiet, "noteQuiet");
    }
  }

  /** Sees each budget decision: when it was asked and what it answered. */
  @FunctionalInterface
  public interface BudgetObserver {
    void decided(long nowNanos, boolean granted);
  }

  private enum Phase { QUEUED, ACTING, VERIFYING, BACKOFF, WAITING_FOR_TARGET, WAITING_FOR_SLOT, CLOSED }

  private enum AttemptState { QUEUED, RUNNING }

  private record PlanKey(int plan, String key) {}

  /** What a timer is for; the machine ignores a firing whose purpose no longer holds. */
  private sealed interface Purpose {}

  private record MaxDuration(Ep ep) implements Purpose {}

  private record AttemptTimeout(long token) implements Purpose {}

  /** Verification deadline, backoff end or verification poll, valid while the episode's generation matches. */
  private record PhaseTimer(Ep ep, long generation, Kind kind) implements Purpose {
    enum Kind { VERIFY_DEADLINE, BACKOFF, POLL }
  }

  private record Pending(PlanKey key) implements Purpose {}

  private record CooldownEnd(String target) implements Purpose {}

  private final Config config;
  private final TokenBucket budget;
  private final AlertReplayGuard replays;
  private final SplittableRandom random;
  private final List<Command> out = new ArrayList<>();

  private final LinkedHashMap<String, Observed> latest = new LinkedHashMap<>();
  private final Map<PlanKey, Long> pending = new HashMap<>();
  private final LinkedHashMap<String, Ep> open = new LinkedHashMap<>();
  private final Map<String, Cooldown> cooldowns = new HashMap<>();
  private final Set<PlanKey> latched = new LinkedHashSet<>();
  private final Map<String, Long> busy = new HashMap<>();
  private final Map<Long, Attempt> attempts = new HashMap<>();
  private final Map<Long, Purpose> timers = new HashMap<>();
  private final Map<Long, Ep> byNumber = new HashMap<>();
  private final LinkedHashMap<String, Long> notedUntil = new LinkedHashMap<>();
  private final Map<Long, Ep> slotAsks = new HashMap<>();
  private Set<String> publishedSymptoms = Set.of();
  private long nextAsk;

  private long nextTimer;
  private long nextToken;
  private long nextEpisode;
  private boolean closed;
  private long refusedActions;
  private long refusedSinceNotice;
  private final TreeSet<String> refusedTargets = new TreeSet<>();
  private long noticeUntil = Long.MIN_VALUE;
  private boolean noticeArmed;
  private long forgottenSignals;
  // Runtime control: the operator's switches, decided here like every other input.
  private boolean dryRunAll;
  private final Set<Integer> disabledPlans = new TreeSet<>();
  private final Set<Integer> dryRunPlans = new TreeSet<>();

  public EpisodeMachine(Config config, long startNanos) {
    this.config = Objects.requireNonNull(config, "config");
    this.budget = new TokenBucket(config.budgetActions(), config.budgetWindow().toNanos(), startNanos);
    this.replays = new AlertReplayGuard(config.replayWindow(), config.replayCapacity());
    this.random = new SplittableRandom(config.seed());
    this.dryRunAll = config.dryRun();
  }

  // ---------------------------------------------------------------------------------------------
  // Inputs

  /** A signal arrived. */
  public void signal(Signal s, Now now) {
    Objects.requireNonNull(s, "signal");
    if (closed) {
      return;
    }
    String key = s.resolutionKey();
    if (s.firing()) {
      Observed prev = latest.remove(key);
      latest.put(key, new Observed(s, prev == null ? s.nanoTime() : prev.failingSince));
      boundSignals();
    } else {
      latest.remove(key);
    }
    for (Ep ep : new ArrayList<>(open.values())) {
      if (ep.triggerKey.equals(key) && !ep.plan.trigger().isFiring(s)) {
        triggerCleared(ep, s, now);
      }
    }
    if (config.fleet()) {
      // Before any slot is asked for, so the ask carries this replica's own symptom.
      publishSymptoms();
    }
    boolean replay = isReplay(s, now);
    boolean matched = false;
    List<RecoveryPlan> plans = config.plans();
    for (int i = 0; i < plans.size(); i++) {
      RecoveryPlan plan = plans.get(i);
      if (!plan.trigger().matches(s)) {
        continue;
      }
      matched = true;
      PlanKey pk = new PlanKey(i, key);
      if (!plan.trigger().isFiring(s)) {
        Long timer = pending.remove(pk);
        if (timer != null) {
          cancelTimer(timer);
        }
        latched.remove(pk);
        continue;
      }
      if (replay) {
        continue;
      }
      if (disabledPlans.contains(i)) {
        note(HealEvent.Type.IGNORED, s, "disabled|" + plan.name() + "|" + key, "plan " + plan.name()
            + " is disabled at runtime: " + s.key() + " not acted on", now);
        continue;
      }
      if (latched.contains(pk)) {
        note(HealEvent.Type.IGNORED, s, "latched|" + plan.name() + "|" + key, "plan " + plan.name()
            + " gave up on " + s.key() + " and is not tried again until the trigger clears and fires anew", now);
        continue;
      }
      Duration min = plan.trigger().minimumDuration();
      if (min.isZero()) {
        tryOpen(i, s, key, now);
      } else if (!pending.containsKey(pk)) {
        long since = latest.get(key).failingSince;
        Duration wait = min.minusNanos(now.nanos() - since);
        pending.put(pk, schedule(new Pending(pk), wait.isNegative() ? Duration.ZERO : wait));
      }
    }
    if (replay) {
      Signal.Facts.Alert a = (Signal.Facts.Alert) s.facts();
      note(HealEvent.Type.IGNORED, s, "replay|" + key + "|" + a.startsAt(), "replayed alert " + s.name()
          + " (fingerprint " + a.fingerprint().orElse("-") + ", started " + a.startsAt() + "): already handled", now);
    } else if (!matched && s.firing() && !Signal.HEALTH.equals(s.source())) {
      note(HealEvent.Type.IGNORED, s, "nomatch|" + key, "no recovery plan matches " + s.key() + " "
          + s.labels(), now);
    }
  }

  /**
   * The fleet guard answered ask {@code ask} (a {@link Command.AcquireSlot}). A grant for an
   * episode that ended (or after close) is given back at once; a refusal becomes the step's result.
   */
  public void slotAnswered(long ask, SlotAnswer answer, Now now) {
    Objects.requireNonNull(answer, "answer");
    Ep ep = slotAsks.remove(ask);
    if (ep == null) {
      return;
    }
    if (ep.slotAsk == ask) {
      ep.slotAsk = -1;
    }
    if (closed || !ep.isOpen()) {
      if (answer.granted()) {
        out.add(new Command.ReleaseSlot(ep.id));
      }
      return;
    }
    if (answer.granted()) {
      ep.holdsSlot = true;
      ep.slotFresh = true;
      log(Loudness.INFO, "heal: " + answer.message() + " to " + ep.id + " (" + ep.target + ")", now);
      if (ep.phase == Phase.WAITING_FOR_SLOT) {
        startAttempt(ep, now);
      }
      return;
    }
    if (ep.phase != Phase.WAITING_FOR_SLOT) {
      return;
    }
    RecoveryPlan.Step step = ep.step(ep.stepIndex);
    ActionResult r = answer instanceof SlotAnswer.Full && ep.plan.waitsForFleetSlot()
        ? ActionResult.notNow(answer.message()) : ActionResult.unavailable(answer.message());
    int index = ep.records.size();
    ep.records.add(new StepRecord(ep.stepIndex, step.name(), step.action().name(), ep.attempt, now.wall(),
        Optional.of(now.wall()), Optional.of(r.status()), r.message(), false, false));
    emitStep(HealEvent.Type.FLEET_REFUSED, ep, index, step.name() + " for " + ep.target + " not run: "
        + answer.message(), Loudness.WARN, now);
    decide(ep, index, r, now);
  }

  /**
   * The fleet guard gave up the slot of episode {@code episodeId} (it could not renew it in time):
   * the episode ends GAVE_UP, so what its disruptive steps hold (a drain) is released before the
   * slot can lapse and be taken by another replica.
   */
  public void slotLost(String episodeId, Now now) {
    Objects.requireNonNull(episodeId, "episodeId");
    if (closed) {
      return;
    }
    for (Ep ep : new ArrayList<>(open.values())) {
      if (ep.id.equals(episodeId) && ep.holdsSlot) {
        ep.holdsSlot = false;
        ep.slotFresh = false;
        close(ep, Outcome.GAVE_UP, "its fleet slot could not be renewed (the fleet store is unreachable); the"
            + " disruption ends before the slot lapses and another replica takes it", now);
        return;
      }
    }
  }

  /**
   * A pool thread is about to run attempt {@code token}. Returns whether it may: false if the
   * attempt's episode ended while it waited in the queue, or the healer closed.
   */
  public boolean attemptStarting(long token, Now now) {
    Attempt a = attempts.get(token);
    if (a == null || a.state != AttemptState.QUEUED) {
      return false;
    }
    if (config.checkTokens() && (closed || !a.ep.isOpen() || a.ep.token != token)) {
      // A second line: a queued attempt of an ended episode is already dropped when it ends.
      dropQueued(a);
      return false;
    }
    a.state = AttemptState.RUNNING;
    Ep ep = a.ep;
    RecoveryPlan.Step step = ep.step(a.stepIndex);
    a.record = ep.records.size();
    ep.records.add(new StepRecord(a.stepIndex, step.name(), step.action().name(), a.attempt, now.wall(),
        Optional.empty(), Optional.empty(), "running", false, false));
    ep.ran.add(step.action());
    if (ep.isOpen() && ep.token == token) {
      ep.phase = Phase.ACTING;
    }
    a.timeoutTimer = schedule(new AttemptTimeout(token), step.timeout());
    emitStep(HealEvent.Type.STEP_STARTED, ep, a.record, "running " + step.name() + " (attempt " + a.attempt + "/"
        + step.attempts() + ") for " + ep.target, Loudness.DEBUG, now);
    return true;
  }

  /**
   * Attempt {@code token} returned {@code result} (what the action returned, or what it threw,
   * already turned into a result). Journaled as it is; it decides only if it is still the episode's
   * current attempt and did not time out.
   */
  public void attemptReturned(long token, ActionResult result, Now now) {
    Attempt a = attempts.remove(token);
    if (a == null || a.state != AttemptState.RUNNING) {
      return;
    }
    cancelTimer(a.timeoutTimer);
    Ep ep = a.ep;
    RecoveryPlan.Step step = ep.step(a.stepIndex);
    StepRecord r = ep.records.get(a.record);
    String message = result.message();
    if (a.timedOutAt != Long.MIN_VALUE) {
      message += " (returned " + human(Duration.ofNanos(now.nanos() - a.timedOutAt)) + " after its "
          + human(step.timeout()) + " timeout; the healer had moved on)";
    } else if (!ep.isOpen()) {
      message += " (returned after episode " + ep.id + " ended " + ep.outcome + ")";
    }
    ep.records.set(a.record, new StepRecord(r.step(), r.name(), r.action(), r.attempt(), r.startedAt(),
        Optional.of(now.wall()), Optional.of(result.status()), message, false, r.dryRun()));
    releaseTarget(ep.target, token);
    boolean current = ep.isOpen() && ep.token == token && a.timedOutAt == Long.MIN_VALUE;
    emitStep(HealEvent.Type.STEP_FINISHED, ep, a.record, step.name() + " " + result.status() + ": " + message,
        Loudness.DEBUG, now);
    if (current) {
      decide(ep, a.record, result, now);
    }
    resumeWaiting(ep.target, now);
  }

  /** Timer {@code id} fired. Stale firings (cancelled, purpose gone) do nothing. */
  public void timer(long id, Now now) {
    Purpose p = timers.remove(id);
    if (p == null || closed) {
      return;
    }
    if (p instanceof MaxDuration m) {
      if (m.ep.isOpen()) {
        m.ep.maxTimer = -1;
        close(m.ep, Outcome.TIMED_OUT, "episode ran past the maximum of " + config.maxEpisodeDuration(), now);
      }
    } else if (p instanceof AttemptTimeout t) {
      timedOut(t.token, now);
    } else if (p instanceof PhaseTimer pt) {
      phaseTimer(pt, now);
    } else if (p instanceof Pending pe) {
      pending.remove(pe.key);
      Observed o = latest.get(pe.key.key);
      RecoveryPlan plan = config.plans().get(pe.key.plan);
      if (o != null && plan.trigger().isFiring(o.signal) && !latched.contains(pe.key)
          && !disabledPlans.contains(pe.key.plan)) {
        tryOpen(pe.key.plan, o.signal, pe.key.key, now);
      }
    } else if (p instanceof CooldownEnd c) {
      Cooldown cd = cooldowns.remove(c.target);
      if (cd != null) {
        for (PlanKey pk : cd.deferred) {
          Observed o = latest.get(pk.key);
          if (o != null && config.plans().get(pk.plan).trigger().isFiring(o.signal) && !latched.contains(pk)
              && !disabledPlans.contains(pk.plan)) {
            tryOpen(pk.plan, o.signal, pk.key, now);
          }
        }
      }
    }
  }

  /** A step's verification (asked by {@link Command.Poll}) answered {@code healthy}. */
  public void verified(long episode, long generation, boolean healthy, Now now) {
    Ep ep = byNumber.get(episode);
    if (closed || ep == null || !ep.isOpen() || ep.phase != Phase.VERIFYING || ep.generation != generation) {
      return;
    }
    if (healthy) {
      recover(ep, "verified by the step's verification", now);
    } else {
      RecoveryPlan.Step step = ep.step(ep.stepIndex);
      if (step.verification().isPresent()) {
        ep.phaseTimers.add(schedule(new PhaseTimer(ep, generation, PhaseTimer.Kind.POLL), config.verifyEvery()));
      }
    }
  }

  /** The service's degradation level changed: reported, decides nothing. */
  public void degradationChanged(String message, Now now) {
    if (!closed) {
      emit(HealEvent.Type.DEGRADATION_CHANGED, null, null, message, Loudness.INFO, now);
    }
  }

  /** The healer closes: every open episode ends CANCELLED, every running attempt is interrupted. */
  public void close(Now now) {
    if (closed) {
      return;
    }
    for (Ep ep : new ArrayList<>(open.values())) {
      close(ep, Outcome.CANCELLED, "healer closed", now);
    }
    closed = true;
    for (Attempt a : new ArrayList<>(attempts.values())) {
      stop(a);
    }
    for (Long id : new ArrayList<>(timers.keySet())) {
      // Running attempts keep their timeout timers' ids until they return; nothing fires after close.
      cancelTimer(id);
    }
    pending.clear();
    cooldowns.clear();
    latest.clear();
    latched.clear();
    notedUntil.clear();
  }

  // ---------------------------------------------------------------------------------------------
  // Runtime control (an operator's input, through the engine's lock like every other input)

  /**
   * Enables or disables plan {@code name}. A disabled plan opens no episode and starts no attempt:
   * its open episode ends CANCELLED (a running attempt is interrupted, a queued one never runs) and
   * its pending {@code forAtLeast} timers are cancelled. Re-enabled, it acts on the next signal.
   *
   * @throws IllegalArgumentException if no plan has that name (nothing changes)
   */
  public void setPlanEnabled(String name, boolean enabled, Now now) {
    int index = planIndexOf(name);
    if (closed || (enabled != disabledPlans.contains(index))) {
      return;
    }
    if (enabled) {
      disabledPlans.remove(index);
      log(Loudness.WARN, "heal: plan " + name + " enabled at runtime", now);
      return;
    }
    disabledPlans.add(index);
    log(Loudness.WARN, "heal: plan " + name + " disabled at runtime: it opens no episode until enabled", now);
    pending.entrySet().removeIf(e -> {
      if (e.getKey().plan == index) {
        cancelTimer(e.getValue());
        return true;
      }
      return false;
    });
    for (Ep ep : new ArrayList<>(open.values())) {
      if (ep.planIndex == index) {
        close(ep, Outcome.CANCELLED, "plan " + name + " disabled at runtime", now);
      }
    }
  }

  /** Switches the whole healer to dry-run (or back); attempts decided from now on follow it. */
  public void setDryRun(boolean dryRun, Now now) {
    if (!closed && dryRunAll != dryRun) {
      dryRunAll = dryRun;
      redecideQueued(now);
      log(Loudness.WARN, dryRun ? "heal: healer switched to DRY-RUN at runtime: no action is executed"
          : "heal: healer switched out of dry-run at runtime: actions are executed", now);
    }
  }

  /**
   * Switches plan {@code name} to dry-run (or back). The healer-wide switch wins: while it is on,
   * every plan is in dry-run.
   *
   * @throws IllegalArgumentException if no plan has that name (nothing changes)
   */
  public void setPlanDryRun(String name, boolean dryRun, Now now) {
    int index = planIndexOf(name);
    if (!closed && (dryRun ? dryRunPlans.add(index) : dryRunPlans.remove(index))) {
      redecideQueued(now);
      log(Loudness.WARN, "heal: plan " + name + (dryRun ? " switched to DRY-RUN" : " switched out of dry-run")
          + " at runtime", now);
    }
  }

  /**
   * A real attempt still queued when its plan switched to dry-run never runs for real: it is
   * dropped and decided again as a dry run, on the budget token it already took.
   */
  private void redecideQueued(Now now) {
    for (Ep ep : new ArrayList<>(open.values())) {
      Attempt a = ep.token == 0 ? null : attempts.get(ep.token);
      if (a != null && a.state == AttemptState.QUEUED && !a.dry && isDryRun(ep.planIndex)) {
        dropQueued(a);
        startAttempt(ep, now, false);
      }
    }
  }

  /** Fills the action budget to its capacity now. */
  public void refillBudget(Now now) {
    if (!closed) {
      budget.fill(now.nanos());
      log(Loudness.WARN, "heal: action budget refilled at runtime to " + budget.capacity() + " actions", now);
    }
  }

  /**
   * Resizes the action budget to {@code actions} per {@code window}; the whole tokens available
   * now are kept, up to the new capacity.
   *
   * @throws IllegalArgumentException if {@code actions} or {@code window} is not positive (nothing changes)
   */
  public void resizeBudget(int actions, Duration window, Now now) {
    Objects.requireNonNull(window, "window");
    if (actions < 1) {
      throw new IllegalArgumentException("budget actions must be at least 1: " + actions);
    }
    if (window.isZero() || window.isNegative()) {
      throw new IllegalArgumentException("budget window must be positive: " + window);
    }
    if (!closed) {
      budget.resize(actions, window.toNanos(), now.nanos());
      log(Loudness.WARN, "heal: action budget resized at runtime to " + actions + " actions per " + human(window), now);
    }
  }

  /** Whether the whole healer is in dry-run now. */
  public boolean isDryRun() {
    return dryRunAll;
  }

  /** Whether plan {@code index} (in configuration order) is in dry-run now, by itself or healer-wide. */
  public boolean isDryRun(int index) {
    return dryRunAll || dryRunPlans.contains(index);
  }

  /** Whether plan {@code index} (in configuration order) is enabled now. */
  public boolean isEnabled(int index) {
    return !disabledPlans.contains(index);
  }

  /** Whether plan {@code index} has an open episode now. */
  public boolean hasOpenEpisode(int index) {
    for (Ep ep : open.values()) {
      if (ep.planIndex == index) {
        return true;
      }
    }
    return false;
  }

  /** The budget's window now. */
  public Duration budgetWindow() {
    return Duration.ofNanos(budget.windowNanos());
  }

  private int planIndexOf(String name) {
    Objects.requireNonNull(name, "plan name");
    List<RecoveryPlan> plans = config.plans();
    for (int i = 0; i < plans.size(); i++) {
      if (plans.get(i).name().equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException("no recovery plan is named '" + name + "'; plans: "
        + (plans.isEmpty() ? "none" : plans.stream().map(RecoveryPlan::name).toList()));
  }

  private int planIndexOf(RecoveryPlan plan) {
    return config.plans().indexOf(plan);
  }

  /** The commands decided since the last call, in order. */
  public List<Command> drain() {
    if (out.isEmpty()) {
      return List.of();
    }
    List<Command> c = List.copyOf(out);
    out.clear();
    return c;
  }

  // ---------------------------------------------------------------------------------------------
  // Queries (for the engine, metrics and tests)

  public boolean isClosed() {
    return closed;
  }

  public long budgetRemaining(long nowNanos) {
    return budget.available(nowNanos);
  }

  public long budgetCapacity() {
    return budget.capacity();
  }

  /** Actions the budget refused so far (each a trigger or a step that did not run). */
  public long refusedActions() {
    return refusedActions;
  }

  /** Firing signals forgotten because more than {@code signalCapacity} were firing at once. */
  public long forgottenSignals() {
    return forgottenSignals;
  }

  /** Sizes of every map the machine holds, by name: each is bounded (see the model check). */
  public Map<String, Integer> sizes() {
    Map<String, Integer> m = new LinkedHashMap<>();
    m.put("latest", latest.size());
    m.put("pending", pending.size());
    m.put("open", open.size());
    m.put("cooldowns", cooldowns.size());
    m.put("latched", latched.size());
    m.put("busy", busy.size());
    m.put("attempts", attempts.size());
    m.put("timers", timers.size());
    m.put("episodes", byNumber.size());
    m.put("notes", notedUntil.size());
    m.put("replays", replays.size());
    m.put("slotAsks", slotAsks.size());
    return m;
  }

  // ---------------------------------------------------------------------------------------------
  // Decisions

  private boolean isReplay(Signal s, Now now) {
    if (!s.firing() || !(s.facts() instanceof Signal.Facts.Alert a) || a.fingerprint().isEmpty()) {
      return false;
    }
    return replays.isReplay(a.fingerprint().get(), a.startsAt(), now.nanos());
  }

  private void handled(Signal s, Now now) {
    if (s.facts() instanceof Signal.Facts.Alert a && a.fingerprint().isPresent()) {
      replays.handled(a.fingerprint().get(), a.startsAt(), now.nanos());
    }
  }

  private void tryOpen(int planIndex, Signal s, String key, Now now) {
    RecoveryPlan plan = config.plans().get(planIndex);
    String target = plan.target().orElse(s.name());
    Ep running = open.get(target);
    if (running != null) {
      // Each alert instance that joins is reported (replays never get here); other signals once per plan and key.
      boolean instance = s.facts() instanceof Signal.Facts.Alert a && a.fingerprint().isPresent();
      String join = plan.name() + ": " + s.key()
          + (instance ? " " + ((Signal.Facts.Alert) s.facts()).fingerprint().get() + "@"
              + ((Signal.Facts.Alert) s.facts()).startsAt() : "");
      if ((instance || !running.triggerKey.equals(key)) && running.join(join)) {
        emit(HealEvent.Type.SIGNAL_JOINED, running, s, s.key() + " joined open episode " + running.id,
            Loudness.DEBUG, now);
      }
      handled(s, now);
      return;
    }
    Cooldown cd = cooldowns.get(target);
    if (cd != null) {
      cd.deferred.add(new PlanKey(planIndex, key));
      if (!cd.noticed) {
        cd.noticed = true;
        note(HealEvent.Type.SUPPRESSED, s, null, "plan " + plan.name() + " for " + target
            + " held back: cooldown for another " + human(Duration.ofNanos(cd.until - now.nanos()))
            + "; it runs then if the trigger still fires", now);
      }
      return;
    }
    if (budget.available(now.nanos()) < 1) {
      observeBudget(now, false);
      refuse(plan, s, target, now);
      return;
    }
    Observed o = latest.get(key);
    long firstFailing = o == null ? s.nanoTime() : o.failingSince;
    Ep ep = new Ep(++nextEpisode, planIndex, plan, target, s, key,
        now.wall().minusNanos(Math.max(0, now.nanos() - firstFailing)), now.wall());
    open.put(target, ep);
    byNumber.put(ep.number, ep);
    emit(HealEvent.Type.EPISODE_OPENED, ep, s, "episode " + ep.id + " opened for " + target + ": " + s.message()
        + (isDryRun(planIndex) ? " (dry run)" : ""), Loudness.WARN, now);
    handled(s, now);
    ep.maxTimer = schedule(new MaxDuration(ep), config.maxEpisodeDuration());
    startAttempt(ep, now);
  }

  private void startAttempt(Ep ep, Now now) {
    startAttempt(ep, now, true);
  }

  /** {@code charge} false re-decides an attempt whose budget token was already taken. */
  private void startAttempt(Ep ep, Now now, boolean charge) {
    if (closed || !ep.isOpen()) {
      return;
    }
    cancelPhaseTimers(ep);
    RecoveryPlan.Step step = ep.step(ep.stepIndex);
    Long holder = busy.get(ep.target);
    if (holder != null) {
      ep.phase = Phase.WAITING_FOR_TARGET;
      log(Loudness.INFO, "heal: " + step.name() + " for " + ep.target + " waits: an earlier attempt on "
          + ep.target + " has not returned yet", now);
      return;
    }
    // Every disruptive attempt asks (a held slot is renewed, idempotently): a slot that lapsed while its holder
    // could not reach the store, and was taken by another replica since, never backs a later attempt.
    if (config.fleet() && !isDryRun(ep.planIndex) && !ep.slotFresh && ep.plan.isDisruptive(ep.stepIndex)) {
      if (ep.slotAsk < 0) {
        long ask = ++nextAsk;
        ep.slotAsk = ask;
        slotAsks.put(ask, ep);
        out.add(new Command.AcquireSlot(ask, new FleetGuard.SlotRequest(ep.id, ep.target, ep.trigger.name(),
            ep.plan.unlessFleetWide())));
        log(Loudness.DEBUG, "heal: " + step.name() + " for " + ep.target + " is disruptive: asking the fleet guard"
            + " for a slot", now);
      }
      if (config.awaitSlot()) {
        ep.phase = Phase.WAITING_FOR_SLOT;
        return;
      }
    }
    boolean granted = !charge || budget.tryAcquire(now.nanos());
    if (charge) {
      observeBudget(now, granted);
    }
    if (!granted) {
      refuse(ep.plan, ep.trigger, ep.target, now);
      close(ep, Outcome.BUDGET_EXHAUSTED, "action budget exhausted: " + step.name() + " NOT run", now);
      return;
    }
    long token = ++nextToken;
    ep.token = token;
    int attempt = ep.attempt;
    boolean dry = isDryRun(ep.planIndex);
    if (dry && !step.action().supportsDryRun()) {
      ep.phase = Phase.ACTING;
      int index = ep.records.size();
      ep.records.add(new StepRecord(ep.stepIndex, step.name(), step.action().name(), attempt, now.wall(),
          Optional.empty(), Optional.empty(), "would run " + step.action().name(), false, true));
      ep.ran.add(step.action());
      emitStep(HealEvent.Type.STEP_STARTED, ep, index, "would run " + step.name() + " (attempt " + attempt + "/"
          + step.attempts() + ") for " + ep.target, Loudness.DEBUG, now);
      ActionResult r = ActionResult.dryRun("dry run: would run " + step.action().name());
      ep.records.set(index, new StepRecord(ep.stepIndex, step.name(), step.action().name(), attempt, now.wall(),
          Optional.of(now.wall()), Optional.of(r.status()), r.message(), false, true));
      emitStep(HealEvent.Type.STEP_FINISHED, ep, index, step.name() + " " + r.status() + ": " + r.message(),
          Loudness.DEBUG, now);
      decide(ep, index, r, now);
      return;
    }
    ep.phase = Phase.QUEUED;
    ep.slotFresh = false;
    Attempt a = new Attempt(token, ep, ep.stepIndex, attempt);
    a.dry = dry;
    attempts.put(token, a);
    busy.put(ep.target, token);
    out.add(new Command.StartAttempt(token, step.action(), ep.id, ep.target, ep.trigger, step.name(), attempt,
        dry, step.timeout()));
  }

  private void decide(Ep ep, int record, ActionResult result, Now now) {
    switch (result.status()) {
      case SUCCEEDED, DRY_RUN -> verify(ep, record, now);
      case FAILED, NOT_NOW -> {
        if (isResolved(ep)) {
          close(ep, Outcome.RECOVERED, "the trigger cleared while " + ep.step(ep.stepIndex).name() + " ran", now);
        } else {
          retryOrEscalate(ep, now);
        }
      }
      case UNAVAILABLE -> {
        if (isResolved(ep)) {
          close(ep, Outcome.RECOVERED, "the trigger cleared while " + ep.step(ep.stepIndex).name() + " ran", now);
        } else {
          escalate(ep, ep.step(ep.stepIndex).name() + " unavailable: " + result.message(), now);
        }
      }
    }
  }

  private void timedOut(long token, Now now) {
    Attempt a = attempts.get(token);
    if (a == null || a.state != AttemptState.RUNNING) {
      return;
    }
    a.timeoutTimer = -1;
    a.timedOutAt = now.nanos();
    a.interrupted = true;
    out.add(new Command.Interrupt(token));
    Ep ep = a.ep;
    RecoveryPlan.Step step = ep.step(a.stepIndex);
    StepRecord r = ep.records.get(a.record);
    ep.records.set(a.record, new StepRecord(r.step(), r.name(), r.action(), r.attempt(), r.startedAt(),
        Optional.empty(), Optional.empty(), "timed out after " + human(step.timeout())
        + "; interrupted, waiting for it to return", false, r.dryRun()));
    emitStep(HealEvent.Type.STEP_TIMED_OUT, ep, a.record, step.name() + " for " + ep.target + " timed out after "
        + human(step.timeout()) + "; interrupted", Loudness.WARN, now);
    if (ep.isOpen() && ep.token == token) {
      if (isResolved(ep)) {
        close(ep, Outcome.RECOVERED, "the trigger cleared while " + step.name() + " ran", now);
      } else {
        retryOrEscalate(ep, now);
      }
    }
  }

  private void verify(Ep ep, int record, Now now) {
    RecoveryPlan.Step step = ep.step(ep.stepIndex);
    ep.phase = Phase.VERIFYING;
    ep.verifyRecord = record;
    long gen = ++ep.generation;
    if (isResolved(ep)) {
      recover(ep, "verified: trigger no longer fires", now);
      return;
    }
    ep.plan.trigger().checkName().ifPresent(c -> out.add(new Command.Recheck(c)));
    if (step.verification().isPresent()) {
      ep.phaseTimers.add(schedule(new PhaseTimer(ep, gen, PhaseTimer.Kind.POLL), config.verifyEvery()));
    }
    ep.phaseTimers.add(schedule(new PhaseTimer(ep, gen, PhaseTimer.Kind.VERIFY_DEADLINE), step.verifyWithin()));
  }

  private void phaseTimer(PhaseTimer pt, Now now) {
    Ep ep = pt.ep;
    if (!ep.isOpen() || ep.generation != pt.generation) {
      return;
    }
    switch (pt.kind) {
      case POLL -> {
        if (ep.phase == Phase.VERIFYING) {
          out.add(new Command.Poll(ep.number, pt.generation, ep.step(ep.stepIndex).verification().orElseThrow()));
        }
      }
      case VERIFY_DEADLINE -> {
        if (ep.phase == Phase.VERIFYING) {
          cancelPhaseTimers(ep);
          RecoveryPlan.Step step = ep.step(ep.stepIndex);
          emit(HealEvent.Type.VERIFICATION_FAILED, ep, null, ep.target + " not healthy within "
              + human(step.verifyWithin()) + " after " + step.name(), Loudness.INFO, now);
          retryOrEscalate(ep, now);
        }
      }
      case BACKOFF -> {
        if (ep.phase == Phase.BACKOFF) {
          startAttempt(ep, now);
        }
      }
    }
  }

  private void retryOrEscalate(Ep ep, Now now) {
    RecoveryPlan.Step step = ep.step(ep.stepIndex);
    cancelPhaseTimers(ep);
    if (ep.attempt < step.attempts()) {
      ep.attempt++;
      double jitter = 0.8 + 0.4 * random.nextDouble();
      long base = step.backoff().toNanos() << Math.min(20, ep.attempt - 2);
      Duration delay = Duration.ofNanos((long) (base * jitter));
      ep.phase = Phase.BACKOFF;
      long gen = ++ep.generation;
      ep.phaseTimers.add(schedule(new PhaseTimer(ep, gen, PhaseTimer.Kind.BACKOFF), delay));
    } else {
      escalate(ep, step.name() + " did not recover " + ep.target + " after " + step.attempts() + " attempt(s)", now);
    }
  }

  private void escalate(Ep ep, String why, Now now) {
    if (ep.stepIndex + 1 < ep.plan.steps().size()) {
      ep.stepIndex++;
      ep.attempt = 1;
      emit(HealEvent.Type.ESCALATED, ep, null, why + "; escalating to " + ep.step(ep.stepIndex).name(),
          Loudness.INFO, now);
      startAttempt(ep, now);
    } else {
      close(ep, Outcome.GAVE_UP, why + "; no steps left: a human is needed", now);
    }
  }

  private void triggerCleared(Ep ep, Signal s, Now now) {
    switch (ep.phase) {
      case QUEUED -> {
        Attempt a = attempts.get(ep.token);
        String step = ep.step(ep.stepIndex).name();
        if (a != null && config.checkTokens()) {
          dropQueued(a);
        }
        close(ep, Outcome.RECOVERED, "trigger resolved before " + step + " started (not run): " + s.message(), now);
      }
      case ACTING -> {
        // The attempt runs: its return decides (a repair is not interrupted half way because it worked).
      }
      case VERIFYING -> recover(ep, "verified: " + s.message(), now);
      case BACKOFF, WAITING_FOR_TARGET -> close(ep, Outcome.RECOVERED, "trigger resolved: " + s.message(), now);
      case WAITING_FOR_SLOT -> close(ep, Outcome.RECOVERED, "trigger resolved while " + ep.step(ep.stepIndex).name()
          + " waited for a fleet slot (not run): " + s.message(), now);
      case CLOSED -> { }
    }
  }

  private void recover(Ep ep, String why, Now now) {
    if (ep.phase == Phase.VERIFYING && ep.verifyRecord >= 0) {
      StepRecord r = ep.records.get(ep.verifyRecord);
      ep.records.set(ep.verifyRecord, new StepRecord(r.step(), r.name(), r.action(), r.attempt(), r.startedAt(),
          r.endedAt(), r.status(), r.message(), true, r.dryRun()));
    }
    close(ep, Outcome.RECOVERED, why, now);
  }

  private void close(Ep ep, Outcome outcome, String why, Now now) {
    if (!ep.isOpen()) {
      return;
    }
    cancelPhaseTimers(ep);
    if (ep.maxTimer >= 0) {
      cancelTimer(ep.maxTimer);
      ep.maxTimer = -1;
    }
    Attempt a = ep.token == 0 ? null : attempts.get(ep.token);
    if (a != null) {
      stop(a);
    }
    ep.outcome = outcome;
    ep.endedAt = now.wall();
    ep.phase = Phase.CLOSED;
    open.remove(ep.target);
    if (!hasLiveAttempt(ep)) {
      byNumber.remove(ep.number);
    }
    if ((outcome == Outcome.GAVE_UP || outcome == Outcome.TIMED_OUT) && !isResolved(ep)) {
      latched.add(new PlanKey(ep.planIndex, ep.triggerKey));
    }
    if (!config.cooldown().isZero() && !closed && outcome != Outcome.CANCELLED) {
      Cooldown cd = new Cooldown(now.nanos() + config.cooldown().toNanos());
      cd.timer = schedule(new CooldownEnd(ep.target), config.cooldown());
      Cooldown old = cooldowns.put(ep.target, cd);
      if (old != null) {
        cancelTimer(old.timer);
      }
    }
    emit(HealEvent.Type.EPISODE_CLOSED, ep, null, "episode " + ep.id + " " + outcome + ": " + why,
        outcome == Outcome.RECOVERED ? Loudness.INFO : Loudness.WARN, now);
    for (Action action : ep.ran) {
      if (action instanceof EpisodeAware aware) {
        out.add(new Command.Release(aware, ep.id, outcome));
      }
    }
    if (ep.holdsSlot) {
      // After the actions' releases, so readiness is back before another replica may drain.
      ep.holdsSlot = false;
      out.add(new Command.ReleaseSlot(ep.id));
    }
  }

  private void refuse(RecoveryPlan plan, Signal s, String target, Now now) {
    refusedActions++;
    refusedSinceNotice++;
    if (refusedTargets.size() < 10) {
      refusedTargets.add(target);
    }
    if (open.get(target) == null) {
      Episode refused = new Episode("ep-" + (++nextEpisode), plan.name(), target, s, now.wall(), now.wall(),
          List.of(), List.of(), Optional.of(Outcome.BUDGET_EXHAUSTED), Optional.of(now.wall()), isDryRun(planIndexOf(plan)));
      out.add(new Command.Record(refused));
    }
    if (!noticeArmed || now.nanos() - noticeUntil >= 0) {
      noticeArmed = true;
      noticeUntil = now.nanos() + budget.windowNanos();
      String targets = String.join(", ", refusedTargets) + (refusedSinceNotice > refusedTargets.size() ? ", ..." : "");
      emit(HealEvent.Type.BUDGET_EXHAUSTED, null, s, "action budget exhausted (" + budget.capacity()
          + " actions per " + human(Duration.ofNanos(budget.windowNanos())) + "): " + refusedSinceNotice
          + " action(s) refused since the last notice, for " + targets + "; plan " + plan.name() + " for " + target
          + " NOT run. Next notice at the earliest in " + human(Duration.ofNanos(budget.windowNanos())),
          Loudness.WARN, now);
      refusedSinceNotice = 0;
      refusedTargets.clear();
    } else {
      log(Loudness.DEBUG, "heal: action budget exhausted: plan " + plan.name() + " for " + target + " NOT run", now);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Bookkeeping

  private boolean isResolved(Ep ep) {
    Observed o = latest.get(ep.triggerKey);
    return o == null || !ep.plan.trigger().isFiring(o.signal);
  }

  private boolean hasLiveAttempt(Ep ep) {
    for (Attempt a : attempts.values()) {
      if (a.ep == ep) {
        return true;
      }
    }
    return false;
  }

  /** A queued attempt never runs; a running one is interrupted (once). */
  private void stop(Attempt a) {
    if (a.state == AttemptState.QUEUED) {
      if (config.checkTokens()) {
        dropQueued(a);
      }
    } else if (!a.interrupted) {
      a.interrupted = true;
      out.add(new Command.Interrupt(a.token));
    }
  }

  private void dropQueued(Attempt a) {
    attempts.remove(a.token);
    out.add(new Command.Dropped(a.token));
    releaseTarget(a.ep.target, a.token);
    if (!a.ep.isOpen() && !hasLiveAttempt(a.ep)) {
      byNumber.remove(a.ep.number);
    }
  }

  private void releaseTarget(String target, long token) {
    Long holder = busy.get(target);
    if (holder != null && holder == token) {
      busy.remove(target);
    }
  }

  private void resumeWaiting(String target, Now now) {
    Ep ep = open.get(target);
    if (!busy.containsKey(target) && ep != null && ep.phase == Phase.WAITING_FOR_TARGET) {
      startAttempt(ep, now);
    }
    for (Ep e : List.copyOf(byNumber.values())) {
      if (!e.isOpen() && !hasLiveAttempt(e)) {
        byNumber.remove(e.number);
      }
    }
  }

  private void boundSignals() {
    if (latest.size() <= config.signalCapacity()) {
      return;
    }
    for (Iterator<Map.Entry<String, Observed>> it = latest.entrySet().iterator();
        it.hasNext() && latest.size() > config.signalCapacity(); ) {
      String key = it.next().getKey();
      if (open.values().stream().noneMatch(ep -> ep.triggerKey.equals(key))) {
        it.remove();
        forgottenSignals++;
        pending.entrySet().removeIf(e -> {
          if (e.getKey().key.equals(key)) {
            cancelTimer(e.getValue());
            return true;
          }
          return false;
        });
      }
    }
  }

  /** The trigger names of fleet-aware plans that fire now, when they changed since last published. */
  private void publishSymptoms() {
    Set<String> failing = new TreeSet<>();
    for (RecoveryPlan plan : config.plans()) {
      if (plan.unlessFleetWide().isEmpty()) {
        continue;
      }
      for (Observed o : latest.values()) {
        if (plan.trigger().matches(o.signal) && plan.trigger().isFiring(o.signal)) {
          failing.add(o.signal.name());
        }
      }
    }
    if (!failing.equals(publishedSymptoms)) {
      publishedSymptoms = Set.copyOf(failing);
      out.add(new Command.PublishSymptoms(publishedSymptoms));
    }
  }

  private void observeBudget(Now now, boolean granted) {
    if (config.budgetObserver() != null) {
      config.budgetObserver().decided(now.nanos(), granted);
    }
  }

  private long schedule(Purpose p, Duration delay) {
    long id = ++nextTimer;
    timers.put(id, p);
    out.add(new Command.Schedule(id, delay));
    return id;
  }

  private void cancelTimer(long id) {
    if (id >= 0 && timers.remove(id) != null) {
      out.add(new Command.CancelTimer(id));
    }
  }

  private void cancelPhaseTimers(Ep ep) {
    for (long id : ep.phaseTimers) {
      cancelTimer(id);
    }
    ep.phaseTimers.clear();
  }

  private void emit(HealEvent.Type type, Ep ep, Signal s, String message, Loudness loudness, Now now) {
    emitAt(type, ep, s, -1, message, loudness, now);
  }

  private void emitStep(HealEvent.Type type, Ep ep, int record, String message, Loudness loudness, Now now) {
    emitAt(type, ep, null, record, message, loudness, now);
  }

  private void emitAt(HealEvent.Type type, Ep ep, Signal s, int record, String message, Loudness loudness, Now now) {
    Optional<Episode> snapshot = ep == null ? Optional.empty() : Optional.of(ep.snapshot(isDryRun(ep.planIndex)));
    out.add(new Command.Emit(new HealEvent(type, snapshot, Optional.ofNullable(s), message, now.wall(), now.nanos(),
        record), loudness));
  }

  /** IGNORED / SUPPRESSED notes, at most one per key per {@code noteQuiet}. */
  private void note(HealEvent.Type type, Signal s, String quietKey, String message, Now now) {
    if (quietKey != null) {
      Long until = notedUntil.get(quietKey);
      if (until != null && until - now.nanos() > 0) {
        return;
      }
      notedUntil.remove(quietKey);
      notedUntil.put(quietKey, now.nanos() + config.noteQuiet().toNanos());
      for (Iterator<Long> it = notedUntil.values().iterator(); it.hasNext(); ) {
        long expires = it.next();
        if (notedUntil.size() > 1_000 || expires - now.nanos() <= 0) {
          it.remove();
        } else {
          break;
        }
      }
    }
    emit(type, null, s, message, Loudness.DEBUG, now);
  }

  private void log(Loudness loudness, String message, Now now) {
    out.add(new Command.Log(loudness, message));
  }

  static String human(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + " ms";
    }
    return ms % 1000 == 0 ? (ms / 1000) + " s" : String.format(java.util.Locale.ROOT, "%.3f s", ms / 1000.0);
  }

  // ---------------------------------------------------------------------------------------------
  // State

  private record Observed(Signal signal, long failingSince) {}

  private static final class Cooldown {
    final long until;
    final Set<PlanKey> deferred = new LinkedHashSet<>();
    boolean noticed;
    long timer = -1;

    Cooldown(long until) {
      this.until = until;
    }
  }

  private static final class Attempt {
    final long token;
    final Ep ep;
    final int stepIndex;
    final int attempt;
    AttemptState state = AttemptState.QUEUED;
    int record = -1;
    long timeoutTimer = -1;
    long timedOutAt = Long.MIN_VALUE;
    boolean interrupted;
    boolean dry;

    Attempt(long token, Ep ep, int stepIndex, int attempt) {
      this.token = token;
      this.ep = ep;
      this.stepIndex = stepIndex;
      this.attempt = attempt;
    }
  }

  private static final class Ep {
    final long number;
    final String id;
    final int planIndex;
    final RecoveryPlan plan;
    final String target;
    final Signal trigger;
    final String triggerKey;
    final Instant firstFailingAt;
    final Instant detectedAt;
    final List<StepRecord> records = new ArrayList<>();
    final Set<String> joined = new LinkedHashSet<>();
    long joinedBeyond;
    final Set<Action> ran = new LinkedHashSet<>();
    final List<Long> phaseTimers = new ArrayList<>();
    long maxTimer = -1;
    int stepIndex;
    int attempt = 1;
    long token;
    long generation;
    boolean holdsSlot;
    boolean slotFresh;
    long slotAsk = -1;
    int verifyRecord = -1;
    Phase phase = Phase.QUEUED;
    Outcome outcome;
    Instant endedAt;

    Ep(long number, int planIndex, RecoveryPlan plan, String target, Signal trigger, String triggerKey,
        Instant firstFailingAt, Instant detectedAt) {
      this.number = number;
      this.id = "ep-" + number;
      this.planIndex = planIndex;
      this.plan = plan;
      this.target = target;
      this.trigger = trigger;
      this.triggerKey = triggerKey;
      this.firstFailingAt = firstFailingAt;
      this.detectedAt = detectedAt;
    }

    boolean isOpen() {
      return outcome == null;
    }

    /** Records a join; true if it is new. Beyond 1,000 distinct joins only a count is kept. */
    boolean join(String what) {
      if (joined.contains(what)) {
        return false;
      }
      if (joined.size() < 1_000) {
        joined.add(what);
      } else {
        joinedBeyond++;
      }
      return true;
    }

    RecoveryPlan.Step step(int index) {
      return plan.steps().get(index);
    }

    Episode snapshot(boolean dryRun) {
      List<String> joins = new ArrayList<>(joined);
      if (joinedBeyond > 0) {
        joins.add("... and " + joinedBeyond + " more");
      }
      return new Episode(id, plan.name(), target, trigger, firstFailingAt, detectedAt, records, joins,
          Optional.ofNullable(outcome), Optional.ofNullable(endedAt), dryRun);
    }
  }
}
