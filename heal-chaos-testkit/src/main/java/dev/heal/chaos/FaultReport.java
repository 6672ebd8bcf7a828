package dev.heal.chaos;

/**
 * How often a fault fired during a test: {@code hits} out of {@code opportunities} (calls or chunks
 * that passed while it was armed). Immutable and thread-safe.
 */
public record FaultReport(Fault fault, long hits, long opportunities) {
  public boolean fired() {
    return hits > 0;
  }

  /** The fault and its hits, e.g. {@code db-down[error]@2s+3s hits=12 of 40 opportunities}. */
  public String describe() {
    return fault.describe() + " hits=" + hits + " of " + opportunities + " opportunities";
  }
}
