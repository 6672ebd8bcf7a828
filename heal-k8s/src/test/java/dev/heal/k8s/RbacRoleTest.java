package dev.heal.k8s;

import static dev.heal.k8s.Fixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.heal.core.healer.ActionResult.Status;
import dev.heal.core.time.ManualClock;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * Least privilege, checked against reality: every action runs against the mock server, each
 * request it makes is turned into the (group, resource, verb) RBAC would check, and
 *
 * <ul>
 *   <li>each action's requests are covered by the rules it declares, and
 *   <li>the shipped Role is exactly the union of what the actions were seen to call: nothing
 *       missing, nothing extra.
 * </ul>
 */
@EnableKubernetesMockClient(crud = true)
class RbacRoleTest {
  KubernetesMockServer server;
  KubernetesClient client;
  ManualClock clock = Fixtures.clock();

  KubernetesHealing healing(String self) {
    return KubernetesHealing.builder().client(client).environment(Fixtures.env(self))
        .leadership(Leadership.always()).clock(clock).allowCordon(true)
        .budget(DisruptionBudget.builder().maxDisruptionsPerWindow(100).maxUnavailableShare(1.0)
            .build())
        .build();
  }

  /** "group|resource verb" for every request, as the API server's authorizer would see it. */
  static Set<String> permissions(List<RecordedRequest> requests) {
    Set<String> out = new TreeSet<>();
    for (RecordedRequest r : requests) {
      String path = r.getPath();
      int q = path.indexOf('?');
      String query = q < 0 ? "" : path.substring(q + 1);
      List<String> s = new ArrayList<>(List.of(path.substring(1, q < 0 ? path.length() : q)
          .split("/")));
      String group;
      if (s.get(0).equals("api")) {
        group = "";
        s = s.subList(2, s.size());
      } else {
        group = s.get(1);
        s = s.subList(3, s.size());
      }
      if (s.get(0).equals("namespaces") && s.size() > 2) {
        s = s.subList(2, s.size());
      }
      String resource = s.get(0) + (s.size() > 2 ? "/" + s.get(2) : "");
      boolean named = s.size() > 1;
      String verb = switch (r.getMethod()) {
        case "GET" -> query.contains("watch=true") ? "watch" : named ? "get" : "list";
        case "POST" -> "create";
        case "PUT" -> "update";
        case "PATCH" -> "patch";
        case "DELETE" -> named ? "delete" : "deletecollection";
        default -> throw new AssertionError("unexpected method " + r.getMethod());
      };
      out.add(group + "|" + resource + " " + verb);
    }
    return out;
  }

  static Set<String> declared(List<RbacRule> rules) {
    Set<String> out = new TreeSet<>();
    for (RbacRule rule : rules) {
      for (String v : rule.verbs()) {
        out.add(rule.apiGroup() + "|" + rule.resource() + " " + v);
      }
    }
    return out;
  }

  /** Runs {@code call} and returns the permissions its requests needed. */
  Set<String> observe(Callable<?> call) throws Exception {
    RecordedRequests.drain(server);
    call.call();
    return permissions(RecordedRequests.drain(server));
  }

  Set<String> observeAction(ClusterAction action, Map<String, String> trigger, Status expected)
      throws Exception {
    Set<String> seen = observe(() -> {
      var result = action.execute(Fixtures.ctx(clock, false, trigger));
      assertThat(result.status()).as(action + ": " + result.message()).isEqualTo(expected);
      return result;
    });
    assertThat(declared(action.requiredRules())).as("rules %s declares", action)
        .containsAll(seen);
    return seen;
  }

  static String resource(String name) throws IOException {
    try (InputStream in = RbacRoleTest.class.getResourceAsStream("/" + name)) {
      assertThat(in).as(name + " on the classpath").isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void theShippedRoleIsExactlyWhatTheActionsCall() throws Exception {
    Fixtures.deployment(client, "web", 3, 0);
    Fixtures.deployment(client, "cache", 3, 1);
    Fixtures.statefulSet(client, "db", 3);
    client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-1").endMetadata()
        .withNewSpec().endSpec().build()).create();
    server.expect().post().withPath("/api/v1/namespaces/shop/pods/web-abc-1/eviction")
        .andReturn(201, new StatusBuilder().withStatus("Success").build()).once();
    server.expect().post().withPath("/api/v1/namespaces/shop/pods/cache-abc-3/eviction")
        .andReturn(429, new StatusBuilder().withCode(429).withMessage("pdb").build()).always();

    Set<String> namespaced = new TreeSet<>();
    Set<String> cluster = new TreeSet<>();
    namespaced.addAll(observeAction(healing("web-abc-0").restartSelf(), Map.of(), Status.SUCCEEDED));
    namespaced.addAll(observeAction(healing("web-abc-1").evictSelf(), Map.of(), Status.SUCCEEDED));
    namespaced.addAll(observeAction(healing("web-abc-2").restartPod(Map.of("app", "db")),
        Map.of("pod", "db-1"), Status.SUCCEEDED));
    // Refused twice: the second Warning is aggregated into the first (get + update).
    for (int i = 0; i < 2; i++) {
      namespaced.addAll(observeAction(healing("web-abc-2").evictPod(Map.of("app", "cache")),
          Map.of(), Status.NOT_NOW));
    }
    namespaced.addAll(observeAction(healing("web-abc-2").rolloutRestart(), Map.of(),
        Status.SUCCEEDED));
    namespaced.addAll(observeAction(healing("db-0").rolloutRestart("StatefulSet", "db"), Map.of(),
        Status.SUCCEEDED));
    namespaced.addAll(observeAction(healing("web-abc-2").scaleDeployment("web", 1, 1, 9), Map.of(),
        Status.SUCCEEDED));
    for (String p : observeAction(healing("web-abc-2").cordonNode(), Map.of(), Status.SUCCEEDED)) {
      (p.startsWith("|nodes ") ? cluster : namespaced).add(p);
    }
    Set<String> lease = observe(() -> {
      try (KubernetesLeaderElection e = KubernetesLeaderElection.builder().client(client)
          .namespace(NS).identity("web-abc-0").leaseDuration(Duration.ofSeconds(10))
          .renewDeadline(Duration.ofSeconds(8)).retryPeriod(Duration.ofMillis(100)).build()) {
        e.start();
        await().atMost(Duration.ofSeconds(10)).until(e::isLeader);
      }
      return null;
    });
    assertThat(declared(KubernetesHealing.leaderElectionRules())).containsAll(lease);
    namespaced.addAll(lease);

    Set<String> role = declared(healing("web-abc-0").requiredRules());
    assertThat(role).as("declared namespaced rules vs observed requests")
        .containsExactlyInAnyOrderElementsOf(namespaced);
    assertThat(cluster).containsExactlyInAnyOrder("|nodes get", "|nodes patch");

    assertThat(resource("heal-k8s-role.yaml"))
        .isEqualTo(Rbac.roleYaml("heal-k8s", healing("web-abc-0").requiredRules()));
    assertThat(resource("heal-k8s-cordon-clusterrole.yaml")).isEqualTo(Rbac.clusterRoleYaml(
        "heal-k8s-cordon", healing("web-abc-0").cordonNode().requiredRules()));
  }

  @Test
  void theRoleInTheGuideMatchesTheShippedOne() throws Exception {
    java.nio.file.Path guide = java.nio.file.Path.of("..", "docs", "kubernetes.md");
    String docs = java.nio.file.Files.readString(guide).replaceAll(" *#[^\n\"]*\n", "\n");
    String shipped = resource("heal-k8s-role.yaml");
    String rules = shipped.substring(shipped.indexOf("rules:\n"));

    assertThat(docs).as("the Role in %s", guide).contains(rules);
  }
}
