package dev.heal.k8s;

import static dev.heal.k8s.Fixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.heal.core.healer.ActionResult.Status;
import dev.heal.core.time.ManualClock;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The CRUD mock has no eviction subresource and no PodDisruptionBudget logic, so the eviction
 * answers are expectations layered over CRUD (the mixed dispatcher answers them first).
 */
@EnableKubernetesMockClient(crud = true)
class EvictionTest {
  static final String EVICTION = "/api/v1/namespaces/shop/pods/web-abc-0/eviction";

  KubernetesMockServer server;
  KubernetesClient client;
  ManualClock clock = Fixtures.clock();

  @BeforeEach
  void cluster() {
    Fixtures.deployment(client, "web", 4, 0);
  }

  KubernetesHealing healing() {
    return KubernetesHealing.builder().client(client).environment(Fixtures.env("web-abc-0"))
        .leadership(Leadership.always()).clock(clock).build();
  }

  @Test
  void evictSelfPostsAPolicyV1EvictionAndSucceeds() throws Exception {
    server.expect().post().withPath(EVICTION)
        .andReturn(201, new StatusBuilder().withStatus("Success").build()).once();
    RecordedRequests.drain(server);

    var result = healing().evictSelf().execute(Fixtures.ctx(clock));

    assertThat(result.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(result.message()).contains("evicted pod web-abc-0");
    RecordedRequest post = RecordedRequests.drain(server).stream()
        .filter(r -> r.getPath().endsWith("/eviction")).findFirst().orElseThrow();
    assertThat(post.getUtf8Body()).contains("\"apiVersion\":\"policy/v1\"")
        .contains("\"kind\":\"Eviction\"").doesNotContain("dryRun");
    assertThat(client.v1().events().inNamespace(NS).list().getItems())
        .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("HealEvictPod"));
  }

  @Test
  void evictionRefusedWith429IsNotNowAndReleasesTheBudget() throws Exception {
    server.expect().post().withPath(EVICTION)
        .andReturn(429, new StatusBuilder().withStatus("Failure").withCode(429)
            .withReason("TooManyRequests")
            .withMessage("Cannot evict pod as it would violate the pod's disruption budget.")
            .build())
        .always();

    var first = healing().evictSelf().execute(Fixtures.ctx(clock));
    var second = healing().evictSelf().execute(Fixtures.ctx(clock));

    assertThat(first.status()).isEqualTo(Status.NOT_NOW);
    assertThat(first.message()).contains("refused for now (429)").contains("PodDisruptionBudget");
    // The refused eviction disrupted nothing, so it did not use up the budget of 1 per window.
    assertThat(second.status()).isEqualTo(Status.NOT_NOW);
    assertThat(second.message()).contains("429");
    assertThat(Fixtures.exists(client, "web-abc-0")).isTrue();
    var events = client.v1().events().inNamespace(NS).list().getItems();
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.getReason()).isEqualTo("HealEvictionRefused");
      assertThat(e.getType()).isEqualTo("Warning");
      assertThat(e.getCount()).isEqualTo(2);
    });
  }

  @Test
  void dryRunEvictionSendsDryRunDeleteOptions() throws Exception {
    server.expect().post().withPath(EVICTION)
        .andReturn(201, new StatusBuilder().withStatus("Success").build()).once();
    RecordedRequests.drain(server);

    var result = healing().evictSelf().execute(Fixtures.dryRun(clock));

    assertThat(result.status()).isEqualTo(Status.DRY_RUN);
    assertThat(result.message()).contains("would evict pod web-abc-0");
    List<RecordedRequest> posts = RecordedRequests.drain(server).stream()
        .filter(r -> r.getPath().endsWith("/eviction")).toList();
    assertThat(posts).singleElement()
        .satisfies(r -> assertThat(r.getUtf8Body()).contains("\"dryRun\":[\"All\"]"));
    assertThat(client.configMaps().inNamespace(NS).withName("heal-k8s-ledger").get()).isNull();
  }

  @Test
  void dryRunEvictionReportsThatABudgetWouldRefuse() throws Exception {
    server.expect().post().withPath(EVICTION)
        .andReturn(429, new StatusBuilder().withCode(429).withMessage("pdb").build()).once();

    var result = healing().evictSelf().execute(Fixtures.dryRun(clock));

    assertThat(result.status()).isEqualTo(Status.DRY_RUN);
    assertThat(result.message()).contains("would be refused now (429)");
  }
}
