package dev.heal.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heal.core.healer.ActionResult.Status;
import dev.heal.core.time.ManualClock;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Expectations mode: the server answers exactly the status codes under test. */
@EnableKubernetesMockClient
class ApiErrorMappingTest {
  static final String DEPLOYMENT = "/apis/apps/v1/namespaces/shop/deployments/web";

  KubernetesMockServer server;
  KubernetesClient client;
  ManualClock clock = Fixtures.clock();

  KubernetesHealing healing(KubernetesClient c) {
    return KubernetesHealing.builder().client(c).environment(Fixtures.env("web-abc-0"))
        .leadership(Leadership.always()).clock(clock).build();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "400, FAILED, rejected as invalid (400)",
      "401, UNAVAILABLE, is forbidden (401)",
      "403, UNAVAILABLE, is forbidden (403)",
      "404, UNAVAILABLE, not found (404)",
      "409, NOT_NOW, conflict (409)",
      "422, FAILED, rejected as invalid (422)",
      "429, NOT_NOW, refused for now (429",
      "500, FAILED, API server error (500)",
      "503, FAILED, API server error (503)",
  })
  void mapsEachStatusCodeOfTheMutatingCall(int code, Status status, String message)
      throws Exception {
    server.expect().get().withPath(DEPLOYMENT).andReturn(200, new DeploymentBuilder()
        .withNewMetadata().withName("web").withNamespace("shop").withResourceVersion("7")
        .endMetadata().withNewSpec().withReplicas(2).endSpec().build()).always();
    server.expect().patch().withPath(DEPLOYMENT + "?fieldManager=fabric8")
        .andReturn(code, new StatusBuilder().withStatus("Failure").withCode(code)
            .withMessage("server says " + code).build()).always();
    server.expect().patch().withPath(DEPLOYMENT)
        .andReturn(code, new StatusBuilder().withStatus("Failure").withCode(code)
            .withMessage("server says " + code).build()).always();

    var result = healing(client).scaleDeployment("web", 1, 1, 5).execute(Fixtures.ctx(clock));

    assertThat(result.status()).isEqualTo(status);
    assertThat(result.message()).contains(message).contains("scale deployment shop/web")
        .contains("server says " + code);
    assertThat(result.details()).containsEntry("httpStatus", Integer.toString(code));
  }

  @Test
  void forbiddenNamesTheRoleToApply() throws Exception {
    server.expect().get().withPath(DEPLOYMENT)
        .andReturn(403, new StatusBuilder().withCode(403).withMessage("deployments.apps \"web\" is "
            + "forbidden: User \"system:serviceaccount:shop:default\" cannot get resource").build())
        .always();

    var result = healing(client).rolloutRestart("Deployment", "web").execute(Fixtures.ctx(clock));

    assertThat(result.status()).isEqualTo(Status.UNAVAILABLE);
    assertThat(result.message()).contains("get shop/Deployment/web is forbidden (403)")
        .contains("heal-k8s-role.yaml").contains("cannot get resource");
  }

  @Test
  void connectionRefusedIsAFailureThatSaysTheServerIsUnreachable() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // free now, and nothing listens there once closed
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    try (KubernetesClient refused = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
        .withMasterUrl("http://127.0.0.1:" + port).withRequestRetryBackoffLimit(0)
        .withConnectionTimeout(2000).withRequestTimeout(2000).build()).build()) {

      var result = healing(refused).restartSelf().execute(Fixtures.ctx(clock));

      assertThat(result.status()).isEqualTo(Status.FAILED);
      assertThat(result.message()).contains("get pod shop/web-abc-0")
          .containsAnyOf("connection refused", "cannot reach the API server");
      assertThat(result.details()).containsEntry("httpStatus", "0");
    }
  }
}
