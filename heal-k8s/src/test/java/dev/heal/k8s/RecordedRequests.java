package dev.heal.k8s;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Drains the requests a mock server has received, in order. */
final class RecordedRequests {
  private RecordedRequests() {}

  static List<RecordedRequest> drain(KubernetesMockServer server) {
    List<RecordedRequest> out = new ArrayList<>();
    try {
      RecordedRequest r;
      // The server records a request before it answers it, so everything sent is already here.
      while ((r = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
        out.add(r);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return out;
  }

  static List<String> lines(List<RecordedRequest> requests) {
    return requests.stream().map(r -> r.getMethod() + " " + r.getPath()).toList();
  }
}
