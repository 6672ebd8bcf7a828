package dev.heal.resilience;

import dev.heal.core.HealException;

/**
 * A heal-resilience misconfiguration: an unknown policy, a fallback with the wrong signature, a bad
 * configuration key or value. Thrown when the proxy, decorator or configuration is built, never on
 * the call path. The message names the method or key and the problem.
 *
 * <p>Immutable and thread-safe.
 */
public class ResilienceException extends HealException {
  private static final long serialVersionUID = 1L;

  public ResilienceException(String message) {
    super(message);
  }

  public ResilienceException(String message, Throwable cause) {
    super(message, cause);
  }
}
