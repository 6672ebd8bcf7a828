package dev.heal.core.healer;

import dev.heal.core.degradation.DegradationLevel;
import dev.heal.core.degradation.Features;
import dev.heal.core.health.CheckKind;
import dev.heal.core.health.HealthRegistry;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * heal's built-in recovery actions. Each returns a new, thread-safe {@link Action}.
 *
 * <ul>
 *   <li>{@link #restart} stops and starts a {@link Lifecycle} component.
 *   <li>{@link #drain} holds readiness DOWN for the rest of the episode, so Kubernetes stops
 *       sending traffic while the repair runs; readiness comes back when the episode ends.
 *   <li>{@link #degrade} and {@link #disableFeature} switch features off for the rest of the
 *       episode.
 *   <li>{@link #restartProcess} fails liveness on purpose and never releases it: the kubelet will
 *       restart the container after the liveness probe's failure threshold. Use it as a last step,
 *       only where a container restart really helps, and only with a liveness probe configured.
 *   <li>{@link #sequence} runs several actions as one step, stopping at the first that fails.
 * </ul>
 */
public final class Actions {
  private Actions() {}

  /** Stops then starts {@code component}. */
  public static Action restart(String name, Lifecycle component) {
    Objects.requireNonNull(component, "component");
    return Action.of(name, ctx -> {
      component.stop();
      component.start();
      return ActionResult.succeeded("restarted " + name);
    });
  }

  /**
   * Holds readiness DOWN from this step until the episode ends. Disruptive: with a fleet guard it
   * runs only while the episode holds a fleet slot.
   */
  public static Action drain(HealthRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    return new Holding("drain", ctx -> registry.forceDown(CheckKind.READINESS,
        "draining: episode " + ctx.episodeId() + " repairs " + ctx.target())::close, true);
  }

  /** Requests degradation {@code level} from this step until the episode ends. */
  public static Action degrade(Features features, DegradationLevel level) {
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(level, "level");
    return new Holding("degrade-" + level.name().toLowerCase(Locale.ROOT),
        ctx -> features.request(level, "episode " + ctx.episodeId() + " (" + ctx.target() + ")")::close, false);
  }

  /** Switches feature {@code feature} off from this step until the episode ends. */
  public static Action disableFeature(Features features, String feature) {
    Objects.requireNonNull(features, "features");
    features.feature(feature);
    return new Holding("disable-" + feature,
        ctx -> features.disable(feature, "episode " + ctx.episodeId() + " (" + ctx.target() + ")")::close, false);
  }

  /**
   * Fails liveness on purpose so that the kubelet restarts the container. Never released: the
   * process is expected to end. Returns SUCCEEDED once liveness reports DOWN. Disruptive: with a
   * fleet guard it runs only while the episode holds a fleet slot (which lapses after its TTL once
   * the process is gone).
   */
  public static Action restartProcess(HealthRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    return disruptive(Action.of("restart-process", ctx -> {
      if (ctx.dryRun()) {
        return ActionResult.dryRun("would fail liveness so the kubelet restarts the container");
      }
      registry.forceDown(CheckKind.LIVENESS, "episode " + ctx.episodeId() + " asks for a container restart ("
          + ctx.target() + ")");
      return ActionResult.succeeded("liveness now fails on purpose; the kubelet will restart the container");
    }));
  }

  /**
   * {@code action}, marked {@linkplain Action#disruptive() disruptive}: with a fleet guard it runs
   * only while its episode holds a fleet slot. Keeps dry-run support and episode releases.
   */
  public static Action disruptive(Action action) {
    Objects.requireNonNull(action, "action");
    return action.disruptive() ? action : new Disruptive(action);
  }

  private static final class Disruptive implements Action, EpisodeAware {
    private final Action action;

    Disruptive(Action action) {
      this.action = action;
    }

    @Override
    public String name() {
      return action.name();
    }

    @Override
    public ActionResult execute(ActionContext ctx) throws Exception {
      return action.execute(ctx);
    }

    @Override
    public boolean supportsDryRun() {
      return action.supportsDryRun();
    }

    @Override
    public boolean disruptive() {
      return true;
    }

    @Override
    public void episodeEnded(String episodeId, Outcome outcome) {
      if (action instanceof EpisodeAware aware) {
        aware.episodeEnded(episodeId, outcome);
      }
    }

    @Override
    public String toString() {
      return "Disruptive[" + action + "]";
    }
  }

  /** Runs {@code actions} in order as one step; the first result that is not SUCCEEDED ends it. */
  public static Action sequence(String name, Action... actions) {
    List<Action> list = List.of(actions);
    if (list.isEmpty()) {
      throw new IllegalArgumentException("sequence '" + name + "' needs at least one action");
    }
    return new Sequence(name, list);
  }

  private static final class Sequence implements Action, EpisodeAware {
    private final String name;
    private final List<Action> actions;

    Sequence(String name, List<Action> actions) {
      this.name = Objects.requireNonNull(name, "name");
      this.actions = actions;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public boolean supportsDryRun() {
      return actions.stream().allMatch(Action::supportsDryRun);
    }

    @Override
    public boolean disruptive() {
      return actions.stream().anyMatch(Action::disruptive);
    }

    @Override
    public ActionResult execute(ActionContext ctx) throws Exception {
      StringBuilder done = new StringBuilder();
      for (Action a : actions) {
        ActionResult r = a.execute(ctx);
        if (r == null) {
          return ActionResult.failed(a.name() + " returned null");
        }
        if (r.status() != ActionResult.Status.SUCCEEDED && r.status() != ActionResult.Status.DRY_RUN) {
          return new ActionResult(r.status(), a.name() + ": " + r.message()
              + (done.length() > 0 ? " (after " + done + ")" : ""), r.details());
        }
        done.append(done.length() > 0 ? ", " : "").append(a.name());
      }
      return ActionResult.succeeded(name + ": " + done);
    }

    @Override
    public void episodeEnded(String episodeId, Outcome outcome) {
      for (Action a : actions) {
        if (a instanceof EpisodeAware aware) {
          aware.episodeEnded(episodeId, outcome);
        }
      }
    }
  }

  /** An action that holds something per episode and releases it when the episode ends. */
  /** Acquires at the step; runs what the acquisition returned when the episode ends. */
  private static final class Holding implements Action, EpisodeAware {
    private final String name;
    private final Function<ActionContext, Runnable> acquire;
    private final Map<String, Runnable> held = new ConcurrentHashMap<>();
    private final boolean disruptive;

    Holding(String name, Function<ActionContext, Runnable> acquire, boolean disruptive) {
      this.name = name;
      this.acquire = acquire;
      this.disruptive = disruptive;
    }

    @Override
    public boolean disruptive() {
      return disruptive;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public boolean supportsDryRun() {
      return true;
    }

    @Override
    public ActionResult execute(ActionContext ctx) {
      if (ctx.dryRun()) {
        return ActionResult.dryRun("would " + name + " until episode " + ctx.episodeId() + " ends");
      }
      held.computeIfAbsent(ctx.episodeId(), id -> acquire.apply(ctx));
      return ActionResult.succeeded(name + " until episode " + ctx.episodeId() + " ends");
    }

    @Override
    public void episodeEnded(String episodeId, Outcome outcome) {
      Runnable release = held.remove(episodeId);
      if (release != null) {
        release.run();
      }
    }
  }
}
