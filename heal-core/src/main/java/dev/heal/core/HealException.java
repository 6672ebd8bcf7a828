package dev.heal.core;

/**
 * Root of every exception heal throws. Unchecked: heal's failures are configuration or
 * programming errors (reported at build time) or runtime refusals (reported with the name of
 * the policy that refused), never something a caller is forced to catch.
 *
 * <p>Immutable and thread-safe.
 */
public class HealException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public HealException(String message) {
    super(message);
  }

  public HealException(String message, Throwable cause) {
    super(message, cause);
  }
}
