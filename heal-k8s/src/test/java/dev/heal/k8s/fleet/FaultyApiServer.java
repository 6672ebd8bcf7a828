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
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * fabric8's {@code kubernetes-server-mock} in CRUD mode — which answers a PUT whose
 * {@code metadata.resourceVersion} is stale with 409, as the real API server does — behind a
 * dispatcher that injects failures into the replicas' requests at a seeded rate: 429 with
 * {@code Retry-After} (header and {@code details.retryAfterSeconds}), 500, 503, a 409 that did
 * not apply, and a write that applied but answered 504 (an ambiguous result, as when a request
 * times out after the server committed it). Requests with a {@code labelSelector} (the test's
 * own sampling reads) and writes of a {@code /status} subresource (the test playing the
 * workload controller; replicas never write status) get no faults and are not counted. Shared by the fleet and ledger tests;
 * {@link #script} and {@link #failAll} give a test exact faults instead of random ones.
 */
public final class FaultyApiServer implements AutoCloseable {
  /** A fault by name: {@code "429"} (Retry-After 1 s), {@code "429:<s>"}, 500, 503, 409, 504 (applied), or ok. */
  public static final List<String> FAULTS = List.of("429", "500", "503", "409", "504");

  private final KubernetesMockServer server;
  private final Faults faults;

  public FaultyApiServer(double errorRate, long seed) {
    this.faults = new Faults(new KubernetesCrudDispatcher(), errorRate, seed);
    this.server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), faults, false);
    server.init();
  }

  /** A client as a replica would have: no retries of fabric8's own (the fleet guard retries). */
  public KubernetesClient client() {
    Config c = server.createClient().getConfiguration();
    c.setRequestRetryBackoffLimit(0);
    return new KubernetesClientBuilder().withConfig(c).build();
  }

  /** Requests the replicas made so far (faulted or not). */
  public long requests() {
    return faults.requests.get();
  }

  /** Faults injected so far. */
  public long injected() {
    return faults.injected.get();
  }

  /** 409s the CRUD mock itself answered (stale resourceVersion or create of an existing object). */
  public long conflicts() {
    return faults.conflicts.get();
  }

  /** Stops injecting (setup and final reads). */
  public void faults(boolean on) {
    faults.on = on;
  }

  /**
   * The next requests get these faults, in order ({@code "ok"} passes one through; a 409 or 504 on
   * a read passes it through), before the random ones resume.
   */
  public void script(String... next) {
    synchronized (faults) {
      faults.script.addAll(List.of(next));
    }
  }

  /** Every request gets this fault (e.g. {@code "503"}), or none again with null. */
  public void failAll(String fault) {
    faults.always = fault;
  }

  /** Runs before each counted request is answered (e.g. to note the virtual time it came at). */
  public void onRequest(Runnable hook) {
    faults.hook = hook;
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
    volatile String always;
    volatile Runnable hook = () -> { };
    final Deque<String> script = new ArrayDeque<>();

    Faults(Dispatcher crud, double rate, long seed) {
      this.crud = crud;
      this.rate = rate;
      this.random = new SplittableRandom(seed);
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      if (request.getPath().contains("labelSelector") || request.getPath().endsWith("/status")) {
        return crud.dispatch(request);
      }
      requests.incrementAndGet();
      hook.run();
      String fault;
      synchronized (this) {
        fault = always != null ? always : !script.isEmpty() ? script.poll()
            : on && random.nextDouble() < rate ? FAULTS.get(random.nextInt(FAULTS.size())) : "ok";
      }
      boolean write = request.getMethod().equals("PUT") || request.getMethod().equals("POST");
      int retryAfter = fault.startsWith("429:") ? Integer.parseInt(fault.substring(4)) : 1;
      int pick = fault.startsWith("429") ? 0 : FAULTS.indexOf(fault);
      if (pick >= 0) {
        injected.incrementAndGet();
      }
      switch (pick) {
        case 0 -> {
          return status(429, "TooManyRequests", "the server has received too many requests", retryAfter)
              .setHeader("Retry-After", Integer.toString(retryAfter));
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
