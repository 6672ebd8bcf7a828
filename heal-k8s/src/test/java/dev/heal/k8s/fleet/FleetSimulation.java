package dev.heal.k8s.fleet;

import dev.heal.core.fleet.FleetState;
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

  record Settings(int replicas, double share, Duration ttl, double errorRate, long seed) {}

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
  final Map<String, Instant> grantedAt = new HashMap<>();

  FleetSimulation(Settings settings) {
    this.settings = settings;
    this.api = new FaultyApiServer(settings.errorRate(), settings.seed());
    this.client = api.client();
    this.sampler = api.client();
    this.capacity = FleetState.capacity(settings.replicas(), settings.share());
    api.faults(false);
    sampler.apps().deployments().inNamespace(NS).resource(new DeploymentBuilder()
        .withNewMetadata().withName("web").withNamespace(NS).endMetadata()
        .withNewSpec().withReplicas(settings.replicas())
        .withNewSelector().addToMatchLabels("app", "web").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("app:1").endContainer().endSpec()
        .endTemplate().endSpec().build()).create();
    api.faults(true);
    for (int i = 0; i < settings.replicas(); i++) {
      replicas.add(new Replica(String.format("web-%03d", i)));
    }
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
      this.guard = KubernetesFleetGuard.builder().client(client).workload(new WorkloadRef("Deployment", NS, "web"))
          .member(name).clock(clock).guard(g -> g.share(settings.share()).ttl(settings.ttl()).io(io)
              .publishEvery(Duration.ofSeconds(5)).backoff(Duration.ofMillis(200), Duration.ofSeconds(5))
              .seed(settings.seed()))
          .build();
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
