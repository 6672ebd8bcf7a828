package dev.heal.resilience.internal;

/** One stage of a synchronous pipeline. Implementations are immutable and thread-safe. */
@FunctionalInterface
public interface Invoker {
  Object invoke(Object[] args) throws Throwable;
}
