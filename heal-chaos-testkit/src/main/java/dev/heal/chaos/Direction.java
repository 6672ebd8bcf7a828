package dev.heal.chaos;

/**
 * Which way through the {@link TcpChaosProxy} a network fault applies. {@link #UPSTREAM} is client
 * to server (requests), {@link #DOWNSTREAM} is server to client (responses).
 */
public enum Direction {
  UPSTREAM,
  DOWNSTREAM,
  BOTH;

  /** Whether a fault with this direction applies to traffic flowing {@code flow}. */
  public boolean covers(Direction flow) {
    return this == BOTH || this == flow;
  }
}
