package dev.heal.k8s.fleet;

import dev.heal.core.fleet.FleetSize;
import dev.heal.core.fleet.FleetState;
import dev.heal.core.fleet.spi.FleetStore;
import dev.heal.core.fleet.StoreFleetGuard;
import dev.heal.core.health.CheckKind;
import dev.heal.core.health.HealthCheckConfig;
import dev.heal.core.health.HealthRegistry;
import dev.heal.core.health.HealthResult;
import dev.heal.core.health.HealthStatus;
import dev.heal.core.healer.Action;
import dev.heal.core.healer.Actions;
import dev.heal.core.healer.HealEvent;
import dev.heal.core.healer.Healer;
import dev.heal.core.healer.RecoveryPlan;
import dev.heal.core.healer.Trigger;
import dev.heal.core.time.InlineExecutorService;
import dev.heal.core.time.ManualClock;
import dev.heal.k8s.KubernetesFleetGuard;
import dev.heal.k8s.WorkloadRef;
import dev.heal.k8s.internal.ConfigMapFleetStore;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executor;

/**
 * N replicas of one Deployment in one JVM, each with its own {@link HealthRegistry}, {@link Healer}
 * and {@link KubernetesFleetGuard} (its own ConfigMap store and retry state), against one
 * {@link FaultyApiServer} (fabric8's mock in CRUD mode, faults injected), in virtual time: one
 * {@link ManualClock} for everything, advanced in 250 ms steps. A replica's API calls run as clock
 * tasks, each load and each save a task of its own, so the replicas' calls interleave and
 * conflict as they would on a real API server. The HTTP client is shared (one connection pool for
 * the JVM, as N real pods would each have one); everything above it is per replica.
 *
 * <p>Every replica has two plans: {@code db} (a shared dependency) drains unless the symptom is
 * fleet-wide ({@code unlessFleetWide(0.5)}), then pages; {@code local} drains and restarts the
 * broken worker (back 5 s later), waiting for a fleet slot when every slot is held. Checks run
 * every second and count after two failures.
 *
 * <p>Invariants, checked after every step and whenever a drain begins: no more replicas drained
 * (readiness forced DOWN) than the guard's capacity; no more replicas believe they hold a slot
 * than the capacity; every drained replica holds a live slot in the ConfigMap (read through the
 * API, unfaulted); the ConfigMap never lists more live holders than the capacity.
 */
final class FleetSimulation implements AutoCloseable {
  static final String NS = "shop";
  static final Duration STEP = Duration.ofMillis(250);
  static final Duration RESTART = Duration.ofSeconds(5);

  /** How the replicas' store reports the fleet: as heal-k8s does, or a deliberately broken count. */
  enum Count {
    /** {@code ConfigMapFleetStore} as it is: desired and {@code status.readyReplicas}. */
    AS_BUILT,
    /** Broken: the old formula, every desired replica counts as ready. */
    DESIRED,
    /** Broken: every holder counts as unready ({@code ready + holders}), so a still-ready holder counts twice. */
    READY_PLUS_HOLDERS
  }

  /**
   * @param down replicas down from the start for reasons of their own (crash-looping: no healer, never ready)
   * @param count how the replicas' store reports the fleet size
   */
  record Settings(int replicas, double share, Duration ttl, double errorRate, long seed, int down, Count count) {
    Settings(int replicas, double share, Duration ttl, double errorRate, long seed) {
      this(replicas, share, ttl, errorRate, seed, 0, Count.AS_BUILT);
    }
  }

  /** How long the workload's {@code status.readyReplicas} lags the pods' readiness (kubelet probe + controller). */
  static final Duration STATUS_LAG = Duration.ofSeconds(2);

  final Settings settings;
  final ManualClock clock = new ManualClock();
  final FaultyApiServer api;
  final KubernetesClient client;
  final KubernetesClient sampler;
  final List<Replica> replicas = new ArrayList<>();
  final List<String> violations = new ArrayList<>();
  final int capacity;
  int maxDrained;
  int maxHolders;
  /** Fewest replicas serving (alive and ready) at any sampled instant. */
  int minServing = Integer.MAX_VALUE;
  private final java.util.ArrayDeque<Integer> readyHistory = new java.util.ArrayDeque<>();
  private int publishedReady = -1;
  final Map<String, Instant> grantedAt = new HashMap<>();

  FleetSimulation(Settings settings) {
    this.settings = settings;
    this.api = new FaultyApiServer(settings.errorRate(), settings.seed());
    this.client = api.client();
    this.sampler = api.client();
    this.capacity = FleetState.capacity(settings.replicas() - settings.down(), settings.share());
    api.faults(false);
    sampler.apps().deployments().inNamespace(NS).resource(new DeploymentBuilder()
        .withNewMetadata().withName("web").withNamespace(NS).addToLabels("app", "web").endMetadata()
        .withNewSpec().withReplicas(settings.replicas())
        .withNewSelector().addToMatchLabels("app", "web").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("app:1").endContainer().endSpec()
        .endTemplate().endSpec().build()).create();
    api.faults(true);
    for (int i = 0; i < settings.replicas(); i++) {
      replicas.add(new Replica(String.format("web-%03d", i)));
    }
    // The last `down` replicas crash-loop from the start: never ready, no healer.
    replicas.subList(settings.replicas() - settings.down(), settings.replicas()).forEach(Replica::crash);
    controller(true);
  }

  /** Replicas alive and ready now. */
  int servingNow() {
    return (int) replicas.stream().filter(r -> !r.dead && r.registry.status(CheckKind.READINESS) != HealthStatus.DOWN)
        .count();
  }

  /**
   * Plays the kubelet and the Deployment controller: writes {@code status.readyReplicas} as the
   * pods' readiness was {@link #STATUS_LAG} ago (an uncounted, unfaulted {@code /status} write,
   * only when it changes).
   */
  private void controller(boolean now) {
    readyHistory.addLast(servingNow());
    long lagSteps = STATUS_LAG.toMillis() / STEP.toMillis();
    while (readyHistory.size() > lagSteps + 1) {
      readyHistory.removeFirst();
    }
    int ready = now ? readyHistory.peekLast() : readyHistory.peekFirst();
    if (ready == publishedReady) {
      return;
    }
    io.fabric8.kubernetes.api.model.apps.Deployment d = sampler.apps().deployments().inNamespace(NS)
        .withLabel("app", "web").list().getItems().get(0);
    d.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder().withReplicas(settings.replicas())
        .withReadyReplicas(ready).build());
    sampler.apps().deployments().inNamespace(NS).resource(d).updateStatus();
    publishedReady = ready;
  }

  /** The fleet guard of {@code name}: heal-k8s's as built, or one over a deliberately broken count. */
  private StoreFleetGuard guard(String name, Executor io) {
    java.util.function.Consumer<StoreFleetGuard.Builder> g = b -> b.share(settings.share()).ttl(settings.ttl()).io(io)
        .publishEvery(Duration.ofSeconds(5)).backoff(Duration.ofMillis(200), Duration.ofSeconds(5))
        .seed(settings.seed());
    WorkloadRef web = new WorkloadRef("Deployment", NS, "web");
    if (settings.count() == Count.AS_BUILT) {
      return KubernetesFleetGuard.builder().client(client).workload(web).member(name).clock(clock).guard(g).build();
    }
    ConfigMapFleetStore real = new ConfigMapFleetStore(client, NS, KubernetesFleetGuard.configMapName(web), web, clock,
        Duration.ofSeconds(30));
    FleetStore broken = new FleetStore() {
      private FleetState last = FleetState.EMPTY;

      @Override
      public Versioned load() {
        Versioned v = real.load();
        last = v.state();
        return v;
      }

      @Override
      public boolean save(FleetState next, String expectedVersion) {
        return real.save(next, expectedVersion);
      }

      @Override
      public FleetSize size() {
        FleetSize s = real.size();
        int holders = last.holders(clock.now()).size();
        return new FleetSize(s.desired(), settings.count() == Count.DESIRED ? s.desired()
            : Math.min(s.desired(), s.ready() + holders));
      }

      @Override
      public java.util.Optional<Duration> retryDelay(RuntimeException failure) {
        return real.retryDelay(failure);
      }
    };
    StoreFleetGuard.Builder b = StoreFleetGuard.builder();
    g.accept(b);
    return b.store(broken).member(name).clock(clock).build();
  }

  /** One pod: its checks, its healer, its fleet guard. */
  final class Replica {
    final String name;
    final HealthRegistry registry;
    final Healer healer;
    final StoreFleetGuard guard;
    final List<HealEvent> events = new ArrayList<>();
    volatile boolean dbDown;
    volatile boolean localFault;
    Instant workerBackAt;
    boolean dead;
    Instant repairedAt;
    int drains;

    Replica(String name) {
      this.name = name;
      Executor io = task -> {
        if (!dead) {
          clock.schedule(Duration.ZERO, () -> {
            if (!dead) {
              task.run();
            }
          });
        }
      };
      this.guard = guard(name, io);
      this.registry = HealthRegistry.builder().clock(clock).executor(new InlineExecutorService()).build();
      registry.register(HealthCheckConfig.builder("db").liveness().interval(Duration.ofSeconds(1))
          .failureThreshold(2).build(), () -> dbDown ? HealthResult.down("db unreachable") : HealthResult.up());
      registry.register(HealthCheckConfig.builder("local").liveness().interval(Duration.ofSeconds(1))
          .failureThreshold(2).build(), this::local);
      // The restarted worker is back after RESTART; until then the check still fails.
      Action restartWorker = Action.run("restart-worker", () -> workerBackAt = clock.now().plus(RESTART));
      this.healer = Healer.builder().clock(clock).executor(new InlineExecutorService()).eventExecutor(Runnable::run)
          .health(registry).fleetGuard(guard).seed(settings.seed() ^ name.hashCode())
          .plan(RecoveryPlan.when(Trigger.check("db").isDown()).named("db").unlessFleetWide(0.5)
              .then(Actions.drain(registry)).verifyWithin(Duration.ofSeconds(20))
              .escalateTo(Action.run("page-db", () -> { })).build())
          .plan(RecoveryPlan.when(Trigger.check("local").isDown()).named("local").waitForFleetSlot()
              .then(Actions.sequence("drain-and-restart", Actions.drain(registry), restartWorker))
              .attempts(8).backoff(Duration.ofSeconds(2)).verifyWithin(Duration.ofSeconds(10))
              .escalateTo(Action.run("page-local", () -> { })).build())
          .listener(this::heard)
          .build();
      registry.start();
    }

    private void heard(HealEvent e) {
      events.add(e);
      if (e.type() == HealEvent.Type.STEP_STARTED && e.stepRecord().map(r -> r.action().startsWith("drain"))
          .orElse(false)) {
        drains++;
        grantedAt.putIfAbsent(name, clock.now());
        FleetState s = read();
        if (!s.holds(name, e.episode().orElseThrow().id(), clock.now())) {
          violations.add(clock.elapsed() + ": " + name + " drains in " + e.episode().get().id()
              + " without a slot in the ConfigMap " + s.slots().keySet());
        }
      }
    }

    private HealthResult local() {
      if (localFault && workerBackAt != null && !clock.now().isBefore(workerBackAt)) {
        localFault = false;
        workerBackAt = null;
        repairedAt = clock.now();
      }
      return localFault ? HealthResult.down("worker stuck") : HealthResult.up();
    }

    boolean drained() {
      return !dead && registry.status(CheckKind.READINESS) == HealthStatus.DOWN;
    }

    /** The process is gone: its checks and healer stop, and it makes no API call again (no release either). */
    void crash() {
      dead = true;
      registry.close();
      healer.close();
    }
  }

  /** The fleet state as the API server has it (an unfaulted, uncounted read). */
  FleetState read() {
    List<ConfigMap> l = sampler.configMaps().inNamespace(NS).withLabel("app.kubernetes.io/managed-by", "heal")
        .list().getItems();
    return l.isEmpty() ? FleetState.EMPTY : ConfigMapFleetStore.decode(l.get(0).getData());
  }

  /** Advances virtual time by {@code d}, checking the invariants after each step. */
  void run(Duration d) {
    for (long t = 0; t < d.toMillis(); t += STEP.toMillis()) {
      clock.advance(STEP);
      controller(false);
      check();
    }
  }

  void check() {
    int drained = 0;
    int believers = 0;
    for (Replica r : replicas) {
      if (r.drained()) {
        drained++;
      }
      if (!r.dead && !r.guard.held().isEmpty()) {
        believers++;
      }
    }
    List<String> holders = read().holders(clock.now());
    maxDrained = Math.max(maxDrained, drained);
    maxHolders = Math.max(maxHolders, holders.size());
    int serving = servingNow();
    minServing = Math.min(minServing, serving);
    // The formula with the replicas that would serve without heal: ready ones plus holders heal took out.
    int heldOut = (int) replicas.stream().filter(r -> holders.contains(r.name) && (r.dead
        || r.registry.status(CheckKind.READINESS) == HealthStatus.DOWN)).count();
    int allowed = FleetState.capacity(serving + heldOut, settings.share());
    if (holders.size() > allowed) {
      violations.add(clock.elapsed() + ": " + holders.size() + " replicas hold slots, max(1, floor(share × serving))"
          + " allows " + allowed + " (" + serving + " ready + " + heldOut + " held out)");
    }
    if (drained > capacity) {
      violations.add(clock.elapsed() + ": " + drained + " replicas drained, the guard allows " + capacity);
    }
    if (believers > capacity) {
      violations.add(clock.elapsed() + ": " + believers + " replicas believe they hold a slot, capacity " + capacity);
    }
    if (holders.size() > capacity) {
      violations.add(clock.elapsed() + ": the ConfigMap lists " + holders + " as holders, capacity " + capacity);
    }
  }

  /** Events of {@code type} whose message contains {@code text}, over all replicas. */
  long count(HealEvent.Type type, String text) {
    return replicas.stream().flatMap(r -> r.events.stream())
        .filter(e -> e.type() == type && e.message().contains(text)).count();
  }

  Set<String> drainedEver() {
    Set<String> s = new TreeSet<>();
    replicas.stream().filter(r -> r.drains > 0).forEach(r -> s.add(r.name));
    return s;
  }

  @Override
  public void close() {
    for (Replica r : replicas) {
      r.healer.close();
      r.registry.close();
    }
    client.close();
    sampler.close();
    api.close();
  }
}
