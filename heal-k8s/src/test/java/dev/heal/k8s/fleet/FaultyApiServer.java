package dev.heal.k8s.fleet;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.HashMap;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * fabric8's {@code kubernetes-server-mock} in CRUD mode — which answers a PUT whose
 * {@code metadata.resourceVersion} is stale with 409, as the real API server does — behind a
 * dispatcher that injects failures into the replicas' requests at a seeded rate: 429 with
 * {@code Retry-After} (header and {@code details.retryAfterSeconds}), 500, 503, a 409 that did
 * not apply, and a write that applied but answered 504 (an ambiguous result, as when a request
 * times out after the server committed it). Requests with a {@code labelSelector} (the test's
 * own sampling reads) get no faults and are not counted.
 */
final class FaultyApiServer implements AutoCloseable {
  private final KubernetesMockServer server;
  private final Faults faults;

  FaultyApiServer(double errorRate, long seed) {
    this.faults = new Faults(new KubernetesCrudDispatcher(), errorRate, seed);
    this.server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), faults, false);
    server.init();
  }

  /** A client as a replica would have: no retries of fabric8's own (the fleet guard retries). */
  KubernetesClient client() {
    Config c = server.createClient().getConfiguration();
    c.setRequestRetryBackoffLimit(0);
    return new KubernetesClientBuilder().withConfig(c).build();
  }

  /** Requests the replicas made so far (faulted or not). */
  long requests() {
    return faults.requests.get();
  }

  /** Faults injected so far. */
  long injected() {
    return faults.injected.get();
  }

  /** 409s the CRUD mock itself answered (stale resourceVersion or create of an existing object). */
  long conflicts() {
    return faults.conflicts.get();
  }

  /** Stops injecting (setup and final reads). */
  void faults(boolean on) {
    faults.on = on;
  }

  @Override
  public void close() {
    server.destroy();
  }

  private static final class Faults extends Dispatcher {
    private final Dispatcher crud;
    private final double rate;
    private final SplittableRandom random;
    final AtomicLong requests = new AtomicLong();
    final AtomicLong injected = new AtomicLong();
    final AtomicLong conflicts = new AtomicLong();
    volatile boolean on = true;

    Faults(Dispatcher crud, double rate, long seed) {
      this.crud = crud;
      this.rate = rate;
      this.random = new SplittableRandom(seed);
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      if (request.getPath().contains("labelSelector")) {
        return crud.dispatch(request);
      }
      requests.incrementAndGet();
      int pick;
      synchronized (this) {
        pick = on && random.nextDouble() < rate ? random.nextInt(5) : -1;
      }
      boolean write = request.getMethod().equals("PUT") || request.getMethod().equals("POST");
      if (pick >= 0) {
        injected.incrementAndGet();
      }
      switch (pick) {
        case 0 -> {
          return status(429, "TooManyRequests", "the server has received too many requests", 1)
              .setHeader("Retry-After", "1");
        }
        case 1 -> {
          return status(500, "InternalError", "etcdserver: leader changed", 0);
        }
        case 2 -> {
          return status(503, "ServiceUnavailable", "the server is currently unable to handle the request", 0);
        }
        case 3 -> {
          if (write) {
            return status(409, "Conflict", "the object has been modified; please apply your changes to the latest"
                + " version and try again", 0);
          }
        }
        case 4 -> {
          if (write) {
            crud.dispatch(request); // applied ...
            return status(504, "Timeout", "the server was unable to return a response in the time allotted", 0);
          }
        }
        default -> { }
      }
      MockResponse r = crud.dispatch(request);
      if (r.code() == 409) {
        conflicts.incrementAndGet();
      }
      return r;
    }

    private static MockResponse status(int code, String reason, String message, int retryAfter) {
      StatusBuilder b = new StatusBuilder().withCode(code).withReason(reason).withMessage(message)
          .withStatus("Failure");
      if (retryAfter > 0) {
        b.withNewDetails().withRetryAfterSeconds(retryAfter).endDetails();
      }
      return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json")
          .setBody(Serialization.asJson(b.build()));
    }
  }
}
