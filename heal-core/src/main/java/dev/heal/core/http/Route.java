package dev.heal.core.http;

import java.util.Objects;
import java.util.Set;

/**
 * An endpoint with the path it serves, the methods it accepts and the largest body it reads.
 * Immutable and thread-safe.
 *
 * @param path exact path, starting with '/'
 * @param methods accepted methods, upper case; others get 405 with an Allow header
 * @param maxBodyBytes larger bodies get 413 and the endpoint is not called
 * @param endpoint the handler
 */
public record Route(String path, Set<String> methods, int maxBodyBytes, HealEndpoint endpoint) {
  public Route {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(endpoint, "endpoint");
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
    return new Route(path, Set.of("GET", "HEAD"), 1024, endpoint);
  }

  /** A POST route accepting bodies up to {@code maxBodyBytes}. */
  public static Route post(String path, int maxBodyBytes, HealEndpoint endpoint) {
    return new Route(path, Set.of("POST"), maxBodyBytes, endpoint);
  }
}
