package dev.heal.resilience.internal;

import java.util.concurrent.CompletionStage;

/**
 * One stage of an asynchronous pipeline. Never throws: failures are returned as failed stages.
 * Implementations are immutable and thread-safe.
 */
@FunctionalInterface
public interface AsyncInvoker {
  CompletionStage<Object> invoke(Object[] args);
}
