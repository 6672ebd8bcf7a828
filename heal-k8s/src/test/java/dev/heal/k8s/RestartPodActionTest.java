package dev.heal.k8s;

import static dev.heal.k8s.Fixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.heal.core.healer.ActionResult.Status;
import dev.heal.core.time.ManualClock;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class RestartPodActionTest {
  KubernetesMockServer server;
  KubernetesClient client;
  ManualClock clock = Fixtures.clock();
  Fixtures.SwitchableLeadership leadership = new Fixtures.SwitchableLeadership();

  @BeforeEach
  void cluster() {
    Fixtures.deployment(client, "web", 4, 0);
  }

  KubernetesHealing healing(String self, DisruptionBudget budget) {
    return KubernetesHealing.builder().client(client).environment(Fixtures.env(self))
        .leadership(leadership).budget(budget).clock(clock).build();
  }

  KubernetesHealing healing(String self) {
    return healing(self, DisruptionBudget.DEFAULT);
  }

  List<Event> events() {
    return client.v1().events().inNamespace(NS).list().getItems();
  }

  @Test
  void restartSelfDeletesOwnPodAndRecordsItInLedgerAndEvent() throws Exception {
    var result = healing("web-abc-0").restartSelf().execute(Fixtures.ctx(clock));

    assertThat(result.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(result.details()).containsEntry("pod", "web-abc-0")
        .containsEntry("workload", "shop/Deployment/web").containsEntry("mode", "delete");
    assertThat(Fixtures.exists(client, "web-abc-0")).isFalse();
    assertThat(Fixtures.exists(client, "web-abc-1")).isTrue();
    ConfigMap ledger = client.configMaps().inNamespace(NS).withName("heal-k8s-ledger").get();
    assertThat(ledger.getData()).containsEntry("disruptions.Deployment_web", clock.now().toString())
        .containsKey("cooldown.k8s-restart-self_Deployment_web");
    assertThat(events()).singleElement().satisfies(e -> {
      assertThat(e.getReason()).isEqualTo("HealRestartPod");
      assertThat(e.getType()).isEqualTo("Normal");
      assertThat(e.getInvolvedObject().getKind()).isEqualTo("Pod");
      assertThat(e.getInvolvedObject().getName()).isEqualTo("web-abc-0");
      assertThat(e.getMessage()).contains("deleted pod web-abc-0 of Deployment/web")
          .contains("episode ep-1");
    });
  }

  @Test
  void dryRunAsksTheServerToDryRunAndRecordsNothingInTheLedger() throws Exception {
    RecordedRequests.drain(server);
    var result = healing("web-abc-0").restartSelf().execute(Fixtures.dryRun(clock));

    assertThat(result.status()).isEqualTo(Status.DRY_RUN);
    assertThat(result.message()).contains("would delete pod web-abc-0");
    List<RecordedRequest> requests = RecordedRequests.drain(server);
    List<RecordedRequest> deletes =
        requests.stream().filter(r -> r.getMethod().equals("DELETE")).toList();
    assertThat(deletes).singleElement().satisfies(r -> assertThat(
        r.getPath() + " " + r.getUtf8Body()).contains("dryRun"));
    assertThat(client.configMaps().inNamespace(NS).withName("heal-k8s-ledger").get()).isNull();
    assertThat(events()).singleElement()
        .satisfies(e -> assertThat(e.getReason()).isEqualTo("HealDryRun"));
  }

  @Test
  void restartPodByLabelPicksTheUnreadyPod() throws Exception {
    Fixtures.pod(client, "api-1", "api", null, null, true);
    Fixtures.pod(client, "api-2", "api", null, null, false);

    var result = healing("web-abc-0").restartPod(Map.of("app", "api")).execute(Fixtures.ctx(clock));

    assertThat(result.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(Fixtures.exists(client, "api-2")).isFalse();
    assertThat(Fixtures.exists(client, "api-1")).isTrue();
  }

  @Test
  void restartPodByLabelPrefersThePodNamedByTheTrigger() throws Exception {
    var result = healing("web-abc-0").restartPod(Map.of("app", "web"))
        .execute(Fixtures.ctx(clock, false, Map.of("pod", "web-abc-2")));

    assertThat(result.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(Fixtures.exists(client, "web-abc-2")).isFalse();
  }

  @Test
  void restartPodByLabelFailsWhenAllMatchingPodsAreReady() throws Exception {
    var result = healing("web-abc-0").restartPod(Map.of("app", "web")).execute(Fixtures.ctx(clock));

    assertThat(result.status()).isEqualTo(Status.FAILED);
    assertThat(result.message()).contains("no unready pod matches");
  }

  @Test
  void secondRestartWithinWindowIsRefusedAndWarned() throws Exception {
    var k8s = healing("web-abc-0", DisruptionBudget.builder().cooldown(Duration.ZERO).build());
    assertThat(k8s.restartSelf().execute(Fixtures.ctx(clock)).status()).isEqualTo(Status.SUCCEEDED);

    clock.advance(Duration.ofMinutes(1));
    var second = healing("web-abc-1", DisruptionBudget.builder().cooldown(Duration.ZERO).build())
        .restartSelf().execute(Fixtures.ctx(clock));

    assertThat(second.status()).isEqualTo(Status.NOT_NOW);
    assertThat(second.message()).contains("disrupted 1 time(s)").contains("limit 1");
    assertThat(Fixtures.exists(client, "web-abc-1")).isTrue();
    assertThat(events()).anySatisfy(e -> {
      assertThat(e.getReason()).isEqualTo("HealBlastRadiusLimit");
      assertThat(e.getType()).isEqualTo("Warning");
    });

    clock.advance(Duration.ofMinutes(10));
    assertThat(healing("web-abc-1", DisruptionBudget.builder().cooldown(Duration.ZERO).build())
        .restartSelf().execute(Fixtures.ctx(clock)).status()).isEqualTo(Status.SUCCEEDED);
  }

  @Test
  void refusesWhenTooManyPodsOfTheWorkloadAreAlreadyUnavailable() throws Exception {
    Fixtures.deployment(client, "cart", 2, 2);
    var budget = DisruptionBudget.builder().maxDisruptionsPerWindow(10).build();

    var result = healing("cart-abc-0", budget).restartSelf().execute(Fixtures.ctx(clock));

    assertThat(result.status()).isEqualTo(Status.NOT_NOW);
    assertThat(result.message()).contains("3 of 4 pods of Deployment/cart would be unavailable")
        .contains("shared cause");
    assertThat(Fixtures.exists(client, "cart-abc-0")).isTrue();
  }

  @Test
  void cooldownRefusesTheSameActionOnTheSameWorkload() throws Exception {
    var budget = DisruptionBudget.builder().maxDisruptionsPerWindow(5).cooldown(Duration.ofMinutes(5))
        .build();
    assertThat(healing("web-abc-0", budget).restartSelf().execute(Fixtures.ctx(clock)).status())
        .isEqualTo(Status.SUCCEEDED);
    clock.advance(Duration.ofMinutes(4));

    var result = healing("web-abc-1", budget).restartSelf().execute(Fixtures.ctx(clock));

    assertThat(result.status()).isEqualTo(Status.NOT_NOW);
    assertThat(result.message()).contains("cooling down until 2026-01-01T00:05:00Z");
    clock.advance(Duration.ofMinutes(1));
    assertThat(healing("web-abc-1", budget).restartSelf().execute(Fixtures.ctx(clock)).status())
        .isEqualTo(Status.SUCCEEDED);
  }

  @Test
  void nonLeaderDoesNothing() throws Exception {
    leadership.leader.set(false);
    RecordedRequests.drain(server);

    var result = healing("web-abc-0").restartSelf().execute(Fixtures.ctx(clock));

    assertThat(result.status()).isEqualTo(Status.UNAVAILABLE);
    assertThat(result.message()).contains("not the leader").contains("other-pod");
    assertThat(RecordedRequests.drain(server)).isEmpty();
    assertThat(Fixtures.exists(client, "web-abc-0")).isTrue();
  }

  @Test
  void losingLeadershipMidEpisodeStopsBeforeTheDelete() throws Exception {
    leadership.checksBeforeLoss = 1; // the entry check passes, the pre-delete check fails

    var result = healing("web-abc-0").restartSelf().execute(Fixtures.ctx(clock));

    assertThat(result.status()).isEqualTo(Status.UNAVAILABLE);
    assertThat(result.message()).contains("not the leader");
    assertThat(Fixtures.exists(client, "web-abc-0")).isTrue();
  }

  @Test
  void timesOutWhenTheAttemptsDeadlinePasses() throws Exception {
    TickingClock ticking = new TickingClock(Duration.ofSeconds(4));
    var k8s = KubernetesHealing.builder().client(client).environment(Fixtures.env("web-abc-0"))
        .leadership(leadership).clock(ticking).build();

    var result = k8s.restartSelf().execute(Fixtures.ctx(ticking));

    assertThat(result.status()).isEqualTo(Status.FAILED);
    assertThat(result.message()).contains("timed out after PT10S");
    assertThat(Fixtures.exists(client, "web-abc-0")).isTrue();
  }

  @Test
  void outsideTheClusterEveryActionIsUnavailable() throws Exception {
    var k8s = KubernetesHealing.builder().client(client)
        .environment(KubernetesEnvironment.outside("not running in a Kubernetes cluster"))
        .leadership(leadership).clock(clock).build();

    for (ClusterAction a : List.of(k8s.restartSelf(), k8s.evictSelf(), k8s.rolloutRestart(),
        k8s.restartPod(Map.of("app", "web")), k8s.scaleDeployment("web", 1, 1, 5))) {
      var result = a.execute(Fixtures.ctx(clock));
      assertThat(result.status()).as(a.name()).isEqualTo(Status.UNAVAILABLE);
      assertThat(result.message()).contains("not running in a Kubernetes cluster");
    }
    assertThat(Fixtures.exists(client, "web-abc-0")).isTrue();
  }
}
