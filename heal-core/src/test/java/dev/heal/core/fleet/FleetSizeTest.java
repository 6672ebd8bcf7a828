package dev.heal.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.heal.core.time.ManualClock;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The slot formula of issue 18: {@code max(1, floor(share × serving))} with
 * {@code serving = min(desired, max(ready, holders))}, as a pure function and through real
 * {@link StoreFleetGuard}s of an {@link InMemoryFleet} whose ready count follows a model of the
 * pods. Two broken counts run through the same property and are caught: the old one (desired
 * replicas) and "every holder is unready" ({@code ready + holders}).
 */
class FleetSizeTest {
  private static final Gen<Double> SHARES = doubles().between(0.05, 1.0);
  private static final Gen<List<Integer>> OPS = lists().of(integers().between(0, 1 << 20)).ofSizeBetween(0, 120);

  @Test
  void slotsAreAShareOfTheServingReplicasNeverOfTheDesiredOnes() {
    // The degraded fleet of the task: 10 desired, 3 ready, share 0.25: 1 slot, not 2.
    assertThat(new FleetSize(10, 3).slots(0.25, 0)).isEqualTo(1);
    assertThat(FleetSize.allReady(10).slots(0.25, 0)).isEqualTo(2);
    // A holder counts once: 8 ready of which one holds (still ready) is 8, not 9.
    assertThat(new FleetSize(10, 8).serving(1)).isEqualTo(8);
    // More holders than ready replicas: every holder is at least one replica that would serve.
    assertThat(new FleetSize(10, 1).serving(3)).isEqualTo(3);
    // Capped at desired (a rollout's surge does not add slots).
    assertThat(new FleetSize(4, 6).serving(0)).isEqualTo(4);
    // max(1, ..): even with nothing ready one replica may act.
    assertThat(new FleetSize(10, 0).slots(0.25, 0)).isEqualTo(1);
    assertThat(new FleetSize(0, 0).slots(0.25, 0)).isEqualTo(1);
    assertThatThrownBy(() -> new FleetSize(-1, 0)).hasMessage("desired replicas must not be negative: -1");
    assertThatThrownBy(() -> new FleetSize(3, -2)).hasMessage("ready replicas must not be negative: -2");
    assertThatThrownBy(() -> new FleetSize(3, 2).serving(-1)).hasMessage("holders must not be negative: -1");
  }

  @Test
  void slotsNeverExceedTheIssuesFormulaWithReadyReplicasPlusHolders() {
    qt().withFixedSeed(18L).withExamples(20_000)
        .forAll(integers().between(0, 600), integers().between(0, 600), integers().between(0, 600), SHARES)
        .checkAssert((d, anyReady, h, s) -> {
          int r = Math.min(d, anyReady);
          int slots = new FleetSize(d, r).slots(s, h);
          assertThat(slots).as("d=%d r=%d h=%d s=%f", d, r, h, s)
              .isLessThanOrEqualTo(FleetState.capacity(r + h, s))
              .isLessThanOrEqualTo(FleetState.capacity(d, s))
              .isGreaterThanOrEqualTo(1);
        });
  }

  /** How a store reports the fleet, given the pods' true ready count and the live holders. */
  @FunctionalInterface
  interface Report {
    int ready(int desired, int ready, int holders);
  }

  @Test
  void theGuardNeverGrantsASlotBeyondTheIssuesFormula() {
    qt().withFixedSeed(1802L).withExamples(3_000)
        .forAll(integers().between(1, 40), integers().between(0, 100), SHARES, OPS)
        .checkAssert((d, downPercent, s, ops) -> run(d, downPercent, s, ops, (desired, ready, holders) -> ready));
  }

  @Test
  void theOldFormulaWithDesiredReplicasIsCaught() {
    assertThatThrownBy(() -> qt().withFixedSeed(1802L).withExamples(3_000)
        .forAll(integers().between(1, 40), integers().between(0, 100), SHARES, OPS)
        .checkAssert((d, downPercent, s, ops) -> run(d, downPercent, s, ops, (desired, ready, holders) -> desired)))
        .isInstanceOf(AssertionError.class).hasMessageContaining("beyond the issue's formula");
  }

  @Test
  void countingEveryHolderAsUnreadyIsCaught() {
    assertThatThrownBy(() -> qt().withFixedSeed(1802L).withExamples(3_000)
        .forAll(integers().between(1, 40), integers().between(0, 100), SHARES, OPS)
        .checkAssert((d, downPercent, s, ops) -> run(d, downPercent, s, ops,
            (desired, ready, holders) -> Math.min(desired, ready + holders))))
        .isInstanceOf(AssertionError.class).hasMessageContaining("beyond the issue's formula");
  }

  /**
   * {@code d} pods, {@code downPercent} of them unready for reasons of their own; each op picks a
   * pod and: asks for a slot; lets its drain show (a holder turns unready); gives its slot back (and
   * is ready again); or, if it holds no slot, turns unready or ready for reasons of its own. At every
   * grant: holders ≤ max(1, floor(s × (ready + holders not ready))), the issue's formula with the
   * replicas that would serve without heal, and ≤ max(1, floor(s × (ready + holders before))).
   */
  private static void run(int d, int downPercent, double s, List<Integer> ops, Report report) {
    ManualClock clock = new ManualClock();
    boolean[] ready = new boolean[d];
    for (int i = 0; i < d; i++) {
      ready[i] = i >= d * downPercent / 100;
    }
    Set<Integer> holders = new HashSet<>();
    IntSupplier readyNow = () -> {
      int n = 0;
      for (boolean b : ready) {
        n += b ? 1 : 0;
      }
      return n;
    };
    InMemoryFleet fleet = InMemoryFleet.builder().replicas(d).share(s).clock(clock)
        .ready(() -> report.ready(d, readyNow.getAsInt(), holders.size())).build();
    for (int op : ops) {
      int pod = (op >> 2) % d;
      String name = "pod-" + pod;
      switch (op & 3) {
        case 0 -> {
          int r = readyNow.getAsInt();
          int before = holders.size();
          int notReadyHolders = (int) holders.stream().filter(h -> !ready[h]).count();
          CompletableFuture<SlotAnswer> a = fleet.member(name).acquire(new FleetGuard.SlotRequest("ep", "x", "x",
              OptionalDouble.empty())).toCompletableFuture();
          assertThat(a).as("inline store calls answer at once").isDone();
          if (a.join().granted() && holders.add(pod)) {
            int base = r + notReadyHolders;
            assertThat(holders.size()).as("%s granted: %d holders beyond the issue's formula with %d of %d serving"
                + " (share %f)", name, holders.size(), base, d, s).isLessThanOrEqualTo(FleetState.capacity(base, s));
            assertThat(holders.size()).as("granted beyond the issue's formula with ready + holders")
                .isLessThanOrEqualTo(FleetState.capacity(r + before, s));
          }
          assertThat(fleet.state().holders(clock.now())).hasSize(holders.size());
        }
        case 1 -> {
          if (holders.contains(pod)) {
            ready[pod] = false;
          }
        }
        case 2 -> {
          if (holders.remove(pod)) {
            fleet.member(name).release("ep");
            ready[pod] = true;
          }
        }
        default -> {
          if (!holders.contains(pod)) {
            ready[pod] = !ready[pod];
          }
        }
      }
    }
  }
}
