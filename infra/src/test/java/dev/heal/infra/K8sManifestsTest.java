package dev.heal.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/** The Kubernetes base in infra/k8s/base, read with fabric8's typed model (there is no cluster here). */
class K8sManifestsTest {
  private static final String NS = "heal-demo";

  /**
   * heal-k8s's Role (heal-k8s/src/main/resources/heal-k8s-role.yaml, generated from the requests
   * its actions make) less {@code delete} on pods, which only restartSelf/restartPod use and
   * orders-service does not (it evicts): apiGroup/resource -> verbs.
   */
  private static final Map<String, Set<String>> HEAL_K8S_RULES = Map.of(
      "apps/deployments", Set.of("get", "patch"),
      "apps/replicasets", Set.of("get"),
      "apps/statefulsets", Set.of("get", "patch"),
      "coordination.k8s.io/leases", Set.of("create", "get", "patch"),
      "/configmaps", Set.of("create", "get", "update"),
      "/events", Set.of("create", "get", "update"),
      "/pods", Set.of("get", "list"),
      "/pods/eviction", Set.of("create"));

  private static List<HasMetadata> base() {
    List<HasMetadata> all = new ArrayList<>();
    for (Path f : Infra.files("k8s/base", ".yaml")) {
      if (!f.getFileName().toString().equals("kustomization.yaml")) {
        all.addAll(Manifests.load(f));
      }
    }
    return all;
  }

  private static <T extends HasMetadata> List<T> all(Class<T> type) {
    return base().stream().filter(type::isInstance).map(type::cast).toList();
  }

  private static <T extends HasMetadata> T one(Class<T> type, String name) {
    return all(type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
  }

  private static Container container(Deployment d) {
    assertThat(d.getSpec().getTemplate().getSpec().getContainers()).hasSize(1);
    return d.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  private static int port(Container c, String name) {
    return c.getPorts().stream().filter(p -> name.equals(p.getName())).map(ContainerPort::getContainerPort)
        .findFirst().orElseThrow(() -> new AssertionError(c.getName() + " has no port named " + name));
  }

  @Test
  void everyManifestParsesIntoTheTypedModelWithoutUnknownFields() {
    for (Path f : Infra.files("k8s", ".yaml")) {
      if (f.getFileName().toString().equals("kustomization.yaml")) {
        continue;
      }
      for (HasMetadata o : Manifests.load(f)) {
        assertThat(o.getClass().getSimpleName())
            .as("%s parses to a typed class", f).isNotEqualTo("GenericKubernetesResource");
        assertThat(Manifests.unknownFields(o)).as("fields of %s %s in %s that Kubernetes does not know",
            o.getKind(), o.getMetadata().getName(), f).isEmpty();
        if (!(o instanceof Namespace)) {
          assertThat(o.getMetadata().getNamespace()).as("%s %s", o.getKind(), o.getMetadata().getName())
              .isEqualTo(NS);
        }
      }
    }
  }

  @Test
  void unknownFieldsAreFound() {
    var typo = Manifests.parse("""
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: c
              image: i
              readinesProbe: {httpGet: {path: /readyz, port: 8081}}
        """);
    assertThat(Manifests.unknownFields(typo.get(0))).containsExactly("spec.containers[0].readinesProbe");
  }

  @Test
  void kustomizationListsEveryBaseManifestButTheSecretTemplate() {
    JsonNode k = Infra.yaml(Infra.path("k8s/base/kustomization.yaml"));
    Set<String> listed = new TreeSet<>();
    k.get("resources").forEach(r -> listed.add(r.asString()));
    Set<String> present = Infra.files("k8s/base", ".yaml").stream().map(p -> p.getFileName().toString())
        .filter(n -> !n.equals("kustomization.yaml") && !n.equals("secret.example.yaml"))
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(listed).isEqualTo(present);
    for (String overlay : List.of("demo", "terraform")) {
      JsonNode o = Infra.yaml(Infra.path("k8s/overlays/" + overlay + "/kustomization.yaml"));
      assertThat(o.get("resources").get(0).asString()).isEqualTo("../../base");
    }
  }

  @ParameterizedTest
  @CsvSource({
    "orders-service,   ghcr.io/heal-dev/orders-service:0.1.0,   8080, 8081",
    "payments-service, ghcr.io/heal-dev/payments-service:0.1.0, 8090, 8091"
  })
  void deploymentProbesHealsEndpointsOnTheManagementPort(String name, String image, int app, int mgmt) {
    Deployment d = one(Deployment.class, name);
    Container c = container(d);
    assertThat(c.getImage()).isEqualTo(image);
    assertThat(port(c, "http")).isEqualTo(app);
    assertThat(port(c, "management")).isEqualTo(mgmt);

    Probe startup = c.getStartupProbe();
    Probe readiness = c.getReadinessProbe();
    Probe liveness = c.getLivenessProbe();
    assertThat(List.of(startup, readiness, liveness)).doesNotContainNull();
    assertThat(startup.getHttpGet().getPath()).isEqualTo("/startupz");
    assertThat(readiness.getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(liveness.getHttpGet().getPath()).isEqualTo("/livez");
    for (Probe p : List.of(startup, readiness, liveness)) {
      IntOrString port = p.getHttpGet().getPort();
      assertThat(port.getStrVal() != null ? port(c, port.getStrVal()) : port.getIntVal()).isEqualTo(mgmt);
    }
    // The startup probe gates a slow start (at least a minute) so liveness never kills a booting JVM.
    assertThat(startup.getPeriodSeconds() * startup.getFailureThreshold()).isGreaterThanOrEqualTo(60);
    // Readiness reacts fast: out of the Service within 15 s.
    assertThat(readiness.getFailureThreshold()).isBetween(1, 3);
    assertThat(readiness.getPeriodSeconds() * readiness.getFailureThreshold()).isLessThanOrEqualTo(15);
    // Liveness is tolerant: at least a minute of failures before a restart.
    assertThat(liveness.getPeriodSeconds() * liveness.getFailureThreshold()).isGreaterThanOrEqualTo(60);
    assertThat(liveness.getFailureThreshold()).isGreaterThan(readiness.getFailureThreshold());
  }

  @ParameterizedTest
  @CsvSource({"orders-service", "payments-service"})
  void deploymentIsHardenedSizedAndDrains(String name) {
    Deployment d = one(Deployment.class, name);
    PodSpec pod = d.getSpec().getTemplate().getSpec();
    Container c = container(d);
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    // A read-only root needs a writable /tmp for the JVM.
    assertThat(c.getVolumeMounts()).anyMatch(m -> m.getMountPath().equals("/tmp"));

    assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(c.getResources().getLimits()).containsKey("memory");

    Map<String, String> downward = c.getEnv().stream()
        .filter(e -> e.getValueFrom() != null && e.getValueFrom().getFieldRef() != null)
        .collect(Collectors.toMap(EnvVar::getName, e -> e.getValueFrom().getFieldRef().getFieldPath()));
    assertThat(downward).containsEntry("POD_NAME", "metadata.name")
        .containsEntry("POD_NAMESPACE", "metadata.namespace")
        .containsEntry("NODE_NAME", "spec.nodeName");

    int preStop = c.getLifecycle().getPreStop().getSleep().getSeconds().intValue();
    assertThat(preStop).isPositive();
    assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThan(preStop + 10L);
    assertThat(d.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
    assertThat(d.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("heal.dev/scrape", "true");
  }

  @Test
  void ordersServiceGetsItsConfigurationAndSecretsFromTheSecretTemplate() {
    Container c = container(one(Deployment.class, "orders-service"));
    Map<String, EnvVar> env = c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
    assertThat(env.get("ORDERS_DB_URL").getValue()).startsWith("jdbc:postgresql://postgres.");
    assertThat(env.get("ORDERS_DB_USER").getValue()).isEqualTo("orders");
    assertThat(env.get("ORDERS_DB_PASSWORD").getValueFrom().getSecretKeyRef().getKey()).isEqualTo("db-password");
    assertThat(env.get("HEAL_ALERT_TOKEN").getValueFrom().getSecretKeyRef().getKey()).isEqualTo("alert-token");
    assertThat(env.get("SLACK_WEBHOOK_URL").getValueFrom().getSecretKeyRef().getKey()).isEqualTo("slack-webhook-url");
    // The read token is optional, so a Secret made before it existed still starts the pod (reads stay closed).
    assertThat(env.get("HEAL_READ_TOKEN").getValueFrom().getSecretKeyRef().getKey()).isEqualTo("read-token");
    assertThat(env.get("HEAL_READ_TOKEN").getValueFrom().getSecretKeyRef().getOptional()).isTrue();
    assertThat(env.get("HEAL_ALERT_TOKEN").getValueFrom().getSecretKeyRef().getOptional()).as("the intake's token")
        .isNotEqualTo(Boolean.TRUE);

    Secret template = one(Secret.class, "orders-service-secrets");
    assertThat(template.getStringData().values()).as("the template carries no real values").allMatch(String::isEmpty);
    assertThat(template.getData()).isNullOrEmpty();
    // Every secret any pod reads exists in the template with that key.
    List<PodTemplateSpec> pods = new ArrayList<>();
    all(Deployment.class).forEach(d -> pods.add(d.getSpec().getTemplate()));
    all(StatefulSet.class).forEach(s -> pods.add(s.getSpec().getTemplate()));
    pods.stream().flatMap(p -> p.getSpec().getContainers().stream()).flatMap(x -> x.getEnv().stream())
        .filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
        .map(e -> e.getValueFrom().getSecretKeyRef())
        .forEach(ref -> {
          assertThat(ref.getName()).isEqualTo("orders-service-secrets");
          assertThat(template.getStringData()).containsKey(ref.getKey());
        });
  }

  @Test
  void servicesSelectTheirPodsAndNamePortsThatExist() {
    List<PodTemplateSpec> pods = Stream.concat(
        all(Deployment.class).stream().map(d -> d.getSpec().getTemplate()),
        all(StatefulSet.class).stream().map(s -> s.getSpec().getTemplate())).toList();
    assertThat(all(Service.class)).extracting(s -> s.getMetadata().getName())
        .contains("orders-service", "payments-service", "postgres");
    for (Service s : all(Service.class)) {
      PodTemplateSpec pod = pods.stream()
          .filter(p -> p.getMetadata().getLabels().entrySet().containsAll(s.getSpec().getSelector().entrySet()))
          .findFirst().orElseThrow(() -> new AssertionError("Service " + s.getMetadata().getName() + " selects no pods"));
      Set<String> portNames = pod.getSpec().getContainers().stream().flatMap(c -> c.getPorts().stream())
          .map(ContainerPort::getName).collect(Collectors.toSet());
      s.getSpec().getPorts().forEach(p -> assertThat(portNames).contains(p.getTargetPort().getStrVal()));
    }
  }

  @ParameterizedTest
  @CsvSource({"orders-service, 2, 10", "payments-service, 2, 6"})
  void disruptionBudgetAndAutoscalerCoverEachDeployment(String name, int min, int max) {
    Deployment d = one(Deployment.class, name);
    PodDisruptionBudget pdb = one(PodDisruptionBudget.class, name);
    assertThat(pdb.getApiVersion()).isEqualTo("policy/v1");
    assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
    assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);

    HorizontalPodAutoscaler hpa = one(HorizontalPodAutoscaler.class, name);
    assertThat(hpa.getApiVersion()).isEqualTo("autoscaling/v2");
    assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
    assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(name);
    assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(min);
    assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(max);
    // With at least two replicas a PDB of one unavailable never blocks every eviction.
    assertThat(d.getSpec().getReplicas()).isEqualTo(min);
    assertThat(hpa.getSpec().getMetrics()).anyMatch(m -> m.getResource() != null
        && m.getResource().getName().equals("cpu"));
  }

  @Test
  void roleGrantsExactlyWhatHealK8sNeedsToOrdersServiceOnly() throws Exception {
    Role role = one(Role.class, "heal-k8s");
    assertThat(rules(role.getRules())).isEqualTo(HEAL_K8S_RULES);
    // Once heal-k8s is in the same tree, compare with its generated Role too.
    Path upstream = Infra.root().resolve("heal-k8s/src/main/resources/heal-k8s-role.yaml");
    if (Files.exists(upstream)) {
      Role theirs = (Role) Manifests.load(upstream).get(0);
      Map<String, Set<String>> withoutPodDelete = new java.util.TreeMap<>(rules(theirs.getRules()));
      withoutPodDelete.computeIfPresent("/pods", (k, verbs) -> {
        Set<String> left = new TreeSet<>(verbs);
        left.remove("delete");
        return left;
      });
      assertThat(rules(role.getRules())).as("Role heal-k8s matches %s less pod delete", upstream)
          .isEqualTo(withoutPodDelete);
    }

    RoleBinding binding = one(RoleBinding.class, "heal-k8s-orders-service");
    assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
    assertThat(binding.getRoleRef().getName()).isEqualTo("heal-k8s");
    assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
      assertThat(s.getKind()).isEqualTo("ServiceAccount");
      assertThat(s.getName()).isEqualTo("orders-service");
      assertThat(s.getNamespace()).isEqualTo(NS);
    });
    Deployment orders = one(Deployment.class, "orders-service");
    assertThat(orders.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("orders-service");
    assertThat(one(ServiceAccount.class, "orders-service").getAutomountServiceAccountToken()).isTrue();
    // payments-service has no API access at all.
    Deployment payments = one(Deployment.class, "payments-service");
    assertThat(payments.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("payments-service");
    assertThat(one(ServiceAccount.class, "payments-service").getAutomountServiceAccountToken()).isFalse();
    assertThat(all(RoleBinding.class)).allMatch(b -> b.getSubjects().stream()
        .noneMatch(s -> s.getName().equals("payments-service")));
  }

  private static Map<String, Set<String>> rules(List<PolicyRule> rules) {
    Map<String, Set<String>> out = new java.util.TreeMap<>();
    for (PolicyRule r : rules) {
      assertThat(r.getResourceNames()).isNullOrEmpty();
      for (String g : r.getApiGroups()) {
        for (String res : r.getResources()) {
          out.computeIfAbsent(g + "/" + res, k -> new TreeSet<>()).addAll(r.getVerbs());
        }
      }
    }
    return out;
  }

  @Test
  void networkPoliciesAllowOnlyTheIntendedFlows() {
    NetworkPolicy deny = one(NetworkPolicy.class, "default-deny-ingress");
    assertThat(deny.getSpec().getPodSelector().getMatchLabels()).isNullOrEmpty();
    assertThat(deny.getSpec().getIngress()).isNullOrEmpty();
    assertThat(deny.getSpec().getPolicyTypes()).containsExactly("Ingress");

    // payments: 8090 from orders-service pods only, 8091 from Prometheus only.
    assertThat(flows("payments-service")).containsExactlyInAnyOrder(
        "8090<-pod:orders-service", "8091<-monitoring/prometheus");
    // orders: the API from anywhere; the management port from Prometheus and Alertmanager.
    assertThat(flows("orders-service")).containsExactlyInAnyOrder(
        "8080<-any", "8081<-monitoring/prometheus", "8081<-monitoring/alertmanager");
    assertThat(flows("postgres")).containsExactly("5432<-pod:orders-service");
  }

  private static List<String> flows(String app) {
    NetworkPolicy p = all(NetworkPolicy.class).stream()
        .filter(n -> app.equals(n.getSpec().getPodSelector().getMatchLabels() == null ? null
            : n.getSpec().getPodSelector().getMatchLabels().get("app.kubernetes.io/name")))
        .findFirst().orElseThrow(() -> new AssertionError("no NetworkPolicy for " + app));
    List<String> out = new ArrayList<>();
    for (NetworkPolicyIngressRule r : p.getSpec().getIngress()) {
      assertThat(r.getPorts()).as("every rule of %s names its ports", app).isNotEmpty();
      for (var port : r.getPorts()) {
        if (r.getFrom() == null || r.getFrom().isEmpty()) {
          out.add(port.getPort().getIntVal() + "<-any");
        }
        for (NetworkPolicyPeer from : Objects.requireNonNullElse(r.getFrom(), List.<NetworkPolicyPeer>of())) {
          assertThat(from.getIpBlock()).isNull();
          String who = from.getPodSelector().getMatchLabels().get("app.kubernetes.io/name");
          String where = from.getNamespaceSelector() == null ? "pod:"
              : from.getNamespaceSelector().getMatchLabels().get("kubernetes.io/metadata.name") + "/";
          out.add(port.getPort().getIntVal() + "<-" + where + who);
        }
      }
    }
    return out;
  }

  @Test
  void postgresIsAHardenedStatefulSetWithStorage() {
    StatefulSet pg = one(StatefulSet.class, "postgres");
    assertThat(pg.getSpec().getServiceName()).isEqualTo("postgres");
    assertThat(pg.getSpec().getVolumeClaimTemplates()).singleElement()
        .satisfies(v -> assertThat(v.getSpec().getResources().getRequests()).containsKey("storage"));
    Container c = pg.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(pg.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(c.getReadinessProbe().getExec().getCommand()).first().isEqualTo("pg_isready");
    Container orders = container(one(Deployment.class, "orders-service"));
    String url = orders.getEnv().stream().filter(e -> e.getName().equals("ORDERS_DB_URL")).findFirst()
        .orElseThrow().getValue();
    assertThat(url).isEqualTo("jdbc:postgresql://postgres." + NS + ".svc:5432/"
        + c.getEnv().stream().filter(e -> e.getName().equals("POSTGRES_DB")).findFirst().orElseThrow().getValue());
  }

  @Test
  void terraformOverlayLeavesOutWhatTerraformOwns() {
    JsonNode k = Infra.yaml(Infra.path("k8s/overlays/terraform/kustomization.yaml"));
    List<String> deleted = new ArrayList<>();
    k.get("patches").forEach(p -> {
      var docs = Manifests.parse(p.get("patch").asString().replace("$patch: delete\n", ""));
      assertThat(p.get("patch").asString()).startsWith("$patch: delete");
      docs.forEach(d -> deleted.add(d.getKind() + "/" + d.getMetadata().getName()));
    });
    assertThat(deleted).containsExactly("Namespace/heal-demo");
    // It exists in the base (so the delete patch applies).
    one(Namespace.class, NS);
  }

  /**
   * Issue 16, item 8: the Role let heal delete any pod in the namespace, postgres included. Now it
   * can only evict, and postgres's PodDisruptionBudget allows no eviction.
   */
  @Test
  void healCannotDeleteOrEvictTheDatabase() {
    Role role = one(Role.class, "heal-k8s");
    assertThat(role.getRules()).noneMatch(r -> r.getResources().contains("pods") && r.getVerbs().contains("delete"));
    PodDisruptionBudget pdb = one(PodDisruptionBudget.class, "postgres");
    assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isZero();
    assertThat(one(StatefulSet.class, "postgres").getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
  }

  /**
   * Issue 16, item 8: the minimum Kubernetes version is stated (chart annotation, docs) and is the
   * newest "on by default since" of the fields the manifests use.
   */
  @Test
  void statedMinimumKubernetesVersionCoversEveryFieldUsed() {
    // Field (as a path fragment of Manifests' walk, or an apiVersion) -> minor version of 1.x
    // since which it is on by default.
    Map<String, Integer> since = Map.of(
        "lifecycle.preStop.sleep", 30,
        "autoscaling/v2", 23,
        "policy/v1", 21,
        "securityContext.seccompProfile", 19,
        "topologySpreadConstraints", 19,
        "networking.k8s.io/v1", 8);
    Set<String> used = new TreeSet<>();
    for (HasMetadata o : base()) {
      used.add(o.getApiVersion());
      String json = Manifests.SERIALIZATION.asJson(o);
      if (json.contains("\"preStop\":{\"sleep\"")) {
        used.add("lifecycle.preStop.sleep");
      }
      if (json.contains("\"seccompProfile\"")) {
        used.add("securityContext.seccompProfile");
      }
      if (json.contains("\"topologySpreadConstraints\"")) {
        used.add("topologySpreadConstraints");
      }
    }
    int needed = used.stream().filter(since::containsKey).mapToInt(since::get).max().orElseThrow();
    assertThat(used).contains("lifecycle.preStop.sleep");
    JsonNode chart = Infra.yaml(Infra.path("helm/heal-examples/Chart.yaml"));
    assertThat(chart.at("/annotations/heal.dev~1minimum-kubernetes-version").asString()).isEqualTo("1." + needed);
    assertThat(Infra.read(Infra.root().resolve("docs/kubernetes.md"))).contains("Kubernetes 1." + needed + " or newer");
    assertThat(Infra.read(Infra.path("README.md"))).contains("Kubernetes 1." + needed + " or newer");
  }
}
