package dev.heal.core.fleet;

import java.util.List;
import java.util.Locale;

/**
 * A {@link FleetGuard}'s answer to a request for a slot. Immutable and thread-safe.
 */
public sealed interface SlotAnswer {

  /** Whether a slot was granted. */
  default boolean granted() {
    return this instanceof Granted;
  }

  /** A sentence for the journal. */
  String message();

  /** The slot is this member's: {@code held} of {@code slots} slots are held now, counting it. */
  record Granted(int held, int slots) implements SlotAnswer {
    @Override
    public String message() {
      return "fleet guard: slot granted (" + held + " of " + slots + " slots held)";
    }
  }

  /** Every slot is held by other replicas. */
  record Full(int held, int slots, List<String> holders) implements SlotAnswer {
    public Full {
      holders = List.copyOf(holders);
    }

    @Override
    public String message() {
      return "fleet guard: " + held + " of " + slots + " slots held by pods " + String.join(", ", holders);
    }
  }

  /** More than {@code threshold} of the replicas report {@code symptom}: a shared cause. */
  record FleetWide(String symptom, int failing, int replicas, double threshold) implements SlotAnswer {
    @Override
    public String message() {
      return String.format(Locale.ROOT, "fleet guard: %s fails on %d of %d replicas (%.0f %%), more than %.0f %%:"
          + " a shared cause, disruptive step skipped", symptom, failing, replicas,
          replicas == 0 ? 0.0 : 100.0 * failing / replicas, 100 * threshold);
    }
  }

  /** The guard could not reach its store (after its retries): no slot, so nothing disruptive runs. */
  record Unreachable(String why) implements SlotAnswer {
    @Override
    public String message() {
      return "fleet guard unreachable, no slot: " + why;
    }
  }
}
