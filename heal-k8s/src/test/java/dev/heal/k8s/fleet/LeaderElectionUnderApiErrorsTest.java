package dev.heal.k8s.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.heal.k8s.KubernetesLeaderElection;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Three replicas' leader electors (fabric8's LeaderElector on a Lease, heal's
 * {@link KubernetesLeaderElection}) against the mock API server with a fifth of the requests
 * failing (429, 5xx, lost 409s, applied-then-504). Real threads and real time (the elector's own),
 * so it waits with Awaitility, bounded and short. Checks: a leader is elected despite the errors, at
 * no sampled instant do two replicas believe they lead, and after the leader steps down another
 * takes over.
 */
class LeaderElectionUnderApiErrorsTest {

  @Test
  void leaderElectionKeepsOneLeaderThroughApiErrors() {
    try (FaultyApiServer api = new FaultyApiServer(0.2, 7)) {
      List<KubernetesClient> clients = new ArrayList<>();
      List<KubernetesLeaderElection> electors = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          KubernetesClient c = api.client();
          clients.add(c);
          electors.add(KubernetesLeaderElection.builder().client(c).namespace("shop").leaseName("heal-leader")
              .identity("web-" + i).leaseDuration(Duration.ofSeconds(10)).renewDeadline(Duration.ofSeconds(8))
              .retryPeriod(Duration.ofMillis(100)).build().start());
        }
        AtomicInteger most = new AtomicInteger();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
          most.accumulateAndGet(leaders(electors), Math::max);
          return leaders(electors) == 1;
        });
        // Keep sampling for two seconds of renewals under errors.
        await().pollInterval(Duration.ofMillis(20)).during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
            .until(() -> {
              most.accumulateAndGet(leaders(electors), Math::max);
              return leaders(electors) <= 1;
            });
        assertThat(most.get()).as("replicas leading at once").isEqualTo(1);
        assertThat(api.injected()).as("faults injected").isPositive();
        KubernetesLeaderElection first = electors.stream().filter(KubernetesLeaderElection::isLeader).findFirst()
            .orElseThrow();
        first.close();
        await().atMost(Duration.ofSeconds(20)).until(() -> electors.stream()
            .filter(e -> e != first).anyMatch(KubernetesLeaderElection::isLeader));
        assertThat(leaders(electors)).isEqualTo(1);
      } finally {
        electors.forEach(KubernetesLeaderElection::close);
        clients.forEach(KubernetesClient::close);
      }
    }
  }

  private static int leaders(List<KubernetesLeaderElection> electors) {
    return (int) electors.stream().filter(KubernetesLeaderElection::isLeader).count();
  }
}
