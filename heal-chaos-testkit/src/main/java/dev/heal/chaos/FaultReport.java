package dev.heal.chaos;

/**
 * How often a fault fired during a test: {@code hits} out of {@code opportunities} (calls or chunks
 * that passed while it was armed). Immutable and thread-safe.
 */
public record FaultReport(Fault fault, long hits, long opportunities) {
  public boolean fired() {
    return hits > 0;
  }
}
