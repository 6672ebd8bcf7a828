package dev.heal.resilience;

import dev.heal.core.HealException;

/**
 * A call refused by one of heal's own limiters (the adaptive concurrency limit). Carries the
 * policy name; has no stack trace (refusals are frequent under overload and their stack says
 * nothing new).
 *
 * <p>Immutable and thread-safe.
 */
public final class CallRejectedException extends HealException {
  private static final long serialVersionUID = 1L;

  private final String policy;

  public CallRejectedException(String policy, String message) {
    super(message);
    this.policy = policy;
  }

  /** The name of the limiter that refused the call. */
  public String policy() {
    return policy;
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
