package dev.heal.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.heal.core.healer.ActionContext;
import dev.heal.core.healer.ActionResult.Status;
import dev.heal.core.healer.Signal;
import dev.heal.core.time.ManualClock;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The blast-radius property end to end: real actions, the ConfigMap ledger in the CRUD mock, a
 * simulated controller that recreates deleted pods (unready at first), pods turning ready, time
 * passing and the healer restarting (a brand-new {@link KubernetesHealing}). For any such
 * sequence, deletions of one workload's pods within any window never exceed K, and no deletion
 * takes more than the allowed share of pods down. Each example runs in a namespace of its own.
 */
@EnableKubernetesMockClient(crud = true)
class BlastRadiusPropertyTest {
  KubernetesClient client;
  final AtomicInteger examples = new AtomicInteger();

  @Test
  void restartsPerWindowNeverExceedKEvenAcrossHealerRestarts() {
    qt().withExamples(15).withShrinkCycles(20).withFixedSeed(42L)
        .forAll(integers().between(0, 2 * 4 * 3 - 1),
            lists().of(integers().between(0, Integer.MAX_VALUE)).ofSizeBetween(1, 14))
        .checkAssert((c, ops) -> {
          int replicas = 2 + c % 4;
          int k = 1 + (c / 4) % 2;
          double share = new double[] {0.25, 0.5, 1.0}[(c / 8) % 3];
          String ns = "p" + examples.incrementAndGet();
          client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns)
              .endMetadata().build()).create();
          for (int i = 0; i < replicas; i++) {
            createPod(ns, "web-" + i, true);
          }
          ManualClock clock = new ManualClock();
          DisruptionBudget budget = DisruptionBudget.builder().maxDisruptionsPerWindow(k)
              .window(Duration.ofMinutes(5)).maxUnavailableShare(share).cooldown(Duration.ZERO)
              .build();
          KubernetesHealing healer = healer(ns, budget, clock);
          List<Instant> deletions = new ArrayList<>();
          for (int op : ops) {
            String pod = "web-" + (op / 8) % replicas;
            switch (op % 8) {
              case 0 -> clock.advance(Duration.ofSeconds((op / 64) % 240));
              case 1 -> setReady(ns, pod, true);
              case 2 -> setReady(ns, pod, false);
              case 3 -> healer = healer(ns, budget, clock); // the healer restarted
              default -> {
                List<Pod> before = client.pods().inNamespace(ns).list().getItems();
                long unavailable = before.stream().filter(p -> !ready(p)).count();
                Pod target = before.stream().filter(p -> p.getMetadata().getName().equals(pod))
                    .findFirst().orElseThrow();
                var result = healer.restartPod(Map.of("app", "web"))
                    .execute(ctx(clock, Map.of("pod", pod)));
                if (result.status() == Status.SUCCEEDED) {
                  long after = unavailable + (ready(target) ? 1 : 0);
                  assertThat(after).as("unavailable after deleting %s", pod)
                      .isLessThanOrEqualTo(budget.maxUnavailable(replicas));
                  deletions.add(clock.now());
                  createPod(ns, pod, false); // the controller replaces it, not ready yet
                } else {
                  assertThat(result.status()).isEqualTo(Status.NOT_NOW);
                  assertThat(client.pods().inNamespace(ns).withName(pod).get()
                      .getMetadata().getUid()).isEqualTo(target.getMetadata().getUid());
                }
              }
            }
          }
          for (Instant d : deletions) {
            long inWindow = deletions.stream()
                .filter(x -> x.isAfter(d.minus(budget.window())) && !x.isAfter(d)).count();
            assertThat(inWindow).as("deletions in the window ending %s (K=%s)", d, k)
                .isLessThanOrEqualTo(k);
          }
        });
  }

  KubernetesHealing healer(String ns, DisruptionBudget budget, ManualClock clock) {
    return KubernetesHealing.builder().client(client)
        .environment(KubernetesEnvironment.of(ns, "healer", null))
        .leadership(Leadership.always()).budget(budget).clock(clock).build();
  }

  static ActionContext ctx(ManualClock clock, Map<String, String> labels) {
    return new ActionContext("ep", "web", new Signal(Signal.ALERT, "PodUnhealthy", true, labels,
        "pod unhealthy", clock.now(), clock.nanoTime()), "restart", 1, false,
        Duration.ofSeconds(10), clock);
  }

  void createPod(String ns, String name, boolean ready) {
    client.pods().inNamespace(ns).resource(new PodBuilder()
        .withNewMetadata().withName(name).withNamespace(ns).addToLabels("app", "web").endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("app:1").endContainer().endSpec()
        .withNewStatus().addNewCondition().withType("Ready").withStatus(ready ? "True" : "False")
        .endCondition().endStatus().build()).create();
  }

  void setReady(String ns, String name, boolean ready) {
    client.pods().inNamespace(ns).withName(name).edit(p -> {
      p.getStatus().getConditions().get(0).setStatus(ready ? "True" : "False");
      return p;
    });
  }

  static boolean ready(Pod p) {
    return p.getStatus().getConditions().stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
