package dev.heal.core.fleet;

import java.time.Instant;
import java.util.List;

/**
 * The fleet as one replica last saw it: what {@code /heal/episodes} shows as the fleet view.
 * Immutable and thread-safe.
 *
 * @param member this replica's name in the fleet
 * @param replicas the desired fleet size (the share of {@code unlessFleetWide} is of these)
 * @param ready the replicas ready as the store last read them
 * @param serving the replicas the slots are a share of ({@link FleetSize#serving})
 * @param slots slots for disruptive steps: {@code max(1, floor(share × serving))}
 * @param holders replicas holding a slot now, in name order
 * @param held every held slot (a replica may hold one for several of its episodes)
 * @param symptoms shared symptoms reported by the replicas, with their share of the fleet
 * @param asOf wall time of the state this view was read from
 */
public record FleetView(String member, int replicas, int ready, int serving, int slots, List<String> holders, List<FleetState.Slot> held,
    List<SymptomShare> symptoms, Instant asOf) {

  public FleetView {
    holders = List.copyOf(holders);
    held = List.copyOf(held);
    symptoms = List.copyOf(symptoms);
  }

  /**
   * One shared symptom.
   *
   * @param symptom the trigger's signal name (a check name)
   * @param failing replicas that report it
   * @param replicas the fleet size
   */
  public record SymptomShare(String symptom, int failing, int replicas) {
    /** {@code failing / replicas}, in [0, 1] (0 for an empty fleet). */
    public double share() {
      return replicas == 0 ? 0.0 : Math.min(1.0, (double) failing / replicas);
    }
  }

  /** A view of nothing yet: no state read. */
  public static FleetView empty(String member, Instant asOf) {
    return new FleetView(member, 0, 0, 0, 0, List.of(), List.of(), List.of(), asOf);
  }
}
