package dev.heal.spring;

import dev.heal.core.healer.Healer;
import dev.heal.core.time.HealClock;
import dev.heal.k8s.HealerEvents;
import dev.heal.k8s.KubernetesEnvironment;
import dev.heal.k8s.KubernetesEvents;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnCloudPlatform;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.cloud.CloudPlatform;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * heal-k8s when it is on the class path and the application runs in Kubernetes (Spring's cloud
 * platform detection; {@code spring.main.cloud-platform=kubernetes} forces it): the pod's
 * {@link KubernetesEnvironment} (Downward API), a fabric8 {@link KubernetesClient} unless the
 * application has one (then it is reused), {@link KubernetesEvents} for this pod, and
 * {@link HealerEvents}, which records every healer decision as a core/v1 Event on the pod.
 * Cluster actions ({@code KubernetesHealing}) need a leadership choice and stay the application's
 * to declare.
 */
@AutoConfiguration(before = HealAutoConfiguration.class)
@ConditionalOnClass({KubernetesEvents.class, KubernetesClient.class, Healer.class})
@ConditionalOnCloudPlatform(CloudPlatform.KUBERNETES)
@ConditionalOnBooleanProperty(name = {"heal.enabled", "heal.kubernetes.enabled"}, matchIfMissing = true)
public class HealKubernetesAutoConfiguration {

  /** The pod's own name, namespace and node, from the Downward API. */
  @Bean
  @ConditionalOnMissingBean
  public KubernetesEnvironment healKubernetesEnvironment() {
    return KubernetesEnvironment.detect();
  }

  /** A fabric8 client from the pod's service account (or kubeconfig). */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public KubernetesClient healKubernetesClient() {
    return new KubernetesClientBuilder().build();
  }

  /** Events for this pod, component {@code spring.application.name} (default {@code heal}). */
  @Bean
  @ConditionalOnMissingBean
  public KubernetesEvents healKubernetesEvents(KubernetesClient client, KubernetesEnvironment environment,
      HealClock clock, Environment spring) {
    if (!environment.clusterActionsAvailable() || environment.podName().isEmpty()) {
      return KubernetesEvents.NONE;
    }
    return KubernetesEvents.builder().client(client).component(spring.getProperty("spring.application.name", "heal"))
        .instance(environment.podName().get()).namespace(environment.namespace().orElseThrow()).clock(clock).build();
  }

  /** Every healer decision as an Event on this pod (a healer listener). */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public HealerEvents healHealerEvents(KubernetesEvents events, KubernetesEnvironment environment) {
    if (events == KubernetesEvents.NONE) {
      throw new IllegalStateException("heal runs in Kubernetes but does not know its pod: " + environment
          + ". Set POD_NAME and POD_NAMESPACE from the Downward API, or heal.kubernetes.enabled=false");
    }
    return HealerEvents.onPod(events, environment);
  }
}
