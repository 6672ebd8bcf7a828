package dev.heal.core.fleet;

/**
 * A fleet's size as its {@link dev.heal.core.fleet.spi.FleetStore} sees it, and the one place the
 * slot formula lives. Immutable and thread-safe.
 *
 * <p>The rule is {@code slots = max(1, floor(share × ready replicas))}, where "ready" means
 * the replicas that would be serving if heal had taken none out. A store knows two counts, not which
 * replicas are ready: {@code desired} (e.g. {@code spec.replicas}) and {@code ready} (e.g.
 * {@code status.readyReplicas}); the fleet state adds the live slot holders. A holder may or may not
 * be counted in {@code ready} yet (a drain shows in {@code status.readyReplicas} only after the
 * kubelet's readiness probe and the controller have seen it; a restart of a component may never
 * show), so the number of holders whose unreadiness is heal's doing is only known to be at least
 * {@code max(0, holders − ready)}. The fleet size used for slots is therefore
 *
 * <pre>{@code serving = min(desired, ready + max(0, holders − ready)) = min(desired, max(ready, holders))}</pre>
 *
 * a holder counts once, and a holder that may still be ready is not counted twice. This is the
 * only count from these three numbers that can never exceed the issue's: the replicas that would
 * serve without heal are {@code ready + (holders not ready)}, which is at least
 * {@code max(ready, holders)}. The tempting count {@code ready + holders} ("every holder is
 * unready") is not safe: with share 0.5 and 3 ready replicas the issue allows 1 slot, but once one
 * replica holds a slot and is still ready it counts 4 and grants a second, so 2 of 3 serving
 * replicas go out ({@code FleetSizeTest} shows both broken counts caught).
 *
 * <p>The price: while holders are drained, their replicas are missing from {@code ready} and the
 * next grant is computed from fewer replicas, so the fleet may get fewer slots than the issue's
 * ideal (with 8 ready and share 0.25, 2 slots, but after one drain only {@code floor(0.25 × 7) = 1}).
 * It never takes back a slot it granted: a holder asking again, and every renewal, keeps its slot
 * whatever the count. {@code max(1, …)} means one replica can always act, including the last ready
 * one of a workload ({@code ready = 1} or {@code 0}): that is the rule; plans whose
 * disruptive step must not take the last serving replica out should also say
 * {@code unlessFleetWide(..)}.
 *
 * @param desired the replicas the workload should have (at least 0)
 * @param ready the replicas ready now, as the store last read them (at least 0; may exceed
 *     {@code desired} during a rollout, and is then capped)
 */
public record FleetSize(int desired, int ready) {

  public FleetSize {
    if (desired < 0) {
      throw new IllegalArgumentException("desired replicas must not be negative: " + desired);
    }
    if (ready < 0) {
      throw new IllegalArgumentException("ready replicas must not be negative: " + ready);
    }
  }

  /** A fleet whose {@code replicas} are all ready (a store that only knows one count). */
  public static FleetSize allReady(int replicas) {
    return new FleetSize(replicas, replicas);
  }

  /** {@code min(desired, max(ready, holders))}: the replicas slots are a share of, with {@code holders} live holders. */
  public int serving(int holders) {
    if (holders < 0) {
      throw new IllegalArgumentException("holders must not be negative: " + holders);
    }
    return Math.min(desired, Math.max(ready, holders));
  }

  /** Slots with {@code holders} live holders: {@code max(1, floor(share × serving(holders)))}. */
  public int slots(double share, int holders) {
    return FleetState.capacity(serving(holders), share);
  }
}
