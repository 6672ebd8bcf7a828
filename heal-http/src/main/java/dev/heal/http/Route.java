package dev.heal.http;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An endpoint with the path it serves, the methods it accepts, the largest body it reads and a
 * gate that judges the request from its headers alone. {@link ProbeHandler} checks, in this
 * order: the path (404), the method (405), the gate (e.g. 401, 415), the declared body size
 * (413), then reads at most {@code maxBodyBytes} and calls the endpoint. Immutable and
 * thread-safe.
 *
 * @param path exact path, starting with '/'
 * @param methods accepted methods, upper case; others get 405 with an Allow header
 * @param maxBodyBytes larger bodies get 413 and the endpoint is not called
 * @param gate judges the request before any body byte is read
 * @param endpoint the handler
 */
public record Route(String path, Set<String> methods, int maxBodyBytes, Gate gate, HealEndpoint endpoint) {

  /**
   * Judges a request from its method, path and headers before its body is read (authentication,
   * Content-Type). Must be fast and must not block. Thread-safe.
   */
  @FunctionalInterface
  public interface Gate {
    /** Lets every request through. */
    Gate OPEN = request -> Optional.empty();

    /** The refusal to send instead of reading the body, or empty to go on. */
    Optional<HttpResponse> check(HttpRequest head);
  }

  public Route {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(gate, "gate");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path must start with '/': " + path);
    }
    if (methods.isEmpty()) {
      throw new IllegalArgumentException("route " + path + " must accept at least one method");
    }
    if (maxBodyBytes < 0) {
      throw new IllegalArgumentException("maxBodyBytes must not be negative: " + maxBodyBytes);
    }
    methods = Set.copyOf(methods);
  }

  /** A read-only route: GET and HEAD, no body beyond 1 KiB. */
  public static Route get(String path, HealEndpoint endpoint) {
    return new Route(path, Set.of("GET", "HEAD"), 1024, Gate.OPEN, endpoint);
  }

  /** A POST route accepting bodies up to {@code maxBodyBytes}, behind {@code gate}. */
  public static Route post(String path, int maxBodyBytes, Gate gate, HealEndpoint endpoint) {
    return new Route(path, Set.of("POST"), maxBodyBytes, gate, endpoint);
  }

  /** Whether this route only reads: GET/HEAD only. */
  boolean readOnly() {
    return methods.stream().allMatch(m -> m.equals("GET") || m.equals("HEAD"));
  }
}
