package dev.heal.resilience.internal;

/** Computes a substitute result for a failed call. Immutable and thread-safe. */
@FunctionalInterface
public interface FallbackInvoker {
  /** Returns the substitute, or throws {@code failure} (or another exception) to give up. */
  Object recover(Object[] args, Throwable failure) throws Throwable;
}
