package dev.heal.k8s.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heal.core.fleet.FleetGuard;
import dev.heal.core.fleet.FleetSize;
import dev.heal.core.fleet.FleetState;
import dev.heal.core.fleet.SlotAnswer;
import dev.heal.core.fleet.StoreFleetGuard;
import dev.heal.core.fleet.spi.FleetStore;
import dev.heal.core.time.ManualClock;
import dev.heal.k8s.KubernetesFleetGuard;
import dev.heal.k8s.WorkloadRef;
import dev.heal.k8s.internal.ConfigMapFleetStore;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The Kubernetes fleet guard's store: its encoding, its error classification, its builder. */
class KubernetesFleetGuardTest {
  private final ConfigMapFleetStore store = new ConfigMapFleetStore(null, "shop", "heal-fleet-web",
      new WorkloadRef("Deployment", "shop", "web"), new ManualClock(), Duration.ofSeconds(30));

  @Test
  void theConfigMapEncodingKeepsSlotsAndSymptoms() {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    FleetState s = FleetState.EMPTY
        .acquire("web-1.x", "ep-7", "db", OptionalDouble.empty(), 4, 0.5, t, Duration.ofSeconds(60)).next()
        .published("web-2", Set.of("db", "dns"), t, Duration.ofSeconds(60));
    Map<String, String> data = ConfigMapFleetStore.encode(s);
    assertThat(data).containsEntry("slot.web-1.x_ep-7", "2026-01-01T00:00:00Z,2026-01-01T00:01:00Z")
        .containsEntry("member.web-2", "2026-01-01T00:01:00Z;db,dns");
    assertThat(ConfigMapFleetStore.decode(data)).isEqualTo(s);
    assertThat(ConfigMapFleetStore.decode(Map.of("slot.broken", "x", "member.a", "nope", "other", "1")))
        .isEqualTo(FleetState.EMPTY);
  }

  @Test
  void tooManyRequestsWaitsForItsRetryAfterAndServerErrorsAreRetriedButForbiddenIsNot() {
    KubernetesClientException tooMany = new KubernetesClientException(new StatusBuilder().withCode(429)
        .withNewDetails().withRetryAfterSeconds(3).endDetails().build());
    assertThat(store.retryDelay(tooMany)).contains(Duration.ofSeconds(3));
    assertThat(store.retryDelay(new KubernetesClientException(new StatusBuilder().withCode(429).build())))
        .contains(Duration.ofSeconds(1));
    assertThat(store.retryDelay(new KubernetesClientException("etcd", 503, null))).contains(Duration.ZERO);
    assertThat(store.retryDelay(new KubernetesClientException("no answer", new java.net.http.HttpTimeoutException(
        "timed out")))).contains(Duration.ZERO);
    assertThat(store.retryDelay(new KubernetesClientException("forbidden", 403, null))).isEmpty();
    assertThat(store.retryDelay(new KubernetesClientException("invalid", 422, null))).isEmpty();
  }

  @Test
  void aForbiddenStoreAnswersUnreachableAtOnceWithoutRetrying() {
    ManualClock clock = new ManualClock();
    int[] calls = new int[1];
    FleetStore forbidden = new FleetStore() {
      @Override
      public Versioned load() {
        calls[0]++;
        throw new KubernetesClientException("configmaps is forbidden", 403, null);
      }

      @Override
      public boolean save(FleetState next, String expectedVersion) {
        throw new AssertionError("nothing to save");
      }

      @Override
      public FleetSize size() {
        return FleetSize.allReady(4);
      }

      @Override
      public java.util.Optional<Duration> retryDelay(RuntimeException failure) {
        return store.retryDelay(failure); // the ConfigMap store's classification
      }
    };
    StoreFleetGuard guard = StoreFleetGuard.builder().store(forbidden).member("web-1").clock(clock).io(Runnable::run)
        .build();
    AtomicReference<SlotAnswer> answer = new AtomicReference<>();
    ((CompletableFuture<SlotAnswer>) guard.acquire(new FleetGuard.SlotRequest("ep-1", "db", "db",
        OptionalDouble.empty()))).thenAccept(answer::set);
    assertThat(answer.get()).isInstanceOf(SlotAnswer.Unreachable.class);
    assertThat(answer.get().message()).contains("retrying cannot help").contains("forbidden");
    assertThat(calls[0]).isEqualTo(1);
  }

  @Test
  void theBuilderNamesWhatIsMissingOrWrong() {
    assertThatThrownBy(() -> KubernetesFleetGuard.builder().build()).hasMessage("client must be set");
    assertThatThrownBy(() -> KubernetesFleetGuard.builder().client(new io.fabric8.kubernetes.client
        .KubernetesClientBuilder().build()).build()).hasMessageContaining("workload must be set");
    assertThatThrownBy(() -> KubernetesFleetGuard.builder().client(new io.fabric8.kubernetes.client
        .KubernetesClientBuilder().build()).workload(new WorkloadRef("Pod", "shop", "web-1")).member("a").build())
        .hasMessage("workload must be a Deployment or StatefulSet, was Pod");
    assertThatThrownBy(() -> KubernetesFleetGuard.builder().client(new io.fabric8.kubernetes.client
        .KubernetesClientBuilder().build()).workload(new WorkloadRef("Deployment", "shop", "web")).build())
        .hasMessageContaining("member must be set");
    assertThatThrownBy(() -> KubernetesFleetGuard.builder().client(new io.fabric8.kubernetes.client
        .KubernetesClientBuilder().build()).workload(new WorkloadRef("Deployment", "shop", "web")).member("a")
        .guard(g -> g.share(1.5)).build()).hasMessage("share must be in (0, 1], was 1.5");
    assertThat(KubernetesFleetGuard.configMapName(new WorkloadRef("Deployment", "shop", "web")))
        .isEqualTo("heal-fleet-web");
  }
}
