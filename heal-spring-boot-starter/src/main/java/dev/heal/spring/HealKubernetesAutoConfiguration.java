package dev.heal.spring;

import dev.heal.core.healer.Healer;
import dev.heal.core.time.HealClock;
import dev.heal.k8s.HealerEvents;
import dev.heal.k8s.KubernetesEnvironment;
import dev.heal.k8s.KubernetesEvents;
import dev.heal.k8s.KubernetesHealing;
import dev.heal.k8s.KubernetesLeaderElection;
import dev.heal.k8s.Leadership;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnCloudPlatform;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.cloud.CloudPlatform;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * heal-k8s when it is on the class path and the application runs in Kubernetes (Spring's cloud
 * platform detection; {@code spring.main.cloud-platform=kubernetes} forces it): the pod's
 * {@link KubernetesEnvironment} (Downward API), a fabric8 {@link KubernetesClient} unless the
 * application has one (then it is reused), {@link KubernetesEvents} for this pod, and
 * {@link HealerEvents}, which records every healer decision as a core/v1 Event on the pod.
 *
 * <p>With {@code heal.kubernetes.healing.enabled=true} also {@link KubernetesHealing} (cluster
 * actions for plans: {@code k8s.restartSelf()}, {@code rolloutRestart()}, ...) and its
 * {@link Leadership}: {@code heal.kubernetes.leadership=lease} (the default) competes for a Lease
 * in the pod's namespace ({@link KubernetesLeaderElection}, started with the bean and released
 * when the context closes); {@code always} makes every replica the leader, which is only safe with
 * one replica. A {@code Leadership} or {@code KubernetesHealing} bean of the application's wins.
 */
@AutoConfiguration(before = HealAutoConfiguration.class)
@ConditionalOnClass({KubernetesEvents.class, KubernetesClient.class, Healer.class})
@ConditionalOnCloudPlatform(CloudPlatform.KUBERNETES)
@ConditionalOnBooleanProperty(name = {"heal.enabled", "heal.kubernetes.enabled"}, matchIfMissing = true)
@EnableConfigurationProperties(HealProperties.class)
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

  /** Cluster actions and who may run them ({@code heal.kubernetes.healing.enabled=true}). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBooleanProperty(name = "heal.kubernetes.healing.enabled")
  static class Healing {
    private static final Logger log = LoggerFactory.getLogger(HealKubernetesAutoConfiguration.class);

    /**
     * {@code heal.kubernetes.leadership}: a Lease election (default; closed, releasing the lease, with
     * the context) or always the leader.
     */
    @Bean
    @ConditionalOnMissingBean
    Leadership healKubernetesLeadership(KubernetesClient client, KubernetesEnvironment environment,
        HealProperties properties) {
      HealProperties.Kubernetes k = properties.getKubernetes();
      if (k.getLeadership() == HealProperties.LeadershipMode.ALWAYS) {
        log.warn("heal: heal.kubernetes.leadership=always: this replica runs cluster actions without a leader "
            + "election; with more than one replica every replica acts at once (use lease)");
        return Leadership.always();
      }
      String namespace = requireNamespace(environment);
      String identity = environment.podName().orElseThrow(() -> new IllegalStateException(
          "heal.kubernetes.leadership=lease needs this pod's name as its identity in the Lease, but heal does not "
              + "know it: " + environment + ". Set POD_NAME from the Downward API"));
      HealProperties.Lease lease = k.getLease();
      try {
        return KubernetesLeaderElection.builder().client(client).namespace(namespace).identity(identity)
            .leaseName(lease.getName()).leaseDuration(lease.getDuration()).renewDeadline(lease.getRenewDeadline())
            .retryPeriod(lease.getRetryPeriod()).build().start();
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("heal.kubernetes.lease: " + e.getMessage(), e);
      }
    }

    /** Cluster actions for plans, sharing the client, the pod's environment, its Events and the leadership. */
    @Bean
    @ConditionalOnMissingBean
    KubernetesHealing healKubernetesHealing(KubernetesClient client, KubernetesEnvironment environment,
        Leadership leadership, KubernetesEvents events, HealClock clock, HealProperties properties) {
      requireNamespace(environment);
      return KubernetesHealing.builder().client(client).environment(environment).leadership(leadership)
          .events(events).clock(clock).allowCordon(properties.getKubernetes().getHealing().isAllowCordon()).build();
    }

    private static String requireNamespace(KubernetesEnvironment environment) {
      return environment.namespace().filter(ns -> !ns.isBlank()).orElseThrow(() -> new IllegalStateException(
          "heal.kubernetes.healing.enabled=true needs this pod's namespace (for its Lease, ledger and Events), but "
              + "heal does not know it: " + environment + ". Set POD_NAMESPACE from the Downward API, or "
              + "heal.kubernetes.healing.enabled=false"));
    }
  }
}
