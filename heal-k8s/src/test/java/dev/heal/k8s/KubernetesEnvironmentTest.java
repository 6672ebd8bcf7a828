package dev.heal.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubernetesEnvironmentTest {
  @TempDir Path dir;

  @Test
  void readsDownwardApiVariables() {
    var env = KubernetesEnvironment.detect(Map.of(
        "KUBERNETES_SERVICE_HOST", "10.0.0.1",
        "POD_NAME", "web-abc-0",
        "POD_NAMESPACE", "shop",
        "NODE_NAME", "node-1")::get, dir.resolve("absent"));

    assertThat(env.inCluster()).isTrue();
    assertThat(env.podName()).contains("web-abc-0");
    assertThat(env.namespace()).contains("shop");
    assertThat(env.nodeName()).contains("node-1");
    assertThat(env.clusterActionsAvailable()).isTrue();
  }

  @Test
  void fallsBackToTheServiceAccountNamespaceFileAndHostname() throws IOException {
    Path ns = Files.writeString(dir.resolve("namespace"), "payments\n");

    var env = KubernetesEnvironment.detect(Map.of("HOSTNAME", "pay-7d9-x")::get, ns);

    assertThat(env.inCluster()).isTrue();
    assertThat(env.namespace()).contains("payments");
    assertThat(env.podName()).contains("pay-7d9-x");
    assertThat(env.nodeName()).isEmpty();
    assertThat(env.clusterActionsAvailable()).isTrue();
  }

  @Test
  void outsideAClusterActionsAreUnavailableWithAReason() {
    var env = KubernetesEnvironment.detect(Map.of("HOSTNAME", "laptop")::get, dir.resolve("none"));

    assertThat(env.inCluster()).isFalse();
    assertThat(env.podName()).isEmpty();
    assertThat(env.clusterActionsAvailable()).isFalse();
    assertThat(env.unavailableReason()).hasValueSatisfying(
        r -> assertThat(r).contains("not running in a Kubernetes cluster"));
  }

  @Test
  void inAClusterWithoutANamespaceSaysWhatToSet() {
    var env = KubernetesEnvironment.detect(
        Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1")::get, dir.resolve("none"));

    assertThat(env.inCluster()).isTrue();
    assertThat(env.unavailableReason()).hasValueSatisfying(
        r -> assertThat(r).contains("POD_NAMESPACE"));
  }

  @Test
  void blankValuesCountAsAbsent() {
    var env = KubernetesEnvironment.detect(Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1",
        "POD_NAMESPACE", "  ", "POD_NAME", "")::get, dir.resolve("none"));

    assertThat(env.namespace()).isEmpty();
    assertThat(env.podName()).isEmpty();
  }
}
