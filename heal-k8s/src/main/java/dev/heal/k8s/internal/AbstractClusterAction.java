package dev.heal.k8s.internal;

import dev.heal.core.healer.ActionContext;
import dev.heal.core.healer.ActionResult;
import dev.heal.k8s.ClusterAction;
import dev.heal.k8s.KubernetesEvents;
import dev.heal.k8s.RbacRule;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The template every cluster action follows: environment check, leader check, a deadline from the
 * attempt's timeout checked before every API call, a leader re-check before every mutating call,
 * and API errors mapped by {@link ApiErrors}. Subclasses implement {@link #perform(Run)} and
 * {@link #actionRules()}; the ledger and event rules every action needs are added here.
 */
public abstract class AbstractClusterAction implements ClusterAction {
  private static final Logger log = LoggerFactory.getLogger(AbstractClusterAction.class);

  protected final Cluster cluster;
  private final String name;

  protected AbstractClusterAction(Cluster cluster, String name) {
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    this.name = Objects.requireNonNull(name, "name");
  }

  @Override
  public final String name() {
    return name;
  }

  /** The rules of {@link #actionRules()} plus the ledger and events every cluster action uses. */
  @Override
  public final List<RbacRule> requiredRules() {
    List<RbacRule> rules = new ArrayList<>(actionRules());
    rules.addAll(Rules.LEDGER);
    rules.addAll(Rules.EVENTS);
    return List.copyOf(rules);
  }

  /** The RBAC rules this action's own API calls need. */
  protected abstract List<RbacRule> actionRules();

  /** The answer when an action needs this pod's name and the Downward API did not give it. */
  protected final ActionResult podNameUnknown() {
    return ActionResult.unavailable(name + ": this pod's name is unknown; set POD_NAME from "
        + "the Downward API (fieldRef metadata.name)");
  }

  @Override
  public final ActionResult execute(ActionContext context) {
    var reason = cluster.environment().unavailableReason();
    if (reason.isPresent()) {
      return ActionResult.unavailable(name + ": " + reason.get());
    }
    if (!cluster.leadership().isLeader()) {
      return notLeader();
    }
    Run run;
    try {
      run = new Run(context);
    } catch (RuntimeException e) {
      return ApiErrors.map(e, name + ": preparing the API client");
    }
    try {
      ActionResult result = perform(run);
      log.debug("heal-k8s: {} [{} attempt {}] -> {}: {}", name, context.episodeId(),
          context.attempt(), result.status(), result.message());
      return result;
    } catch (NotLeader e) {
      return notLeader();
    } catch (DeadlineExceeded e) {
      ActionResult r = ActionResult.failed(name + ": timed out after " + context.timeout()
          + " before " + e.getMessage());
      run.warn("HealActionTimedOut", r.message());
      return r;
    } catch (RuntimeException e) {
      ActionResult r = ApiErrors.map(e, run.step);
      run.warn("HealActionFailed", name + ": " + r.message());
      return r;
    }
  }

  private ActionResult notLeader() {
    return ActionResult.unavailable(name + ": not the leader"
        + cluster.leadership().leader().map(l -> " (the leader is " + l + ")").orElse("")
        + "; cluster actions run only on the leader");
  }

  /** Does the work; may throw API exceptions, which are mapped. */
  protected abstract ActionResult perform(Run run);

  /** Thrown when leadership is lost before a mutating call. */
  static final class NotLeader extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotLeader() {
      super(null, null, false, false);
    }
  }

  /** Thrown when the attempt's timeout passed before a call. */
  static final class DeadlineExceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DeadlineExceeded(String step) {
      super(step, null, false, false);
    }
  }

  /** One attempt: its context, a client with the attempt's request timeout, the deadline. */
  protected final class Run {
    public final ActionContext context;
    public final KubernetesClient client;
    private final long startNanos;
    private String step = "start";
    private ObjectReference involved;

    Run(ActionContext context) {
      this.context = context;
      this.startNanos = context.clock().nanoTime();
      long ms = Math.max(1, Math.min(Integer.MAX_VALUE, context.timeout().toMillis()));
      // Retries belong to the healer (with backoff and escalation), not to the HTTP client.
      this.client = cluster.client()
          .newClient(new RequestConfigBuilder()
              .withRequestTimeout((int) ms)
              .withRequestRetryBackoffLimit(0)
              .build())
          .adapt(KubernetesClient.class);
    }

    /** Names the next API call and checks the deadline before it. */
    public void step(String description) {
      this.step = description;
      Duration elapsed = context.clock().since(startNanos);
      if (elapsed.compareTo(context.timeout()) > 0) {
        throw new DeadlineExceeded(description);
      }
    }

    /** Like {@link #step} for a call that changes the cluster: also re-checks leadership. */
    public void mutatingStep(String description) {
      step(description);
      if (!cluster.leadership().isLeader()) {
        throw new NotLeader();
      }
    }

    /** The object the attempt is about, for Events. */
    public void involve(ObjectReference ref) {
      this.involved = ref;
    }

    public boolean dryRun() {
      return context.dryRun();
    }

    public void normal(String reason, String message) {
      record(KubernetesEvents.Type.NORMAL, reason, message);
    }

    public void warn(String reason, String message) {
      record(KubernetesEvents.Type.WARNING, reason, message);
    }

    private void record(KubernetesEvents.Type type, String reason, String message) {
      if (involved != null) {
        cluster.events().record(involved, type, reason, message + suffix());
      }
    }

    private String suffix() {
      // No attempt number: repeats within an episode aggregate into one Event with a count.
      return " [episode " + context.episodeId() + ", step " + context.step()
          + (context.dryRun() ? ", dry run" : "") + "]";
    }

    public ActionResult result(ActionResult r, Map<String, String> details) {
      return r.withDetails(details);
    }
  }
}
