package dev.heal.k8s;

import dev.heal.core.healer.Episode;
import dev.heal.core.healer.HealEvent;
import dev.heal.core.healer.HealerListener;
import dev.heal.core.healer.StepRecord;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records every healer decision as a {@code core/v1} Event on this pod, so that
 * {@code kubectl describe pod} and {@code kubectl get events} tell the healing story:
 * {@code HealEpisodeOpened}, {@code HealStepStarted}, {@code HealStepSucceeded} /
 * {@code HealStepFailed}, {@code HealVerificationFailed}, {@code HealEscalated},
 * {@code HealRecovered} / {@code HealGaveUp} / {@code HealBudgetExhausted} / {@code HealTimedOut},
 * {@code HealSuppressed}, {@code HealDegradation}. Repeats aggregate through
 * {@link KubernetesEvents}.
 *
 * <p>The healer calls listeners under its lock, so this listener only enqueues: one daemon
 * thread writes the Events; when its queue (256) is full new Events are dropped and counted in
 * {@link #dropped()}. Register with {@code healer.addListener(HealerEvents.onPod(events, env))};
 * close it to stop its thread. Thread-safe.
 */
public final class HealerEvents implements HealerListener, AutoCloseable {
  private final KubernetesEvents events;
  private final ObjectReference pod;
  private final ThreadPoolExecutor writer;
  private final AtomicLong dropped = new AtomicLong();

  private HealerEvents(KubernetesEvents events, ObjectReference pod) {
    this.events = events;
    this.pod = pod;
    this.writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(256), r -> {
      Thread t = new Thread(r, "heal-k8s-events");
      t.setDaemon(true);
      return t;
    }, new ThreadPoolExecutor.AbortPolicy());
  }

  /**
   * Events about this pod (from the Downward API environment).
   *
   * @throws IllegalStateException if not running in a cluster (nothing to attach Events to)
   */
  public static HealerEvents onPod(KubernetesEvents events, KubernetesEnvironment environment) {
    Objects.requireNonNull(events, "events");
    if (!environment.clusterActionsAvailable() || environment.podName().isEmpty() || environment.namespace().isEmpty()) {
      throw new IllegalStateException("healer Events need the pod's name and namespace (Downward API POD_NAME, "
          + "POD_NAMESPACE): " + environment);
    }
    return new HealerEvents(events, new ObjectReferenceBuilder().withApiVersion("v1").withKind("Pod")
        .withNamespace(environment.namespace().get()).withName(environment.podName().get()).build());
  }

  /** Events about {@code involved}, any object. */
  public static HealerEvents on(KubernetesEvents events, ObjectReference involved) {
    return new HealerEvents(Objects.requireNonNull(events, "events"), Objects.requireNonNull(involved, "involved"));
  }

  @Override
  public void onEvent(HealEvent event) {
    String reason;
    KubernetesEvents.Type type = KubernetesEvents.Type.NORMAL;
    switch (event.type()) {
      case EPISODE_OPENED -> {
        reason = "HealEpisodeOpened";
        type = KubernetesEvents.Type.WARNING;
      }
      case STEP_STARTED -> reason = "HealStepStarted";
      case STEP_FINISHED -> {
        StepRecord last = event.stepRecord().orElse(null);
        boolean ok = last != null && last.status().map(s -> s.name().equals("SUCCEEDED") || s.name().equals("DRY_RUN"))
            .orElse(false);
        reason = ok ? "HealStepSucceeded" : "HealStepFailed";
        type = ok ? KubernetesEvents.Type.NORMAL : KubernetesEvents.Type.WARNING;
      }
      case VERIFICATION_FAILED -> {
        reason = "HealVerificationFailed";
        type = KubernetesEvents.Type.WARNING;
      }
      case ESCALATED -> {
        reason = "HealEscalated";
        type = KubernetesEvents.Type.WARNING;
      }
      case EPISODE_CLOSED -> {
        String outcome = event.episode().flatMap(Episode::outcome).map(Enum::name).orElse("UNKNOWN");
        reason = switch (outcome) {
          case "RECOVERED" -> "HealRecovered";
          case "GAVE_UP" -> "HealGaveUp";
          case "BUDGET_EXHAUSTED" -> "HealBudgetExhausted";
          case "TIMED_OUT" -> "HealTimedOut";
          default -> "HealEpisodeClosed";
        };
        type = "RECOVERED".equals(outcome) ? KubernetesEvents.Type.NORMAL : KubernetesEvents.Type.WARNING;
      }
      case BUDGET_EXHAUSTED -> {
        reason = "HealBudgetExhausted";
        type = KubernetesEvents.Type.WARNING;
      }
      case SUPPRESSED -> reason = "HealSuppressed";
      case DEGRADATION_CHANGED -> {
        reason = "HealDegradation";
        type = KubernetesEvents.Type.WARNING;
      }
      case FLEET_REFUSED -> {
        reason = "HealFleetRefused";
        type = KubernetesEvents.Type.WARNING;
      }
      default -> {
        return; // joins and ignored signals stay in the journal only
      }
    }
    String message = event.episode().map(e -> e.id() + " (" + e.plan() + ", target " + e.target() + "): ").orElse("")
        + event.message() + event.episode().filter(Episode::dryRun).map(e -> " [dry run]").orElse("");
    KubernetesEvents.Type t = type;
    try {
      writer.execute(() -> events.record(pod, t, reason, message));
    } catch (RejectedExecutionException e) {
      dropped.incrementAndGet();
    }
  }


  /** Events dropped because the writer's queue was full. */
  public long dropped() {
    return dropped.get();
  }

  /** Waits up to {@code timeout} for queued Events to be written (tests, shutdown). */
  public boolean flush(java.time.Duration timeout) throws InterruptedException {
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
    writer.execute(done::countDown);
    return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    writer.shutdown();
  }
}
