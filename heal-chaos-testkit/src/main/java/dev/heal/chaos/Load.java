package dev.heal.chaos;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * The load of an {@link Experiment}: one request, sent at a target rate by one worker for the
 * experiment's duration (a closed, bounded loop: a slow request delays the next; missed slots are
 * skipped, never bunched). A request succeeds unless it throws or returns {@code Boolean.FALSE}.
 *
 * <p>Immutable and thread-safe if the request is.
 *
 * @param requestsPerSecond target rate, > 0 and at most 10,000
 * @param request one request
 */
public record Load(double requestsPerSecond, Callable<?> request) {

  public Load {
    Objects.requireNonNull(request, "request");
    if (!(requestsPerSecond > 0 && requestsPerSecond <= 10_000)) {
      throw new IllegalArgumentException("requestsPerSecond must be in (0, 10000]: " + requestsPerSecond);
    }
  }

  public static Load of(double requestsPerSecond, Callable<?> request) {
    return new Load(requestsPerSecond, request);
  }

  /** {@code GET uri}; succeeds on a status below 500 that arrives within {@code timeout}. */
  public static Load http(double requestsPerSecond, URI uri, Duration timeout) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
    HttpRequest req = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
    return new Load(requestsPerSecond, () -> client.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() < 500);
  }

  /** Nanoseconds between requests (rounded down; slots are placed by {@link #slotNanos}). */
  public long intervalNanos() {
    return (long) (1_000_000_000L / requestsPerSecond);
  }

  /**
   * When the {@code k}-th request is due, in nanoseconds from the start: exact for any rate (30/s
   * gives 30 requests in every second, no drift from a rounded interval).
   */
  public long slotNanos(long k) {
    return Math.round(k * 1e9 / requestsPerSecond);
  }

  /** The first slot due at or after {@code offsetNanos}. */
  public long slotAtOrAfter(long offsetNanos) {
    long k = (long) Math.floor(offsetNanos * requestsPerSecond / 1e9);
    while (slotNanos(k) < offsetNanos) {
      k++;
    }
    return k;
  }
}
