package dev.heal.k8s.internal;

/**
 * Where the {@link Ledger} lives: a ConfigMap in production, a map in property tests. Saving is
 * optimistic: it succeeds only if nobody saved since the version that was loaded.
 */
public interface LedgerStore {

  /** The ledger and an opaque version (null if nothing was saved yet). */
  record Versioned(Ledger ledger, String version) {}

  Versioned load();

  /**
   * Saves {@code ledger} if the stored version is still {@code expectedVersion}; false if not.
   * True means applied exactly once, false not applied, even when the API's answer was ambiguous;
   * if the store cannot tell, it throws {@link OutcomeUnknown}. Other API errors are thrown and
   * mean nothing was written.
   */
  boolean save(Ledger ledger, String expectedVersion);

  /** A write that may or may not have been applied: the caller must not write it again blindly. */
  final class OutcomeUnknown extends RuntimeException {
    public OutcomeUnknown(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
