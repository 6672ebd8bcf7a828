package dev.heal.k8s;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where this process runs, as far as Kubernetes is concerned: inside a cluster or not, and the
 * pod's own name, namespace and node. Read once at start-up from the Downward API environment
 * variables ({@code POD_NAME}, {@code POD_NAMESPACE}, {@code NODE_NAME}), the service account
 * namespace file and {@code KUBERNETES_SERVICE_HOST}.
 *
 * <p>Outside a cluster every cluster action answers {@code UNAVAILABLE} with {@link
 * #unavailableReason()}; everything else in heal keeps working. Immutable and thread-safe.
 *
 * @param inCluster true if the process runs in a pod
 * @param namespace the pod's namespace, if known
 * @param podName the pod's own name, if known
 * @param nodeName the node the pod runs on, if known
 * @param unavailableReason why cluster actions cannot run here; empty when they can
 */
public record KubernetesEnvironment(
    boolean inCluster,
    Optional<String> namespace,
    Optional<String> podName,
    Optional<String> nodeName,
    Optional<String> unavailableReason) {

  /** The service account namespace file every pod gets (unless automounting is off). */
  public static final Path SERVICE_ACCOUNT_NAMESPACE =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

  public KubernetesEnvironment {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(podName, "podName");
    Objects.requireNonNull(nodeName, "nodeName");
    Objects.requireNonNull(unavailableReason, "unavailableReason");
  }

  /** Detects the environment from this process's environment variables and files. */
  public static KubernetesEnvironment detect() {
    return detect(System::getenv, SERVICE_ACCOUNT_NAMESPACE);
  }

  /**
   * Detects the environment from {@code env} (a variable name to its value or null) and the
   * service account namespace file at {@code namespaceFile}; injectable for tests.
   */
  public static KubernetesEnvironment detect(Function<String, String> env, Path namespaceFile) {
    Objects.requireNonNull(env, "env");
    Objects.requireNonNull(namespaceFile, "namespaceFile");
    Optional<String> fileNamespace = readTrimmed(namespaceFile);
    boolean inCluster = nonBlank(env.apply("KUBERNETES_SERVICE_HOST")).isPresent()
        || fileNamespace.isPresent();
    Optional<String> namespace = nonBlank(env.apply("POD_NAMESPACE")).or(() -> fileNamespace);
    // A pod's hostname is its name unless hostNetwork is on; POD_NAME from the Downward API wins.
    Optional<String> pod = nonBlank(env.apply("POD_NAME"))
        .or(() -> inCluster ? nonBlank(env.apply("HOSTNAME")) : Optional.empty());
    Optional<String> node = nonBlank(env.apply("NODE_NAME"));
    Optional<String> reason;
    if (!inCluster) {
      reason = Optional.of("not running in a Kubernetes cluster (no KUBERNETES_SERVICE_HOST and no "
          + namespaceFile + ")");
    } else if (namespace.isEmpty()) {
      reason = Optional.of("running in a cluster but the pod's namespace is unknown: set POD_NAMESPACE "
          + "from the Downward API (fieldRef metadata.namespace)");
    } else {
      reason = Optional.empty();
    }
    return new KubernetesEnvironment(inCluster, namespace, pod, node, reason);
  }

  /**
   * An explicitly configured environment, e.g. a healer that runs outside the cluster with a
   * kubeconfig and acts on {@code namespace}.
   */
  public static KubernetesEnvironment of(String namespace, String podName, String nodeName) {
    Objects.requireNonNull(namespace, "namespace");
    return new KubernetesEnvironment(true, Optional.of(namespace), Optional.ofNullable(podName),
        Optional.ofNullable(nodeName), Optional.empty());
  }

  /** Outside any cluster: every cluster action is unavailable with {@code reason}. */
  public static KubernetesEnvironment outside(String reason) {
    return new KubernetesEnvironment(false, Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.of(reason));
  }

  /** True if cluster actions can run here at all. */
  public boolean clusterActionsAvailable() {
    return unavailableReason.isEmpty();
  }

  private static Optional<String> readTrimmed(Path file) {
    try {
      if (!Files.isRegularFile(file)) {
        return Optional.empty();
      }
      return nonBlank(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException | SecurityException e) {
      return Optional.empty();
    }
  }

  private static Optional<String> nonBlank(String s) {
    return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.trim());
  }
}
