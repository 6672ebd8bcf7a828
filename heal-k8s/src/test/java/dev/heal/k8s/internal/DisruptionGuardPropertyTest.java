package dev.heal.k8s.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.heal.k8s.DisruptionBudget;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * For any sequence of triggers across N replicas of a workload, interleaved with time passing,
 * pods turning unready and ready, refused API calls, and restarts of the healer (a new guard over
 * the same persisted ledger): restarts granted within any window never exceed K, and no grant
 * ever takes more than the allowed share of pods down.
 */
class DisruptionGuardPropertyTest {
  static final double[] SHARES = {0.1, 0.25, 0.5, 1.0};
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  record Config(int replicas, int k, double share, Duration window) {
    static Config of(int c) {
      return new Config(1 + c % 8, 1 + (c / 8) % 4, SHARES[(c / 32) % 4],
          Duration.ofMinutes(1 + (c / 128) % 30));
    }
  }

  @Test
  void grantsNeverExceedKPerWindowNorTheUnavailableShareAcrossHealerRestarts() {
    qt().withExamples(500).withFixedSeed(20261126L)
        .forAll(integers().between(0, 128 * 30 - 1),
            lists().of(integers().between(0, Integer.MAX_VALUE)).ofSizeBetween(0, 80))
        .checkAssert((c, ops) -> {
          Config cfg = Config.of(c);
          DisruptionBudget budget = DisruptionBudget.builder().maxDisruptionsPerWindow(cfg.k())
              .maxUnavailableShare(cfg.share()).window(cfg.window()).cooldown(Duration.ZERO)
              .build();
          InMemoryLedgerStore store = new InMemoryLedgerStore();
          DisruptionGuard guard = new DisruptionGuard(budget, store);
          boolean[] ready = new boolean[cfg.replicas()];
          java.util.Arrays.fill(ready, true);
          Instant now = T0;
          List<Instant> grants = new ArrayList<>();
          for (int op : ops) {
            int pod = (op / 8) % cfg.replicas();
            switch (op % 8) {
              case 0, 1 -> now = now.plusSeconds((op / 64) % 400);
              case 2 -> ready[pod] = false;
              case 3 -> ready[pod] = true;
              case 4 -> guard = new DisruptionGuard(budget, store); // the healer restarted
              default -> {
                int unavailable = 0;
                for (boolean r : ready) {
                  unavailable += r ? 0 : 1;
                }
                int after = unavailable + (ready[pod] ? 1 : 0);
                DisruptionGuard.Decision d = guard.reserve("Deployment/web", now,
                    cfg.replicas(), after);
                if (d.granted()) {
                  assertThat(after).as("unavailable after a granted restart, %s", cfg)
                      .isLessThanOrEqualTo(budget.maxUnavailable(cfg.replicas()));
                  if ((op / 1024) % 5 == 0) {
                    guard.release("Deployment/web", now); // the API said 429: nothing happened
                  } else {
                    grants.add(now);
                    ready[pod] = false; // restarting
                  }
                }
              }
            }
          }
          for (Instant g : grants) {
            long inWindow = grants.stream()
                .filter(x -> x.isAfter(g.minus(cfg.window())) && !x.isAfter(g)).count();
            assertThat(inWindow).as("restarts in the window ending %s, %s", g, cfg)
                .isLessThanOrEqualTo(cfg.k());
          }
        });
  }

  @Test
  void aNewGuardOverTheSameStoreRemembersEveryGrant() {
    qt().withExamples(200).withFixedSeed(7L)
        .forAll(integers().between(1, 5), lists().of(integers().between(0, 600)).ofSizeBetween(1, 30))
        .checkAssert((k, gaps) -> {
          DisruptionBudget budget = DisruptionBudget.builder().maxDisruptionsPerWindow(k)
              .window(Duration.ofMinutes(10)).maxUnavailableShare(1.0).build();
          InMemoryLedgerStore store = new InMemoryLedgerStore();
          Instant now = T0;
          List<Instant> grants = new ArrayList<>();
          for (int gap : gaps) {
            now = now.plusSeconds(gap);
            // Every trigger is handled by a freshly started healer.
            if (new DisruptionGuard(budget, store).reserve("StatefulSet/db", now, 3, 1).granted()) {
              grants.add(now);
            }
          }
          for (Instant g : grants) {
            assertThat(grants.stream().filter(x -> x.isAfter(g.minus(Duration.ofMinutes(10)))
                && !x.isAfter(g)).count()).isLessThanOrEqualTo(k);
          }
          // And a trigger that finds the window full is refused, whoever handles it.
          Instant last = now;
          long recent = grants.stream().filter(x -> x.isAfter(last.minus(Duration.ofMinutes(10))))
              .count();
          assertThat(new DisruptionGuard(budget, store).check("StatefulSet/db", now, 3, 1)
              .granted()).isEqualTo(recent < k);
        });
  }

  @Test
  void ledgerSurvivesItsConfigMapEncoding() {
    qt().withExamples(300).withFixedSeed(11L)
        .forAll(lists().of(integers().between(0, 1_000_000)).ofSizeBetween(0, 20),
            lists().of(integers().between(0, 1_000_000)).ofSizeBetween(0, 5))
        .checkAssert((disruptions, cooldowns) -> {
          Ledger l = Ledger.EMPTY;
          for (int d : disruptions) {
            l = l.withDisruption((d % 2 == 0 ? "Deployment/" : "StatefulSet/") + "w" + d % 3,
                T0.plusSeconds(d));
          }
          for (int c : cooldowns) {
            l = l.withCooldown("k8s-restart-self/Deployment/w" + c % 3, T0.plusSeconds(c));
          }
          Map<String, String> data = l.encode();
          assertThat(data.keySet()).allSatisfy(key -> assertThat(key).matches("[-._a-zA-Z0-9]+"));
          assertThat(Ledger.decode(new TreeMap<>(data))).isEqualTo(l);
        });
  }

  @Test
  void cooldownHoldsExactlyUntilItEnds() {
    qt().withExamples(200).withFixedSeed(3L)
        .forAll(integers().between(1, 3600), integers().between(0, 7200))
        .checkAssert((cooldownSeconds, later) -> {
          DisruptionBudget budget = DisruptionBudget.builder()
              .cooldown(Duration.ofSeconds(cooldownSeconds)).build();
          InMemoryLedgerStore store = new InMemoryLedgerStore();
          new DisruptionGuard(budget, store).startCooldown("k8s-scale/Deployment/web", T0);

          boolean cooling = new DisruptionGuard(budget, store)
              .coolingDownUntil("k8s-scale/Deployment/web", T0.plusSeconds(later)).isPresent();

          assertThat(cooling).isEqualTo(later < cooldownSeconds);
        });
  }
}
