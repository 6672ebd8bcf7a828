package dev.heal.k8s;

import static dev.heal.k8s.Fixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heal.core.time.ManualClock;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class KubernetesEventsTest {
  KubernetesMockServer server;
  KubernetesClient client;
  ManualClock clock = Fixtures.clock();

  KubernetesEvents events() {
    return KubernetesEvents.builder().client(client).component("heal").instance("web-abc-0")
        .namespace(NS).clock(clock).build();
  }

  static ObjectReference pod(String name) {
    return new ObjectReferenceBuilder().withApiVersion("v1").withKind("Pod").withNamespace(NS)
        .withName(name).withUid(name + "-uid").build();
  }

  List<Event> list(String ns) {
    return client.v1().events().inNamespace(ns).list().getItems();
  }

  @Test
  void recordsACoreV1EventOnTheInvolvedObject() {
    events().record(pod("web-1"), KubernetesEvents.Type.WARNING, "HealBlastRadiusLimit",
        "not restarting pod web-1");

    assertThat(list(NS)).singleElement().satisfies(e -> {
      assertThat(e.getApiVersion()).isEqualTo("v1");
      assertThat(e.getInvolvedObject()).isEqualTo(pod("web-1"));
      assertThat(e.getType()).isEqualTo("Warning");
      assertThat(e.getReason()).isEqualTo("HealBlastRadiusLimit");
      assertThat(e.getMessage()).isEqualTo("not restarting pod web-1");
      assertThat(e.getCount()).isEqualTo(1);
      assertThat(e.getFirstTimestamp()).isEqualTo("2026-01-01T00:00:00Z");
      assertThat(e.getLastTimestamp()).isEqualTo("2026-01-01T00:00:00Z");
      assertThat(e.getReportingComponent()).isEqualTo("heal");
      assertThat(e.getReportingInstance()).isEqualTo("web-abc-0");
      assertThat(e.getSource().getComponent()).isEqualTo("heal");
      assertThat(e.getMetadata().getName()).startsWith("web-1.");
    });
  }

  @Test
  void repeatsAreAggregatedByCountAndLastTimestamp() {
    KubernetesEvents ev = events();
    ev.record(pod("web-1"), KubernetesEvents.Type.WARNING, "HealEvictionRefused", "429");
    clock.advance(Duration.ofSeconds(30));
    ev.record(pod("web-1"), KubernetesEvents.Type.WARNING, "HealEvictionRefused", "429");
    clock.advance(Duration.ofSeconds(30));
    // A restarted healer (a new recorder) still aggregates into the same Event.
    events().record(pod("web-1"), KubernetesEvents.Type.WARNING, "HealEvictionRefused", "429");

    assertThat(list(NS)).singleElement().satisfies(e -> {
      assertThat(e.getCount()).isEqualTo(3);
      assertThat(e.getFirstTimestamp()).isEqualTo("2026-01-01T00:00:00Z");
      assertThat(e.getLastTimestamp()).isEqualTo("2026-01-01T00:01:00Z");
    });
  }

  @Test
  void aConcurrentCreateOrBumpIsRetriedOnce() {
    KubernetesEvents ev = events();
    server.expect().post().withPath("/api/v1/namespaces/shop/events")
        .andReturn(409, new StatusBuilder().withCode(409).withReason("AlreadyExists").build())
        .once();
    ev.record(pod("web-1"), KubernetesEvents.Type.WARNING, "HealCooldown", "cooling");
    assertThat(list(NS)).singleElement().satisfies(e -> assertThat(e.getCount()).isEqualTo(1));

    String name = list(NS).get(0).getMetadata().getName();
    server.expect().put().withPath("/api/v1/namespaces/shop/events/" + name)
        .andReturn(409, new StatusBuilder().withCode(409).withReason("Conflict").build()).once();
    ev.record(pod("web-1"), KubernetesEvents.Type.WARNING, "HealCooldown", "cooling");

    assertThat(list(NS)).singleElement().satisfies(e -> assertThat(e.getCount()).isEqualTo(2));
    assertThat(ev.failures()).isZero();
  }

  @Test
  void differentReasonMessageTypeOrObjectMakeDifferentEvents() {
    KubernetesEvents ev = events();
    ev.record(pod("web-1"), KubernetesEvents.Type.NORMAL, "HealRestartPod", "deleted");
    ev.record(pod("web-1"), KubernetesEvents.Type.WARNING, "HealRestartPod", "deleted");
    ev.record(pod("web-1"), KubernetesEvents.Type.NORMAL, "HealDryRun", "deleted");
    ev.record(pod("web-1"), KubernetesEvents.Type.NORMAL, "HealRestartPod", "other");
    ev.record(pod("web-2"), KubernetesEvents.Type.NORMAL, "HealRestartPod", "deleted");

    assertThat(list(NS)).hasSize(5).allSatisfy(e -> assertThat(e.getCount()).isEqualTo(1));
  }

  @Test
  void clusterScopedObjectsGetTheirEventsInTheRecordersNamespace() {
    events().record(new ObjectReferenceBuilder().withApiVersion("v1").withKind("Node")
        .withName("node-1").build(), KubernetesEvents.Type.NORMAL, "HealCordonNode", "cordoned");

    assertThat(list(NS)).singleElement()
        .satisfies(e -> assertThat(e.getInvolvedObject().getKind()).isEqualTo("Node"));
  }

  @Test
  void longMessagesAreTruncated() {
    events().record(pod("web-1"), KubernetesEvents.Type.NORMAL, "HealDryRun", "x".repeat(5000));

    assertThat(list(NS)).singleElement()
        .satisfies(e -> assertThat(e.getMessage()).hasSize(1024));
  }

  @Test
  void aFailingApiNeverThrowsAndIsCounted() {
    KubernetesEvents ev = events();
    client.close(); // every call fails now

    ev.record(pod("web-1"), KubernetesEvents.Type.NORMAL, "HealDryRun", "m");
    ev.record(pod("web-2"), KubernetesEvents.Type.WARNING, "HealDryRun", "m");

    assertThat(ev.failures()).isEqualTo(2);
  }

  @Test
  void builderNamesTheMissingParameter() {
    assertThatThrownBy(() -> KubernetesEvents.builder().component("heal").instance("p")
        .namespace(NS).build()).hasMessageContaining("client");
    assertThatThrownBy(() -> KubernetesEvents.builder().client(client).namespace(NS).build())
        .hasMessageContaining("instance");
    assertThatThrownBy(() -> KubernetesEvents.builder().client(client).instance("p").build())
        .hasMessageContaining("namespace");
  }

  @Test
  void noneRecordsNothing() {
    KubernetesEvents.NONE.record(pod("web-1"), KubernetesEvents.Type.NORMAL, "HealDryRun", "m");

    assertThat(list(NS)).isEmpty();
  }
}
