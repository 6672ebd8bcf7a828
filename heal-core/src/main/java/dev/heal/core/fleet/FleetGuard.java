package dev.heal.core.fleet;

import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * A fleet-wide semaphore for disruptive in-process steps (drain, liveness restart, any action
 * marked disruptive), shared by the replicas of one workload: before such a step the healer asks
 * for a slot, and gives it back when the episode ends. At most {@code max(1, floor(share ×
 * serving))} replicas hold a slot at once, serving being the ready replicas as
 * {@link FleetSize#serving} counts them; a slot lapses after its TTL unless renewed, so a
 * crashed holder's slot frees itself. Replicas also publish which shared symptoms they see
 * failing, so a plan can skip disruptive steps when most of the fleet shares the symptom
 * ({@code RecoveryPlan.Builder.unlessFleetWide}).
 *
 * <p>The healer calls these methods outside its decision lock; {@link #acquire} may do I/O and
 * answers asynchronously. Implementations must be thread-safe, must never grant more slots than
 * the capacity, and must answer every acquisition exactly once (an unreachable store answers
 * {@link SlotAnswer.Unreachable}). heal ships {@link InMemoryFleet} (one process, tests) and
 * heal-k8s's {@code KubernetesFleetGuard} (a ConfigMap per workload); {@link StoreFleetGuard}
 * turns any {@link dev.heal.core.fleet.spi.FleetStore} with optimistic concurrency into a guard.
 */
public interface FleetGuard {

  /** This replica's name in the fleet (its pod name). */
  String member();

  /**
   * Asks for a slot for {@code request.episode()}. Completes with the answer; never completes
   * exceptionally.
   */
  CompletionStage<SlotAnswer> acquire(SlotRequest request);

  /** Gives back the slot held for {@code episode}, if any. Returns at once; best effort (the TTL covers a lost release). */
  void release(String episode);

  /** The shared symptoms this replica sees failing now (replaces the previous set). May be rate-limited. */
  void publish(Set<String> failingSymptoms);

  /** The fleet as last read; no I/O. */
  FleetView view();

  /**
   * Registers {@code listener} to hear of an episode whose slot the guard gave up because it could
   * not renew it in time (its store unreachable): the healer then ends that episode, and with it
   * the disruption, before the slot can lapse and be taken by another replica. Default: the guard
   * never reports a loss (its slots do not lapse while held).
   */
  default void onSlotLost(java.util.function.Consumer<String> listener) {
  }

  /**
   * A request for a slot.
   *
   * @param episode the episode id that will hold it
   * @param target the episode's target, for messages
   * @param symptom the trigger's signal name
   * @param unlessFleetWide refuse (as {@link SlotAnswer.FleetWide}) when more than this share of
   *     the replicas report {@code symptom}; empty = never
   */
  record SlotRequest(String episode, String target, String symptom, OptionalDouble unlessFleetWide) {
    public SlotRequest {
      Objects.requireNonNull(episode, "episode");
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(symptom, "symptom");
      Objects.requireNonNull(unlessFleetWide, "unlessFleetWide");
    }
  }
}
