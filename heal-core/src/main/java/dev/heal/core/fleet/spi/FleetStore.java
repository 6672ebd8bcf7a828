package dev.heal.core.fleet.spi;

import dev.heal.core.fleet.FleetSize;
import dev.heal.core.fleet.FleetState;
import java.time.Duration;
import java.util.Optional;

/**
 * Where a fleet's {@link FleetState} lives (a ConfigMap, a map in memory), with optimistic
 * concurrency: {@link #save} succeeds only if nobody saved since the version that was loaded. The
 * calls may block on I/O; {@link dev.heal.core.fleet.StoreFleetGuard} makes them on its I/O
 * executor, retries conflicts and retryable failures with backoff, and never treats a failed or
 * ambiguous save as a grant (it reloads and looks for its own slot). Implementations must be
 * thread-safe.
 */
public interface FleetStore {

  /** The state and an opaque version; a null version means nothing was saved yet. */
  record Versioned(FleetState state, String version) {}

  /** The current state. Throws on failure (then {@link #retryDelay} classifies it). */
  Versioned load();

  /** Saves {@code next} if the stored version is still {@code expectedVersion}; false on a conflict. */
  boolean save(FleetState next, String expectedVersion);

  /**
   * The fleet size now: desired replicas (the share of {@code unlessFleetWide} is of these) and
   * ready replicas (slots are {@link FleetSize#slots a share of those}, see there why). A store
   * that only knows one count answers {@link FleetSize#allReady}. Called once per read–modify–write;
   * may cache. Throws on failure (then {@link #retryDelay} classifies it).
   */
  FleetSize size();

  /**
   * How long to wait before retrying after {@code failure} (at least this long: the guard's own
   * backoff may be longer), or empty if retrying cannot help (forbidden, invalid). Default: every
   * failure is retryable, no minimum wait.
   */
  default Optional<Duration> retryDelay(RuntimeException failure) {
    return Optional.of(Duration.ZERO);
  }
}
