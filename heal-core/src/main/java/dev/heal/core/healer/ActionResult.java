package dev.heal.core.healer;

import java.util.Map;
import java.util.Objects;

/**
 * What one attempt of an {@link Action} did. Immutable and thread-safe.
 *
 * @param status the outcome, which decides what the healer does next
 * @param message what happened, for the journal and notifications
 * @param details small extra facts (object names, counts)
 */
public record ActionResult(Status status, String message, Map<String, String> details) {

  /** How an attempt ended, and what the healer does about it. */
  public enum Status {
    /** Done; the healer now verifies recovery within the step's deadline. */
    SUCCEEDED,
    /** Failed; the healer retries the step (with backoff) or escalates. */
    FAILED,
    /** Refused for now (e.g. a disruption budget said 429); retried with backoff, then escalated. */
    NOT_NOW,
    /** Cannot run here at all (not in a cluster, not the leader); the healer escalates at once. */
    UNAVAILABLE,
    /** Dry run: the action checked what it would do and did nothing. */
    DRY_RUN
  }

  public ActionResult {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(message, "message");
    details = Map.copyOf(details);
  }

  public static ActionResult succeeded(String message) {
    return new ActionResult(Status.SUCCEEDED, message, Map.of());
  }

  public static ActionResult failed(String message) {
    return new ActionResult(Status.FAILED, message, Map.of());
  }

  public static ActionResult notNow(String message) {
    return new ActionResult(Status.NOT_NOW, message, Map.of());
  }

  public static ActionResult unavailable(String message) {
    return new ActionResult(Status.UNAVAILABLE, message, Map.of());
  }

  public static ActionResult dryRun(String message) {
    return new ActionResult(Status.DRY_RUN, message, Map.of());
  }

  public ActionResult withDetails(Map<String, String> more) {
    Map<String, String> d = new java.util.LinkedHashMap<>(details);
    d.putAll(more);
    return new ActionResult(status, message, d);
  }
}
