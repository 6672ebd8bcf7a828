package dev.heal.chaos;

/** The steady-state hypothesis did not hold before any fault was injected. Immutable and thread-safe. */
public class SteadyStateException extends ChaosException {
  private static final long serialVersionUID = 1L;

  public SteadyStateException(String message) {
    super(message);
  }
}
