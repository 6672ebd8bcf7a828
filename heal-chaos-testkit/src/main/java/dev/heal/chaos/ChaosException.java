package dev.heal.chaos;

import dev.heal.core.HealException;

/**
 * Root of the exceptions the chaos testkit throws for misuse and failed expectations (a fault that
 * never fired, a steady state that did not hold before an experiment). Immutable and thread-safe.
 */
public class ChaosException extends HealException {
  private static final long serialVersionUID = 1L;

  public ChaosException(String message) {
    super(message);
  }

  public ChaosException(String message, Throwable cause) {
    super(message, cause);
  }
}
