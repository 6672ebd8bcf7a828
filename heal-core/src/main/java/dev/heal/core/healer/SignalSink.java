package dev.heal.core.healer;

/**
 * Where modules send {@link Signal}s: the healer implements it. Integrations (heal-resilience,
 * heal-k8s, your code) depend on this small interface rather than on the healer itself.
 *
 * <p>Implementations are thread-safe, never block, and never throw to the caller.
 */
@FunctionalInterface
public interface SignalSink {
  /** A sink that drops every signal. */
  SignalSink NONE = signal -> {};

  void accept(Signal signal);
}
