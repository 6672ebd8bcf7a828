package dev.heal.k8s.internal;

import java.util.Map;

/**
 * A ledger store that keeps only what a ConfigMap would: the encoded string data and a version.
 * Surviving a healer restart means surviving this round trip.
 */
final class InMemoryLedgerStore implements LedgerStore {
  private Map<String, String> data;
  private long version;

  @Override
  public synchronized Versioned load() {
    return data == null ? new Versioned(Ledger.EMPTY, null)
        : new Versioned(Ledger.decode(data), Long.toString(version));
  }

  @Override
  public synchronized boolean save(Ledger ledger, String expectedVersion) {
    String current = data == null ? null : Long.toString(version);
    if (!java.util.Objects.equals(current, expectedVersion)) {
      return false;
    }
    data = Map.copyOf(ledger.encode());
    version++;
    return true;
  }

  synchronized Map<String, String> data() {
    return data == null ? Map.of() : data;
  }
}
