package dev.heal.k8s.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heal.core.time.ManualClock;
import dev.heal.k8s.DisruptionBudget;
import dev.heal.k8s.fleet.FaultyApiServer;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The disruption ledger (DisruptionGuard over ConfigMapLedgerStore) against fabric8's CRUD mock
 * behind {@link FaultyApiServer}: 409s that did not apply, 429 with Retry-After, 500/503, and
 * writes that applied but answered 504. Waits between retries are virtual (a pause that moves a
 * counter or a ManualClock), so nothing sleeps. Checked from the ConfigMap's own state: every
 * granted disruption is recorded exactly once, never more than the budget allows; a permanently
 * failing API is refused after bounded tries. Two deliberately broken stores show the checks bite.
 */
class LedgerUnderApiErrorsTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final String NS = "shop";
  static final DisruptionBudget BUDGET = DisruptionBudget.builder().maxDisruptionsPerWindow(3)
      .window(Duration.ofMinutes(10)).maxUnavailableShare(1.0).build();
  static final List<String> WORKLOADS = List.of("Deployment/web", "Deployment/api", "StatefulSet/db");

  /** What a run of replicas granted, and what the ConfigMap says afterwards. */
  record Outcome(List<Instant> granted, Ledger stored, List<String> refusals) {
    List<Instant> granted(String workload, int replicas, int tries) {
      return granted.stream().filter(t -> workloadOf(t, replicas, tries).equals(workload)).sorted().toList();
    }
  }

  @Test
  void concurrentReplicasNeverExceedTheBudgetNorRecordADisruptionTwiceUnderApiErrors() throws Exception {
    for (long seed : new long[] {1, 2, 3}) {
      try (FaultyApiServer api = new FaultyApiServer(0.3, seed)) {
        Outcome o = replicas(api, 4, 12, ConfigMapLedgerStore::new);
        assertThat(api.injected()).as("faults injected (seed %d)", seed).isGreaterThan(20);
        assertBudgetKept(o, 4, 12);
        for (String w : WORKLOADS) {
          assertThat(o.granted(w, 4, 12)).as("the budget of %s is used despite the errors (seed %d)", w, seed)
              .hasSize(3);
        }
      }
    }
  }

  @Test
  void aWriteThatAppliedButAnswered504IsCountedOnce() {
    try (FaultyApiServer api = new FaultyApiServer(0, 1)) {
      KubernetesClient c = api.client();
      DisruptionGuard g = guard(c, d -> { });
      api.script("ok", "504"); // the read, then the write: applied, answered 504
      assertThat(g.reserve("Deployment/web", T0, 5, 1).granted()).isTrue();
      assertThat(stored(api).disruptions().get("Deployment/web")).containsExactly(T0);
      c.close();
    }
  }

  @Test
  void aStoreThatTreatsAnApplied504AsNotAppliedIsCaught() throws Exception {
    // Deterministic: the same one-write scenario as above, with a store that does not read back.
    try (FaultyApiServer api = new FaultyApiServer(0, 1)) {
      KubernetesClient c = api.client();
      DisruptionGuard g = new DisruptionGuard(BUDGET, new NoReadBackStore(c), d -> { });
      api.script("ok", "504");
      assertThat(g.reserve("Deployment/web", T0, 5, 1).granted()).isTrue();
      assertThat(stored(api).disruptions().get("Deployment/web")).as("one grant, recorded twice")
          .containsExactly(T0, T0);
      c.close();
    }
    // And the concurrent run's check catches it: every write applies but answers 504 (reads pass),
    // so the outcome does not depend on how the threads interleave.
    try (FaultyApiServer api = new FaultyApiServer(0, 1)) {
      api.failAll("504");
      assertBudgetKept(replicas(api, 3, 2, ConfigMapLedgerStore::new), 3, 2);
    }
    try (FaultyApiServer api = new FaultyApiServer(0, 1)) {
      api.failAll("504");
      Outcome o = replicas(api, 3, 2, (c, ns, name, pause) -> new NoReadBackStore(c));
      assertThat(budgetViolations(o, 3, 2)).as("violations of the broken store").isNotEmpty()
          .anyMatch(v -> v.contains("recorded but not granted"));
    }
  }

  @Test
  void aStoreThatSkipsTheResourceVersionCheckIsCaught() {
    // Deterministic schedule: replica B reserves between replica A's read and A's write.
    Function<Function<KubernetesClient, LedgerStore>, Outcome> run = storeOf -> {
      try (FaultyApiServer api = new FaultyApiServer(0, 1)) {
        KubernetesClient a = api.client();
        KubernetesClient b = api.client();
        DisruptionBudget one = DisruptionBudget.builder().maxDisruptionsPerWindow(1)
            .window(Duration.ofMinutes(10)).maxUnavailableShare(1.0).build();
        DisruptionGuard guardB = new DisruptionGuard(one, storeOf.apply(b), d -> { });
        List<Instant> granted = Collections.synchronizedList(new ArrayList<>());
        LedgerStore storeA = storeOf.apply(a);
        LedgerStore interleaved = new LedgerStore() {
          boolean once = true;

          @Override
          public Versioned load() {
            Versioned v = storeA.load();
            if (once) {
              once = false;
              if (guardB.reserve("Deployment/web", T0, 5, 1).granted()) {
                granted.add(T0);
              }
            }
            return v;
          }

          @Override
          public boolean save(Ledger ledger, String expectedVersion) {
            return storeA.save(ledger, expectedVersion);
          }
        };
        DisruptionGuard guardA = new DisruptionGuard(one, interleaved, d -> { });
        DisruptionGuard.Decision d = guardA.reserve("Deployment/web", T0.plusSeconds(1), 5, 1);
        if (d.granted()) {
          granted.add(T0.plusSeconds(1));
        }
        Outcome o = new Outcome(granted, stored(api), List.of(d.reason()));
        a.close();
        b.close();
        return o;
      }
    };
    Outcome good = run.apply(c -> new ConfigMapLedgerStore(c, NS, BUDGET.ledgerName()));
    assertThat(good.granted()).containsExactly(T0);
    assertThat(good.refusals().get(0)).contains("disrupted 1 time(s)");
    assertThat(good.stored().disruptions().get("Deployment/web")).containsExactly(T0);

    Outcome broken = run.apply(c -> new BlindOverwriteStore(new ConfigMapLedgerStore(c, NS, BUDGET.ledgerName())));
    assertThat(broken.granted()).as("two grants with a limit of one").hasSize(2);
    assertThat(broken.stored().disruptions().get("Deployment/web")).as("B's grant was lost")
        .containsExactly(T0.plusSeconds(1));
  }

  @Test
  void a429sRetryAfterIsWaitedInVirtualTime() {
    try (FaultyApiServer api = new FaultyApiServer(0, 1)) {
      ManualClock clock = new ManualClock(T0);
      List<Duration> at = Collections.synchronizedList(new ArrayList<>());
      api.onRequest(() -> at.add(clock.elapsed()));
      KubernetesClient c = api.client();
      DisruptionGuard g = guard(c, clock::advance);
      api.script("429:3", "ok", "429:2"); // read refused (3 s), read, write refused (2 s), read, write
      assertThat(g.reserve("Deployment/web", T0, 5, 1).granted()).isTrue();
      assertThat(at).containsExactly(Duration.ZERO, Duration.ofSeconds(3), Duration.ofSeconds(3),
          Duration.ofSeconds(5), Duration.ofSeconds(5));
      assertThat(stored(api).disruptions().get("Deployment/web")).containsExactly(T0);
      c.close();
    }
  }

  @Test
  void aPermanentlyFailingApiIsRefusedClearlyAfterBoundedTries() {
    try (FaultyApiServer api = new FaultyApiServer(0, 1)) {
      ManualClock clock = new ManualClock(T0);
      KubernetesClient c = api.client();
      DisruptionGuard g = guard(c, clock::advance);
      api.failAll("503");
      DisruptionGuard.Decision d = g.reserve("Deployment/web", T0, 5, 1);
      assertThat(d.granted()).isFalse();
      assertThat(d.reason()).contains("heal-k8s-ledger").contains("API server error (503)")
          .contains(ApiRetry.MAX_ERRORS + " tries, giving up; not disrupting");
      assertThat(api.requests()).isEqualTo(ApiRetry.MAX_ERRORS);
      assertThat(clock.elapsed()).as("backoff 0.1+0.2+0.4+0.8+1.6 s").isEqualTo(Duration.ofMillis(3100));

      api.failAll("429:60");
      assertThat(g.reserve("Deployment/web", T0, 5, 1).reason()).contains("asks to wait 60 s; not disrupting now");
      c.close();
    }
  }

  @Test
  void aWriteWhoseOutcomeCannotBeReadBackIsRefusedNotRepeated() {
    try (FaultyApiServer api = new FaultyApiServer(0, 1)) {
      KubernetesClient c = api.client();
      DisruptionGuard g = guard(c, d -> { });
      List<String> script = new ArrayList<>(List.of("ok", "504"));
      for (int i = 0; i < ApiRetry.MAX_ERRORS; i++) {
        script.add("500");
      }
      api.script(script.toArray(String[]::new));
      DisruptionGuard.Decision d = g.reserve("Deployment/web", T0, 5, 1);
      assertThat(d.granted()).isFalse();
      assertThat(d.reason()).contains("got no clear answer").contains("(504)").contains("(500)")
          .endsWith("not disrupting (it may count once)");
      assertThat(api.requests()).isEqualTo(2 + ApiRetry.MAX_ERRORS);
      assertThat(stored(api).disruptions().get("Deployment/web")).as("written once, not again").containsExactly(T0);
      c.close();
    }
  }

  // --- the harness -------------------------------------------------------------------------

  @FunctionalInterface
  interface StoreFactory {
    LedgerStore create(KubernetesClient c, String ns, String name, ApiRetry.Pause pause);
  }

  private static DisruptionGuard guard(KubernetesClient c, ApiRetry.Pause pause) {
    return new DisruptionGuard(BUDGET, new ConfigMapLedgerStore(c, NS, BUDGET.ledgerName(), pause), pause);
  }

  /**
   * {@code replicas} threads, each a replica with its own client, store and guard, each trying
   * {@code tries} disruptions of every workload in one window.
   */
  private static Outcome replicas(FaultyApiServer api, int replicas, int tries, StoreFactory stores)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(replicas);
    List<KubernetesClient> clients = new ArrayList<>();
    List<Instant> granted = Collections.synchronizedList(new ArrayList<>());
    List<String> refusals = Collections.synchronizedList(new ArrayList<>());
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int r = 0; r < replicas; r++) {
        KubernetesClient c = api.client();
        clients.add(c);
        AtomicLong virtual = new AtomicLong();
        ApiRetry.Pause pause = d -> virtual.addAndGet(d.toNanos());
        DisruptionGuard g = new DisruptionGuard(BUDGET, stores.create(c, NS, BUDGET.ledgerName(), pause), pause);
        int replica = r;
        done.add(pool.submit((Callable<Void>) () -> {
          for (int i = 0; i < tries; i++) {
            for (int w = 0; w < WORKLOADS.size(); w++) {
              Instant at = instant(replica, i, w, replicas, tries);
              DisruptionGuard.Decision d = g.reserve(WORKLOADS.get(w), at, 5, 1);
              (d.granted() ? (List) granted : refusals).add(d.granted() ? at : d.reason());
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
      clients.forEach(KubernetesClient::close);
    }
    return new Outcome(List.copyOf(granted), stored(api), List.copyOf(refusals));
  }

  /**
   * The same instant for every reservation of a workload (T0 plus the workload's index in
   * nanoseconds), so each decision counts every record of it: replicas whose clocks disagree could
   * each count only the records at or before their own now (the window is {@code (now - window,
   * now]}), which is the budget's documented semantics, not an API error.
   */
  private static Instant instant(int replica, int i, int workload, int replicas, int tries) {
    return T0.plusNanos(workload);
  }

  private static String workloadOf(Instant t, int replicas, int tries) {
    return WORKLOADS.get((int) Duration.between(T0, t).toNanos());
  }

  private static void assertBudgetKept(Outcome o, int replicas, int tries) {
    assertThat(budgetViolations(o, replicas, tries)).as("budget violations; refusals: %s", o.refusals()).isEmpty();
  }

  /** What the ConfigMap's state says went wrong: over the budget, granted but lost, recorded twice or never granted. */
  private static List<String> budgetViolations(Outcome o, int replicas, int tries) {
    List<String> v = new ArrayList<>();
    for (String w : WORKLOADS) {
      List<Instant> stored = o.stored().disruptions().getOrDefault(w, List.of());
      List<Instant> granted = o.granted(w, replicas, tries);
      if (stored.size() > BUDGET.maxDisruptionsPerWindow() || granted.size() > BUDGET.maxDisruptionsPerWindow()) {
        v.add(w + ": over the budget, granted " + granted + ", recorded " + stored);
      }
      List<Instant> extra = new ArrayList<>(stored);
      granted.forEach(extra::remove);
      if (!extra.isEmpty()) {
        v.add(w + ": recorded but not granted (or recorded twice) " + extra);
      }
      List<Instant> lost = new ArrayList<>(granted);
      stored.forEach(lost::remove);
      if (!lost.isEmpty()) {
        v.add(w + ": granted but not recorded " + lost);
      }
    }
    return v;
  }

  private static Ledger stored(FaultyApiServer api) {
    api.faults(false);
    api.failAll(null);
    try (KubernetesClient c = api.client()) {
      ConfigMap cm = c.configMaps().inNamespace(NS).withName(BUDGET.ledgerName()).get();
      return cm == null ? Ledger.EMPTY : Ledger.decode(cm.getData());
    }
  }

  /** Broken: a 5xx on a write is taken as "not written" (no read-back), so the guard writes again. */
  private static final class NoReadBackStore implements LedgerStore {
    private final KubernetesClient client;

    NoReadBackStore(KubernetesClient client) {
      this.client = client;
    }

    @Override
    public Versioned load() {
      ConfigMap cm = client.configMaps().inNamespace(NS).withName(BUDGET.ledgerName()).get();
      return cm == null ? new Versioned(Ledger.EMPTY, null)
          : new Versioned(Ledger.decode(cm.getData()), cm.getMetadata().getResourceVersion());
    }

    @Override
    public boolean save(Ledger ledger, String expectedVersion) {
      ConfigMap cm = new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata()
          .withName(BUDGET.ledgerName()).withNamespace(NS).withResourceVersion(expectedVersion).endMetadata()
          .withData(ledger.encode()).build();
      return ConfigMaps.saveIfUnchanged(client, NS, cm, expectedVersion);
    }
  }

  /** Broken: writes over whatever is stored now instead of the version it read (last write wins). */
  private record BlindOverwriteStore(LedgerStore inner) implements LedgerStore {
    @Override
    public Versioned load() {
      return inner.load();
    }

    @Override
    public boolean save(Ledger ledger, String expectedVersion) {
      return inner.save(ledger, inner.load().version());
    }
  }
}
