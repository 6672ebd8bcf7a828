package dev.heal.k8s;

import dev.heal.core.healer.Action;
import dev.heal.core.healer.ActionContext;
import dev.heal.core.healer.ActionResult;
import java.util.List;

/**
 * A heal-core {@link Action} that calls the Kubernetes API. Every cluster action runs only where
 * the environment allows it and only on the leader, supports dry-run (server-side where the API
 * has it), honours the attempt's timeout, records its decisions as Events and maps API errors to
 * outcomes the healer can escalate on:
 *
 * <table>
 *   <caption>API errors and outcomes</caption>
 *   <tr><th>API answer</th><th>status</th></tr>
 *   <tr><td>401, 403</td><td>UNAVAILABLE (RBAC: retrying will not help)</td></tr>
 *   <tr><td>404</td><td>UNAVAILABLE (gone; a deleted pod counts as restarted)</td></tr>
 *   <tr><td>409, 429</td><td>NOT_NOW (conflict or disruption budget: retry with backoff)</td></tr>
 *   <tr><td>5xx, connection refused, timeout</td><td>FAILED (retry, then escalate)</td></tr>
 * </table>
 *
 * <p>Implementations are thread-safe.
 */
public interface ClusterAction extends Action {

  /**
   * Runs one attempt. Never throws: every failure, API error and timeout is an outcome.
   */
  @Override
  ActionResult execute(ActionContext context);

  /** Exactly the RBAC permissions this action's API calls need. */
  List<RbacRule> requiredRules();

  @Override
  default boolean supportsDryRun() {
    return true;
  }
}
