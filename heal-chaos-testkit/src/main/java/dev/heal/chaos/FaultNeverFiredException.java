package dev.heal.chaos;

import java.util.List;

/**
 * The effect guard: thrown after a test when a fault it armed never fired, which means the test
 * exercised nothing it claims to. Usual causes: the fault's target name does not match the name the
 * chaos proxy was created with, the call path never reached the wrapped object, or a pooled
 * connection bypassed the TCP proxy (call {@link TcpChaosProxy#dropConnections()} when arming).
 *
 * <p>Immutable and thread-safe.
 */
public class FaultNeverFiredException extends ChaosException {
  private static final long serialVersionUID = 1L;
  private final List<String> faults;

  public FaultNeverFiredException(List<String> faults, String message) {
    super(message);
    this.faults = List.copyOf(faults);
  }

  /** Names of the faults that never fired. */
  public List<String> faults() {
    return faults;
  }
}
