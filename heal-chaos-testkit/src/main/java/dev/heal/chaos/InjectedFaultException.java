package dev.heal.chaos;

/**
 * Thrown into the system under test by an error fault ({@link Effect.Error}, {@link Effect.FailFirst},
 * {@link Effect.Hang}). It names the fault that threw it, so a test or a log tells injected failures
 * from real ones. Has no stack trace: it is thrown often and its origin is the fault, not the caller.
 *
 * <p>Immutable and thread-safe.
 */
public class InjectedFaultException extends ChaosException {
  private static final long serialVersionUID = 1L;
  private final String fault;

  public InjectedFaultException(String fault, String message) {
    super("chaos fault '" + fault + "': " + message);
    this.fault = fault;
  }

  /** The name of the fault that threw this. */
  public String fault() {
    return fault;
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
