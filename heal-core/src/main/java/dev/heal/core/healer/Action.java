package dev.heal.core.healer;

import java.util.Objects;

/**
 * One recovery action: reconnect a pool, restart a component, drain, delete a pod. The healer
 * runs actions as steps of a recovery plan, on its own action pool, each attempt with a timeout;
 * an action that throws or hangs counts as FAILED and never harms the healer.
 *
 * <p>In dry-run mode the healer calls {@link #execute} only on actions whose
 * {@link #supportsDryRun()} is true, with {@link ActionContext#dryRun()} set; such an action must
 * change nothing (a server-side dry run is fine) and return {@link ActionResult.Status#DRY_RUN}.
 * Other actions are not called at all: the healer journals what it would have done.
 *
 * <p>Implementations must be thread-safe: different targets may run the same action concurrently.
 */
public interface Action {

  /** A short, stable, low-cardinality name, used in metrics, the journal and Events. */
  String name();

  ActionResult execute(ActionContext context) throws Exception;

  /** Whether this action can check what it would do without doing it. Default false. */
  default boolean supportsDryRun() {
    return false;
  }

  /**
   * Whether this action takes the replica out of service (drains it, restarts the process or a
   * component that serves traffic). With a fleet guard ({@code Healer.Builder.fleetGuard}) a
   * disruptive step runs only while its episode holds a fleet slot. Default false;
   * {@link Actions#drain} and {@link Actions#restartProcess} are disruptive, and a plan can mark any
   * step with {@code RecoveryPlan.Builder.disruptive()}.
   */
  default boolean disruptive() {
    return false;
  }

  /** An action from application code: {@code Action.of("reconnectPool", ctx -> {...})}. */
  static Action of(String name, Body body) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(body, "body");
    return new Action() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public ActionResult execute(ActionContext context) throws Exception {
        return body.execute(context);
      }

      @Override
      public String toString() {
        return "Action[" + name + "]";
      }
    };
  }

  /** Application code that succeeds unless it throws: {@code Action.run("clearCache", cache::clear)}. */
  static Action run(String name, Task task) {
    Objects.requireNonNull(task, "task");
    return of(
        name,
        ctx -> {
          task.run();
          return ActionResult.succeeded(name + " done");
        });
  }

  /** The body of an {@link #of} action. */
  @FunctionalInterface
  interface Body {
    ActionResult execute(ActionContext context) throws Exception;
  }

  /** The body of a {@link #run} action. */
  @FunctionalInterface
  interface Task {
    void run() throws Exception;
  }
}
