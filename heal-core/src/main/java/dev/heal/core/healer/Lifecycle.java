package dev.heal.core.healer;

/**
 * A component the healer can restart in-process (a connection pool, a consumer, a cache loader).
 * Implementations decide their own thread-safety; the healer calls {@link #stop()} then
 * {@link #start()} from one thread, never concurrently for one episode.
 */
public interface Lifecycle {
  void stop() throws Exception;

  void start() throws Exception;
}
