package dev.heal.k8s;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectorBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lease-based leader election among the replicas of a service, on fabric8's {@link LeaderElector}
 * with a {@link LeaseLock} ({@code coordination.k8s.io/v1} Lease). Only the leader runs cluster
 * actions, so N replicas that notice the same problem do one thing once.
 *
 * <p>{@link #start()} runs the elector on one daemon thread of its own; {@link #close()} stops it
 * and releases the lease so another replica takes over without waiting for it to expire.
 * Durations are wall-clock spans on the API server's terms: {@code leaseDuration > renewDeadline
 * > retryPeriod}. Thread-safe.
 */
public final class KubernetesLeaderElection implements Leadership, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KubernetesLeaderElection.class);

  private final KubernetesClient client;
  private final String namespace;
  private final String leaseName;
  private final String identity;
  private final Duration leaseDuration;
  private final Duration renewDeadline;
  private final Duration retryPeriod;
  private final Object lock = new Object();
  private volatile boolean leader;
  private volatile String currentLeader;
  private ExecutorService executor;
  private LeaderElector elector;
  private CompletableFuture<?> running;

  private KubernetesLeaderElection(Builder b) {
    this.client = b.client;
    this.namespace = b.namespace;
    this.leaseName = b.leaseName;
    this.identity = b.identity;
    this.leaseDuration = b.leaseDuration;
    this.renewDeadline = b.renewDeadline;
    this.retryPeriod = b.retryPeriod;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts competing for the lease; returns at once. Idempotent. */
  public KubernetesLeaderElection start() {
    synchronized (lock) {
      if (running != null) {
        return this;
      }
      executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "heal-k8s-leader-" + leaseName);
        t.setDaemon(true);
        return t;
      });
      elector = new LeaderElectorBuilder(client, executor)
          .withConfig(new LeaderElectionConfigBuilder()
              .withName(leaseName)
              .withLock(new LeaseLock(namespace, leaseName, identity))
              .withLeaseDuration(leaseDuration)
              .withRenewDeadline(renewDeadline)
              .withRetryPeriod(retryPeriod)
              .withReleaseOnCancel(true)
              .withLeaderCallbacks(new LeaderCallbacks(this::onStart, this::onStop, this::onNewLeader))
              .build())
          .build();
      running = elector.start();
      log.debug("heal-k8s: {} competes for lease {}/{}", identity, namespace, leaseName);
      return this;
    }
  }

  @Override
  public boolean isLeader() {
    return leader;
  }

  @Override
  public Optional<String> leader() {
    return Optional.ofNullable(currentLeader).filter(s -> !s.isEmpty());
  }

  /** This replica's identity in the lease. */
  public String identity() {
    return identity;
  }

  /**
   * Stops competing and, if this replica leads, gives the lease up so another replica can take
   * over at its next retry. Further cluster actions on this replica answer "not the leader".
   */
  @Override
  public void close() {
    synchronized (lock) {
      leader = false;
      if (running == null) {
        return;
      }
      running.cancel(true);
      try {
        elector.release();
      } catch (RuntimeException e) {
        log.warn("heal-k8s: could not release lease {}/{}: {}", namespace, leaseName, e.toString());
      }
      executor.shutdownNow();
      running = null;
    }
  }

  private void onStart() {
    leader = true;
    log.warn("heal-k8s: {} is now the leader (lease {}/{})", identity, namespace, leaseName);
  }

  private void onStop() {
    leader = false;
    log.warn("heal-k8s: {} stopped leading (lease {}/{})", identity, namespace, leaseName);
  }

  private void onNewLeader(String id) {
    currentLeader = id;
    log.debug("heal-k8s: lease {}/{} is held by {}", namespace, leaseName, id);
  }

  @Override
  public String toString() {
    return "KubernetesLeaderElection[" + namespace + "/" + leaseName + ", " + identity
        + (leader ? ", leader]" : "]");
  }

  /** Builds a {@link KubernetesLeaderElection}. Not thread-safe. */
  public static final class Builder {
    private KubernetesClient client;
    private String namespace;
    private String leaseName = "heal-leader";
    private String identity;
    private Duration leaseDuration = Duration.ofSeconds(15);
    private Duration renewDeadline = Duration.ofSeconds(10);
    private Duration retryPeriod = Duration.ofSeconds(2);

    private Builder() {}

    public Builder client(KubernetesClient client) {
      this.client = client;
      return this;
    }

    /** The namespace of the Lease; usually the pod's own. */
    public Builder namespace(String namespace) {
      this.namespace = namespace;
      return this;
    }

    /** The Lease's name, shared by all replicas of one service. Default {@code heal-leader}. */
    public Builder leaseName(String leaseName) {
      this.leaseName = leaseName;
      return this;
    }

    /** This replica's identity, unique among replicas; usually the pod name. */
    public Builder identity(String identity) {
      this.identity = identity;
      return this;
    }

    /** How long a lease is valid without renewal. Default 15 s. */
    public Builder leaseDuration(Duration leaseDuration) {
      this.leaseDuration = leaseDuration;
      return this;
    }

    /** How long the leader keeps trying to renew before it steps down. Default 10 s. */
    public Builder renewDeadline(Duration renewDeadline) {
      this.renewDeadline = renewDeadline;
      return this;
    }

    /** How often to try to acquire or renew. Default 2 s. */
    public Builder retryPeriod(Duration retryPeriod) {
      this.retryPeriod = retryPeriod;
      return this;
    }

    /** Fills namespace and identity from the environment (namespace and pod name). */
    public Builder environment(KubernetesEnvironment environment) {
      environment.namespace().ifPresent(ns -> this.namespace = ns);
      environment.podName().ifPresent(p -> this.identity = p);
      return this;
    }

    public KubernetesLeaderElection build() {
      Objects.requireNonNull(client, "client must be set");
      if (namespace == null || namespace.isBlank()) {
        throw new IllegalArgumentException("namespace must be set (the Lease's namespace)");
      }
      if (leaseName == null || leaseName.isBlank()) {
        throw new IllegalArgumentException("leaseName must not be blank");
      }
      if (identity == null || identity.isBlank()) {
        throw new IllegalArgumentException("identity must be set (unique per replica, e.g. POD_NAME)");
      }
      requirePositive(leaseDuration, "leaseDuration");
      requirePositive(renewDeadline, "renewDeadline");
      requirePositive(retryPeriod, "retryPeriod");
      if (renewDeadline.compareTo(leaseDuration) >= 0) {
        throw new IllegalArgumentException("renewDeadline (" + renewDeadline
            + ") must be shorter than leaseDuration (" + leaseDuration + ")");
      }
      // fabric8 adds up to 20 % jitter to the retry period; keep it inside the renew deadline.
      if (retryPeriod.multipliedBy(12).dividedBy(10).compareTo(renewDeadline) >= 0) {
        throw new IllegalArgumentException("retryPeriod (" + retryPeriod
            + ") plus 20 % jitter must be shorter than renewDeadline (" + renewDeadline + ")");
      }
      return new KubernetesLeaderElection(this);
    }

    private static void requirePositive(Duration d, String name) {
      if (d == null || d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(name + " must be positive, was " + d);
      }
    }
  }
}
