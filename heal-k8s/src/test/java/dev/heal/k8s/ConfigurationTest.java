package dev.heal.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heal.core.healer.ActionResult.Status;
import dev.heal.core.time.ManualClock;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class ConfigurationTest {
  KubernetesClient client;
  ManualClock clock = new ManualClock();

  @Test
  void budgetDefaultsAreSafe() {
    DisruptionBudget d = DisruptionBudget.DEFAULT;
    assertThat(d.maxDisruptionsPerWindow()).isEqualTo(1);
    assertThat(d.window()).isEqualTo(Duration.ofMinutes(10));
    assertThat(d.maxUnavailableShare()).isEqualTo(0.25);
    assertThat(d.cooldown()).isEqualTo(Duration.ofMinutes(5));
    assertThat(d.ledgerName()).isEqualTo("heal-k8s-ledger");
    assertThat(d.maxUnavailable(1)).isEqualTo(1);
    assertThat(d.maxUnavailable(4)).isEqualTo(1);
    assertThat(d.maxUnavailable(8)).isEqualTo(2);
  }

  @Test
  void budgetValidationNamesTheParameter() {
    assertThatThrownBy(() -> DisruptionBudget.builder().maxDisruptionsPerWindow(0).build())
        .hasMessageContaining("maxDisruptionsPerWindow");
    assertThatThrownBy(() -> DisruptionBudget.builder().window(Duration.ZERO).build())
        .hasMessageContaining("window");
    assertThatThrownBy(() -> DisruptionBudget.builder().maxUnavailableShare(0).build())
        .hasMessageContaining("maxUnavailableShare");
    assertThatThrownBy(() -> DisruptionBudget.builder().maxUnavailableShare(1.5).build())
        .hasMessageContaining("maxUnavailableShare");
    assertThatThrownBy(() -> DisruptionBudget.builder().cooldown(Duration.ofSeconds(-1)).build())
        .hasMessageContaining("cooldown");
    assertThatThrownBy(() -> DisruptionBudget.builder().ledgerName("Not_Valid").build())
        .hasMessageContaining("ledgerName");
  }

  @Test
  void healingBuilderNamesWhatIsMissing() {
    assertThatThrownBy(() -> KubernetesHealing.builder().build()).hasMessageContaining("client");
    assertThatThrownBy(() -> KubernetesHealing.builder().client(client).build())
        .hasMessageContaining("environment");
    assertThatThrownBy(() -> KubernetesHealing.builder().client(client)
        .environment(Fixtures.env("p")).build()).hasMessageContaining("leadership");
    var k8s = KubernetesHealing.builder().client(client).environment(Fixtures.env("p"))
        .leadership(Leadership.always()).build();
    assertThatThrownBy(() -> k8s.restartPod(Map.of())).hasMessageContaining("labels");
    assertThatThrownBy(() -> k8s.rolloutRestart("DaemonSet", "x"))
        .hasMessageContaining("Deployment or StatefulSet");
  }

  @Test
  void selfActionsWithoutAPodNameSayWhatToSet() {
    var env = new KubernetesEnvironment(true, Optional.of("shop"), Optional.empty(),
        Optional.empty(), Optional.empty());
    var k8s = KubernetesHealing.builder().client(client).environment(env)
        .leadership(Leadership.always()).clock(clock).allowCordon(true).build();

    var restart = k8s.restartSelf().execute(Fixtures.ctx(clock));
    var cordon = k8s.cordonNode().execute(Fixtures.ctx(clock));

    assertThat(restart.status()).isEqualTo(Status.UNAVAILABLE);
    assertThat(restart.message()).contains("POD_NAME");
    assertThat(cordon.status()).isEqualTo(Status.UNAVAILABLE);
    assertThat(cordon.message()).contains("NODE_NAME");
  }

  @Test
  void actionsHaveStableNamesAndSupportDryRun() {
    var k8s = KubernetesHealing.builder().client(client).environment(Fixtures.env("p"))
        .leadership(Leadership.always()).allowCordon(true).build();

    assertThat(k8s.restartSelf().name()).isEqualTo("k8s-restart-self");
    assertThat(k8s.evictSelf().name()).isEqualTo("k8s-evict-self");
    assertThat(k8s.restartPod(Map.of("app", "a")).name()).isEqualTo("k8s-restart-pod");
    assertThat(k8s.evictPod(Map.of("app", "a")).name()).isEqualTo("k8s-evict-pod");
    assertThat(k8s.rolloutRestart().name()).isEqualTo("k8s-rollout-restart");
    assertThat(k8s.scaleDeployment("a", 1, 1, 2).name()).isEqualTo("k8s-scale");
    assertThat(k8s.cordonNode().name()).isEqualTo("k8s-cordon-node");
    assertThat(k8s.cordonNode().supportsDryRun()).isTrue();
  }
}
