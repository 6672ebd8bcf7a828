package dev.heal.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.heal.core.healer.Healer;
import dev.heal.k8s.KubernetesEnvironment;
import dev.heal.k8s.KubernetesHealing;
import dev.heal.k8s.KubernetesLeaderElection;
import dev.heal.k8s.Leadership;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code heal.kubernetes.healing.*}: KubernetesHealing and its leadership, against fabric8's
 * Kubernetes mock server in CRUD mode (the Lease election runs for real against it).
 */
@EnableKubernetesMockClient(crud = true)
class HealKubernetesHealingTest {
  static final String NS = "shop";

  KubernetesClient client;

  private ApplicationContextRunner inCluster() {
    return new ApplicationContextRunner().withAllowBeanDefinitionOverriding(true)
        .withConfiguration(AutoConfigurations.of(HealAutoConfiguration.class, HealKubernetesAutoConfiguration.class))
        .withPropertyValues("spring.main.cloud-platform=kubernetes", "spring.application.name=orders")
        .withBean(KubernetesClient.class, () -> client, d -> d.setDestroyMethodName(""))
        .withBean("env", KubernetesEnvironment.class, () -> KubernetesEnvironment.of(NS, "orders-1", "node-a"));
  }

  private ApplicationContextRunner healing() {
    return inCluster().withPropertyValues("heal.kubernetes.healing.enabled=true",
        // Short enough for the test to see the lease taken, long enough for a loaded machine.
        "heal.kubernetes.lease.duration=10s", "heal.kubernetes.lease.renew-deadline=8s",
        "heal.kubernetes.lease.retry-period=100ms");
  }

  @Test
  void healingIsOffUnlessSwitchedOn() {
    inCluster().run(c -> assertThat(c).hasNotFailed().hasSingleBean(dev.heal.k8s.HealerEvents.class)
        .doesNotHaveBean(KubernetesHealing.class).doesNotHaveBean(Leadership.class));
  }

  @Test
  void switchedOnItElectsALeaderThroughALeaseAndReusesTheApplicationsClient() {
    healing().withPropertyValues("heal.kubernetes.lease.name=orders-heal").run(c -> {
      assertThat(c).hasNotFailed().hasSingleBean(KubernetesHealing.class);
      assertThat(c.getBean(KubernetesClient.class)).isSameAs(client);
      Leadership leadership = c.getBean(Leadership.class);
      assertThat(leadership).isInstanceOf(KubernetesLeaderElection.class);
      assertThat(((KubernetesLeaderElection) leadership).identity()).isEqualTo("orders-1");
      await().atMost(Duration.ofSeconds(10)).until(leadership::isLeader);
      Lease lease = client.leases().inNamespace(NS).withName("orders-heal").get();
      assertThat(lease).isNotNull();
      assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("orders-1");
      KubernetesHealing k8s = c.getBean(KubernetesHealing.class);
      assertThat(k8s.environment().podName()).contains("orders-1");
      assertThat(k8s.events().instance()).isEqualTo("orders-1");
      assertThat(k8s.restartSelf().name()).isNotBlank();
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      Lease l = client.leases().inNamespace(NS).withName("orders-heal").get();
      return l == null || l.getSpec().getHolderIdentity() == null || l.getSpec().getHolderIdentity().isEmpty()
          || l.getSpec().getLeaseDurationSeconds() <= 1;
    });
  }

  @Test
  void alwaysIsOnlyWhenTheUserSaysSo() {
    healing().withPropertyValues("heal.kubernetes.leadership=always").run(c -> {
      Leadership l = c.getBean(Leadership.class);
      assertThat(l).isNotInstanceOf(KubernetesLeaderElection.class);
      assertThat(l.isLeader()).isTrue();
      assertThat(client.leases().inNamespace(NS).list().getItems()).isEmpty();
    });
  }

  @Test
  void anApplicationsOwnLeadershipAndHealingWin() {
    Leadership mine = Leadership.always();
    healing().withBean(Leadership.class, () -> mine).run(c -> {
      assertThat(c.getBean(Leadership.class)).isSameAs(mine);
      assertThat(c).hasSingleBean(KubernetesHealing.class);
    });
    KubernetesHealing own = KubernetesHealing.builder().client(client)
        .environment(KubernetesEnvironment.of(NS, "orders-1", null)).leadership(mine).build();
    healing().withBean(KubernetesHealing.class, () -> own)
        .run(c -> assertThat(c.getBean(KubernetesHealing.class)).isSameAs(own));
  }

  @Test
  void anUnknownLeadershipValueFailsNamingTheKeyAndTheChoices() {
    healing().withPropertyValues("heal.kubernetes.leadership=sometimes").run(c -> assertThat(c).hasFailed()
        .getFailure().hasStackTraceContaining("heal.kubernetes.leadership").hasStackTraceContaining("sometimes")
        .hasStackTraceContaining(HealProperties.LeadershipMode.class.getName()));
  }

  @Test
  void aMissingNamespaceFailsSayingWhatToSet() {
    KubernetesEnvironment noNamespace = KubernetesEnvironment.detect(
        Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1", "POD_NAME", "orders-1")::get, Path.of("/nonexistent/namespace"));
    assertThat(noNamespace.namespace()).isEmpty();
    healing().withBean("env", KubernetesEnvironment.class, () -> noNamespace).run(c -> assertThat(c).hasFailed()
        .getFailure().hasStackTraceContaining("POD_NAMESPACE"));
  }

  @Test
  void aLeaseWithoutThePodsNameFailsSayingWhatToSet() {
    healing().withBean("env", KubernetesEnvironment.class, () -> KubernetesEnvironment.of(NS, null, null))
        .withBean(dev.heal.k8s.HealerEvents.class, () -> dev.heal.k8s.HealerEvents.onPod(
            dev.heal.k8s.KubernetesEvents.NONE, KubernetesEnvironment.of(NS, "x", null)))
        .run(c -> assertThat(c).hasFailed().getFailure()
            .hasStackTraceContaining("heal.kubernetes.leadership=lease needs this pod's name")
            .hasStackTraceContaining("POD_NAME"));
  }

  @Test
  void aBadLeaseSettingFailsNamingTheKey() {
    healing().withPropertyValues("heal.kubernetes.lease.renew-deadline=20s").run(c -> assertThat(c).hasFailed()
        .getFailure().hasStackTraceContaining("heal.kubernetes.lease: renewDeadline"));
  }

  @Test
  void outsideKubernetesOrWithoutHealK8sThereIsNoHealing() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(HealAutoConfiguration.class, HealKubernetesAutoConfiguration.class))
        .withPropertyValues("heal.kubernetes.healing.enabled=true")
        .run(c -> assertThat(c).hasSingleBean(Healer.class).doesNotHaveBean(KubernetesHealing.class));
    healing().withClassLoader(new FilteredClassLoader(dev.heal.k8s.KubernetesEvents.class))
        .run(c -> assertThat(c).hasSingleBean(Healer.class).doesNotHaveBean(KubernetesHealing.class));
  }
}
