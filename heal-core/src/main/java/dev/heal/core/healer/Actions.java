package dev.heal.core.healer;

import dev.heal.core.degradation.DegradationLevel;
import dev.heal.core.degradation.Features;
import dev.heal.core.health.CheckKind;
import dev.heal.core.health.HealthOverride;
import dev.heal.core.health.HealthRegistry;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

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

  /** Holds readiness DOWN from this step until the episode ends. */
  public static Action drain(HealthRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    return new Holding<HealthOverride>("drain") {
      @Override
      HealthOverride acquire(ActionContext ctx) {
        return registry.forceDown(CheckKind.READINESS, "draining: episode " + ctx.episodeId() + " repairs " + ctx.target());
      }

      @Override
      void release(HealthOverride held) {
        held.close();
      }
    };
  }

  /** Requests degradation {@code level} from this step until the episode ends. */
  public static Action degrade(Features features, DegradationLevel level) {
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(level, "level");
    return new Holding<Features.Lease>("degrade-" + level.name().toLowerCase(java.util.Locale.ROOT)) {
      @Override
      Features.Lease acquire(ActionContext ctx) {
        return features.request(level, "episode " + ctx.episodeId() + " (" + ctx.target() + ")");
      }

      @Override
      void release(Features.Lease held) {
        held.close();
      }
    };
  }

  /** Switches feature {@code feature} off from this step until the episode ends. */
  public static Action disableFeature(Features features, String feature) {
    Objects.requireNonNull(features, "features");
    features.feature(feature);
    return new Holding<Features.Lease>("disable-" + feature) {
      @Override
      Features.Lease acquire(ActionContext ctx) {
        return features.disable(feature, "episode " + ctx.episodeId() + " (" + ctx.target() + ")");
      }

      @Override
      void release(Features.Lease held) {
        held.close();
      }
    };
  }

  /**
   * Fails liveness on purpose so that the kubelet restarts the container. Never released: the
   * process is expected to end. Returns SUCCEEDED once liveness reports DOWN.
   */
  public static Action restartProcess(HealthRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    return Action.of("restart-process", ctx -> {
      if (ctx.dryRun()) {
        return ActionResult.dryRun("would fail liveness so the kubelet restarts the container");
      }
      registry.forceDown(CheckKind.LIVENESS, "episode " + ctx.episodeId() + " asks for a container restart ("
          + ctx.target() + ")");
      return ActionResult.succeeded("liveness now fails on purpose; the kubelet will restart the container");
    });
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
  private abstract static class Holding<T> implements Action, EpisodeAware {
    private final String name;
    private final Map<String, T> held = new ConcurrentHashMap<>();

    Holding(String name) {
      this.name = name;
    }

    abstract T acquire(ActionContext ctx);

    abstract void release(T held);

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
      held.computeIfAbsent(ctx.episodeId(), id -> acquire(ctx));
      return ActionResult.succeeded(name + " until episode " + ctx.episodeId() + " ends");
    }

    @Override
    public void episodeEnded(String episodeId, Outcome outcome) {
      T t = held.remove(episodeId);
      if (t != null) {
        release(t);
      }
    }
  }
}
