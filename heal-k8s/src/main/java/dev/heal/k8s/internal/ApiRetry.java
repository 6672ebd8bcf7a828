package dev.heal.k8s.internal;

import java.time.Duration;
import java.util.Optional;

/**
 * The disruption ledger's retry policy for API errors: 429 waits its {@code Retry-After} (at least
 * the backoff), 5xx and requests without an answer back off exponentially from 100 ms to 2 s, at
 * most {@link #MAX_ERRORS} failures per operation; other errors (403, 404, 422) are not retried.
 * 409s are conflicts, handled by the caller's compare-and-set loop. Stateless.
 */
final class ApiRetry {
  static final int MAX_ERRORS = 6;
  static final Duration BASE = Duration.ofMillis(100);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(2);
  /** A longer {@code Retry-After} is not waited for inside one action: the ledger refuses instead. */
  static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(10);

  /** How a ledger operation waits between tries; tests pass one that moves a ManualClock. */
  @FunctionalInterface
  interface Pause {
    void pause(Duration d) throws InterruptedException;

    Pause SLEEP = d -> Thread.sleep(d.toMillis());
  }

  private ApiRetry() {}

  static boolean retryable(RuntimeException e) {
    int code = ApiErrors.code(e);
    return code == 429 || code >= 500 || code == 0;
  }

  /** The wait before try {@code errors + 1}, given the {@code errors}-th failure {@code e} (1-based). */
  static Duration delay(RuntimeException e, int errors) {
    long backoff = Math.min(MAX_BACKOFF.toMillis(), BASE.toMillis() << Math.min(errors - 1, 16));
    Duration d = Duration.ofMillis(backoff);
    if (ApiErrors.code(e) == 429) {
      Duration after = ApiErrors.retryAfter(e).orElse(Duration.ofSeconds(1));
      return after.compareTo(d) > 0 ? after : d;
    }
    return d;
  }

  /** Pauses, or returns false if interrupted (the flag is set again). */
  static boolean pause(Pause pause, Duration d) {
    try {
      pause.pause(d);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
