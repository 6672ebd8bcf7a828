package dev.heal.core.healer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What to do when a trigger fires: an ordered list of steps, each tried up to its attempts (with
 * jittered backoff), each followed by verification within a deadline; when a step's attempts are
 * spent the plan escalates to the next step; after the last one the healer gives up and notifies
 * a human. Immutable and thread-safe.
 *
 * <pre>{@code
 * RecoveryPlan.when(Trigger.check("db").isDown().forConsecutive(3))
 *     .then(reconnectPool).attempts(2).verifyWithin(Duration.ofSeconds(10))
 *     .escalateTo(drainAndRestart)
 *     .escalateTo(restartPod)
 *     .build();
 * }</pre>
 */
public final class RecoveryPlan {
  private final String name;
  private final Trigger trigger;
  private final Optional<String> target;
  private final List<Step> steps;
  private final List<Boolean> disruptive;
  private final OptionalDouble unlessFleetWide;
  private final boolean waitForFleetSlot;

  private RecoveryPlan(Builder b) {
    this.trigger = b.trigger;
    this.steps = List.copyOf(b.steps.stream().map(StepBuilder::build).toList());
    this.disruptive = b.steps.stream().map(sb -> sb.disruptive || sb.action.disruptive()).toList();
    this.unlessFleetWide = b.unlessFleetWide;
    this.waitForFleetSlot = b.waitForFleetSlot;
    this.target = Optional.ofNullable(b.target);
    this.name = b.name != null ? b.name : defaultName(trigger, steps);
  }

  private static String defaultName(Trigger trigger, List<Step> steps) {
    return trigger.name().orElse(trigger.source()) + "->" + steps.get(0).name();
  }

  /** Starts a plan for {@code trigger}. */
  public static Builder when(Trigger trigger) {
    return new Builder(Objects.requireNonNull(trigger, "trigger"));
  }

  public String name() {
    return name;
  }

  public Trigger trigger() {
    return trigger;
  }

  /** The fixed target, if set; otherwise the target is the triggering signal's name. */
  public Optional<String> target() {
    return target;
  }

  public List<Step> steps() {
    return steps;
  }

  /**
   * Whether step {@code step} (from 0) takes the replica out of service: its action is
   * {@linkplain Action#disruptive() disruptive} or the plan marked it with
   * {@link Builder#disruptive()}. With a fleet guard such a step runs only while its episode holds
   * a fleet slot.
   */
  public boolean isDisruptive(int step) {
    return disruptive.get(step);
  }

  /** The share set by {@link Builder#unlessFleetWide(double)}; empty if not set. */
  public OptionalDouble unlessFleetWide() {
    return unlessFleetWide;
  }

  /** Whether a disruptive step without a fleet slot waits and retries ({@link Builder#waitForFleetSlot()}). */
  public boolean waitsForFleetSlot() {
    return waitForFleetSlot;
  }

  @Override
  public String toString() {
    return "RecoveryPlan[" + name + ": when " + trigger + " then "
        + steps.stream().map(Step::name).toList() + "]";
  }

  /**
   * One step of a plan. Immutable.
   *
   * @param name the step's name (the action's unless set)
   * @param action what to do
   * @param attempts how many times to try before escalating, at least 1
   * @param backoff base delay before a retry; doubled each retry, with ±20 % jitter
   * @param timeout how long one attempt may run before it counts as FAILED
   * @param verifyWithin how long to wait for recovery after a successful attempt
   * @param verification how to tell recovery; empty = the trigger no longer fires
   */
  public record Step(
      String name,
      Action action,
      int attempts,
      Duration backoff,
      Duration timeout,
      Duration verifyWithin,
      Optional<Verification> verification) {}

  /** Builds a {@link RecoveryPlan}. Not thread-safe. */
  public static final class Builder {
    private final Trigger trigger;
    private final List<StepBuilder> steps = new ArrayList<>();
    private String name;
    private String target;
    private OptionalDouble unlessFleetWide = OptionalDouble.empty();
    private boolean waitForFleetSlot;

    private Builder(Trigger trigger) {
      this.trigger = trigger;
    }

    /** The plan's name, for the journal and metrics. Default: trigger and first action. */
    public Builder named(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * A fixed target name: plans with the same target share the one-episode-at-a-time rule.
     * Default: the name of the signal that fired (the check, circuit or alert name).
     */
    public Builder target(String target) {
      this.target = Objects.requireNonNull(target, "target");
      return this;
    }

    /** The first step. */
    public Builder then(Action action) {
      if (!steps.isEmpty()) {
        throw new IllegalStateException("then() starts the plan; use escalateTo() for later steps");
      }
      steps.add(new StepBuilder(Objects.requireNonNull(action, "action")));
      return this;
    }

    /** The next step, tried when the previous one did not recover the target. */
    public Builder escalateTo(Action action) {
      if (steps.isEmpty()) {
        throw new IllegalStateException("call then(action) before escalateTo(action)");
      }
      steps.add(new StepBuilder(Objects.requireNonNull(action, "action")));
      return this;
    }

    /** Names the current step. */
    public Builder stepName(String name) {
      current("stepName").name = Objects.requireNonNull(name, "name");
      return this;
    }

    /** Attempts of the current step before escalating. Default 1. */
    public Builder attempts(int attempts) {
      if (attempts < 1) {
        throw new IllegalArgumentException("attempts must be at least 1: " + attempts);
      }
      current("attempts").attempts = attempts;
      return this;
    }

    /** Base backoff between attempts of the current step. Default 1 s. */
    public Builder backoff(Duration backoff) {
      current("backoff").backoff = nonNegative("backoff", backoff);
      return this;
    }

    /** Timeout of one attempt of the current step. Default 30 s. */
    public Builder timeout(Duration timeout) {
      current("timeout").timeout = positive("timeout", timeout);
      return this;
    }

    /** Deadline for recovery after the current step succeeds. Default 30 s. */
    public Builder verifyWithin(Duration deadline) {
      current("verifyWithin").verifyWithin = positive("verifyWithin", deadline);
      return this;
    }

    /** Custom verification for the current step (polled every second until the deadline). */
    public Builder verifyWith(Verification verification) {
      current("verifyWith").verification = Objects.requireNonNull(verification, "verification");
      return this;
    }

    /**
     * Marks the current step disruptive (it takes the replica out of service), as if its action
     * were: with a fleet guard it runs only while the episode holds a fleet slot.
     */
    public Builder disruptive() {
      current("disruptive").disruptive = true;
      return this;
    }

    /**
     * Skips the plan's disruptive steps (reported UNAVAILABLE, so the plan escalates past them)
     * while more than {@code share} of the fleet's replicas report the trigger's symptom: a shared
     * cause (a database, a payments API, DNS) that draining or restarting replicas cannot repair.
     * Needs a fleet guard ({@code Healer.Builder.fleetGuard}); the healer publishes the trigger's
     * signal name as a shared symptom while it fires.
     *
     * @param share in [0, 1): 0.5 skips when more than half the fleet shares the symptom
     */
    public Builder unlessFleetWide(double share) {
      if (!(share >= 0.0 && share < 1.0)) {
        throw new IllegalArgumentException("unlessFleetWide share must be in [0, 1) (0.5 = more than half the"
            + " fleet), was " + share);
      }
      this.unlessFleetWide = OptionalDouble.of(share);
      return this;
    }

    /**
     * When every fleet slot is held, a disruptive step is reported NOT_NOW and retried with the
     * step's backoff (up to its attempts) instead of UNAVAILABLE, which escalates at once (the
     * default).
     */
    public Builder waitForFleetSlot() {
      this.waitForFleetSlot = true;
      return this;
    }

    public RecoveryPlan build() {
      if (steps.isEmpty()) {
        throw new IllegalStateException("a recovery plan needs at least one step: call then(action)");
      }
      return new RecoveryPlan(this);
    }

    private StepBuilder current(String method) {
      if (steps.isEmpty()) {
        throw new IllegalStateException(method + "() configures a step: call then(action) first");
      }
      return steps.get(steps.size() - 1);
    }

    private static Duration positive(String what, Duration d) {
      Objects.requireNonNull(d, what);
      if (d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(what + " must be positive: " + d);
      }
      return d;
    }

    private static Duration nonNegative(String what, Duration d) {
      Objects.requireNonNull(d, what);
      if (d.isNegative()) {
        throw new IllegalArgumentException(what + " must not be negative: " + d);
      }
      return d;
    }
  }

  private static final class StepBuilder {
    final Action action;
    String name;
    int attempts = 1;
    Duration backoff = Duration.ofSeconds(1);
    Duration timeout = Duration.ofSeconds(30);
    Duration verifyWithin = Duration.ofSeconds(30);
    Verification verification;
    boolean disruptive;

    StepBuilder(Action action) {
      this.action = action;
    }

    Step build() {
      return new Step(name != null ? name : action.name(), action, attempts, backoff, timeout, verifyWithin,
          Optional.ofNullable(verification));
    }
  }
}
