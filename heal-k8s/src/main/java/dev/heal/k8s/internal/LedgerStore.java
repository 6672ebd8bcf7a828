package dev.heal.k8s.internal;

/**
 * Where the {@link Ledger} lives: a ConfigMap in production, a map in property tests. Saving is
 * optimistic: it succeeds only if nobody saved since the version that was loaded.
 */
public interface LedgerStore {

  /** The ledger and an opaque version (null if nothing was saved yet). */
  record Versioned(Ledger ledger, String version) {}

  Versioned load();

  /** Saves {@code ledger} if the stored version is still {@code expectedVersion}; false if not. */
  boolean save(Ledger ledger, String expectedVersion);
}
