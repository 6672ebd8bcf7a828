package dev.heal.k8s.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heal.k8s.DisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class ConfigMapLedgerStoreTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  KubernetesClient client;

  @Test
  void createsOnFirstSaveAndRefusesAStaleVersion() {
    ConfigMapLedgerStore store = new ConfigMapLedgerStore(client, "shop", "heal-k8s-ledger");
    assertThat(store.load().version()).isNull();

    assertThat(store.save(Ledger.EMPTY.withDisruption("Deployment/web", T0), null)).isTrue();
    LedgerStore.Versioned v1 = store.load();
    assertThat(v1.ledger().disruptions()).containsKey("Deployment/web");
    assertThat(store.save(Ledger.EMPTY, null)).as("a second create conflicts").isFalse();

    assertThat(store.save(v1.ledger().withCooldown("k8s-scale/Deployment/web", T0), v1.version()))
        .isTrue();
    assertThat(store.save(Ledger.EMPTY, v1.version())).as("stale resourceVersion").isFalse();
    assertThat(store.load().ledger().cooldowns()).containsKey("k8s-scale/Deployment/web");
  }

  @Test
  void twoHealersSharingTheConfigMapGrantOnlyKInTotal() {
    DisruptionBudget budget = DisruptionBudget.builder().maxDisruptionsPerWindow(2)
        .window(Duration.ofMinutes(10)).maxUnavailableShare(1.0).build();
    DisruptionGuard a = new DisruptionGuard(budget,
        new ConfigMapLedgerStore(client, "shop", budget.ledgerName()));
    DisruptionGuard b = new DisruptionGuard(budget,
        new ConfigMapLedgerStore(client, "shop", budget.ledgerName()));

    int granted = 0;
    for (int i = 0; i < 6; i++) {
      DisruptionGuard g = i % 2 == 0 ? a : b;
      granted += g.reserve("Deployment/web", T0.plusSeconds(i), 5, 1).granted() ? 1 : 0;
    }

    assertThat(granted).isEqualTo(2);
    assertThat(a.check("Deployment/web", T0.plus(Duration.ofMinutes(10)), 5, 1).granted()).isTrue();
  }
}
