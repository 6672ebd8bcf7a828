package dev.heal.k8s.internal;

import dev.heal.core.healer.ActionResult;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/** Maps Kubernetes API failures to outcomes the healer can act on, with messages that say why. */
public final class ApiErrors {
  private ApiErrors() {}

  /** The HTTP status of {@code e}, or 0 if the request never got an answer. */
  public static int code(Throwable e) {
    // fabric8 reports -1 when no response arrived at all.
    return e instanceof KubernetesClientException k && k.getCode() > 0 ? k.getCode() : 0;
  }

  /** The {@code Retry-After} of a 429 (the Status's {@code details.retryAfterSeconds}), if it gave one. */
  public static Optional<Duration> retryAfter(Throwable e) {
    if (e instanceof KubernetesClientException k && k.getStatus() != null && k.getStatus().getDetails() != null
        && k.getStatus().getDetails().getRetryAfterSeconds() != null) {
      return Optional.of(Duration.ofSeconds(k.getStatus().getDetails().getRetryAfterSeconds()));
    }
    return Optional.empty();
  }

  /**
   * @param what the call that failed, e.g. {@code "delete pod shop/web-1"}
   */
  public static ActionResult map(RuntimeException e, String what) {
    int code = code(e);
    String status = e instanceof KubernetesClientException k && k.getStatus() != null
        && k.getStatus().getMessage() != null ? k.getStatus().getMessage() : rootMessage(e);
    Map<String, String> details = Map.of("httpStatus", Integer.toString(code));
    ActionResult r;
    if (code == 401 || code == 403) {
      r = ActionResult.unavailable(what + " is forbidden (" + code + "): the service account lacks "
          + "this permission; apply heal-k8s's Role (heal-k8s-role.yaml). " + status);
    } else if (code == 404) {
      r = ActionResult.unavailable(what + ": not found (404); the object is gone. " + status);
    } else if (code == 409) {
      r = ActionResult.notNow(what + ": conflict (409), the object changed concurrently; retry. "
          + status);
    } else if (code == 429) {
      r = ActionResult.notNow(what + ": refused for now (429, disruption budget or API "
          + "throttling); retry with backoff. " + status);
    } else if (code >= 500) {
      r = ActionResult.failed(what + ": API server error (" + code + "); retry. " + status);
    } else if (code == 400 || code == 422) {
      r = ActionResult.failed(what + ": rejected as invalid (" + code + "). " + status);
    } else if (code > 0) {
      r = ActionResult.failed(what + ": API answered " + code + ". " + status);
    } else if (isTimeout(e)) {
      r = ActionResult.failed(what + ": timed out waiting for the API server. " + rootMessage(e));
    } else if (hasCause(e, ConnectException.class)) {
      r = ActionResult.failed(what + ": API server unreachable (connection refused). "
          + rootMessage(e));
    } else if (hasCause(e, IOException.class)) {
      r = ActionResult.failed(what + ": cannot reach the API server: " + rootMessage(e));
    } else {
      r = ActionResult.failed(what + " failed: " + rootMessage(e));
    }
    return r.withDetails(details);
  }

  private static boolean isTimeout(Throwable e) {
    return hasCause(e, TimeoutException.class) || hasCause(e, HttpTimeoutException.class)
        || hasCause(e, java.net.SocketTimeoutException.class);
  }

  private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }
}
