package dev.heal.chaos;

import static java.time.Duration.ofMillis;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The shrinker reaches a 1-minimal schedule: no removal, trim, split or merge of it still fails. */
class ScheduleShrinkerTest {
  private static final ScheduleGenerator GEN = ScheduleGenerator.builder()
      .targets("pricing", "inventory", "shipping")
      .effects(new Effect.Error("boom"))
      .faults(2, 4)
      .faultDuration(ofMillis(100), Duration.ofSeconds(2))
      .horizon(Duration.ofSeconds(10))
      .build();
  private static final ScheduleShrinker SHRINKER = GEN.shrinker();

  /** The planted bug: it fails when a pricing fault and an inventory fault are active at the same time. */
  private static final Predicate<FaultSchedule> OVERLAP = s -> s.faults().stream()
      .filter(p -> p.target().equals("pricing"))
      .anyMatch(p -> s.faults().stream().filter(i -> i.target().equals("inventory"))
          .anyMatch(i -> overlaps(p, i)));

  private static boolean overlaps(Fault a, Fault b) {
    return a.start().compareTo(b.end().orElseThrow()) < 0 && b.start().compareTo(a.end().orElseThrow()) < 0;
  }

  private static boolean isTrueMinimum(FaultSchedule s) {
    return s.size() == 2 && s.faults().stream().allMatch(f -> f.duration().orElseThrow().equals(ofMillis(100)));
  }

  @Test
  void thePlantedOverlapBugShrinksToTheTrueMinimumForAtLeast95Of100Seeds() {
    int planted = 0;
    int reached = 0;
    for (long seed = 0; planted < 100; seed++) {
      FaultSchedule s = GEN.generate(seed);
      if (!OVERLAP.test(s)) {
        continue;
      }
      planted++;
      ScheduleShrinker.Shrunk shrunk = SHRINKER.minimize(s, OVERLAP, 1_000);
      assertThat(OVERLAP.test(shrunk.minimal())).isTrue();
      if (isTrueMinimum(shrunk.minimal())) {
        reached++;
      }
    }
    assertThat(reached).as("planted bugs shrunk to two 100 ms faults").isGreaterThanOrEqualTo(95);
  }

  @Test
  void aFaultIsTrimmedFromItsStartNotOnlyFromItsEnd() {
    // Where the old shrinker stopped: only the overlap's 100 ms of pricing matter.
    FaultSchedule stuck = FaultSchedule.of(
        Fault.error("pricing").named("pricing").startingAt(ofMillis(2600)).lasting(ofMillis(800)),
        Fault.error("inventory").named("inventory").startingAt(ofMillis(3300)).lasting(ofMillis(100)));
    ScheduleShrinker.Shrunk shrunk = SHRINKER.minimize(stuck, OVERLAP, 1_000);
    assertThat(shrunk.minimal().describe())
        .isEqualTo("inventory[error]@3300ms+100ms; pricing[error]@3300ms+100ms");
    assertThat(shrunk.oneMinimal()).isTrue();
  }

  @Test
  void aLongFaultIsSplitWhenOnlyTwoSeparateInstantsMatter() {
    Predicate<FaultSchedule> coversBoth = s -> covers(s, 1000) && covers(s, 3000);
    FaultSchedule one = FaultSchedule.of(Fault.error("db").named("db").startingAt(ofMillis(500)).lasting(ofMillis(3000)));
    ScheduleShrinker.Shrunk shrunk = SHRINKER.minimize(one, coversBoth, 2_000);
    assertThat(shrunk.minimal().faults()).hasSize(2)
        .allSatisfy(f -> assertThat(f.duration()).contains(ofMillis(100)))
        .extracting(Fault::start).containsExactly(ofMillis(1000), ofMillis(3000));
    assertThat(shrunk.oneMinimal()).isTrue();
  }

  @Test
  void overlappingFaultsOfTheSameKindAreMerged() {
    Predicate<FaultSchedule> coversSpan = s -> covers(s, 1000) && covers(s, 1100) && covers(s, 1200);
    FaultSchedule two = FaultSchedule.of(
        Fault.error("db").named("a").startingAt(ofMillis(800)).lasting(ofMillis(400)),
        Fault.error("db").named("b").startingAt(ofMillis(1100)).lasting(ofMillis(400)));
    ScheduleShrinker.Shrunk shrunk = SHRINKER.minimize(two, coversSpan, 2_000);
    assertThat(shrunk.minimal().faults()).singleElement().satisfies(f -> {
      assertThat(f.start()).isEqualTo(ofMillis(1000));
      assertThat(f.duration()).contains(ofMillis(300));
    });
  }

  /** Whether some fault is active at {@code ms}. */
  private static boolean covers(FaultSchedule s, long ms) {
    Duration t = ofMillis(ms);
    return s.faults().stream().anyMatch(f -> f.start().compareTo(t) <= 0 && f.end().orElseThrow().compareTo(t) > 0);
  }

  @Test
  void everyShrunkScheduleIsOneMinimalForGeneratedBugs() {
    // Bugs of the form "target X is faulted at instant T and target Y at instant U": random X, Y, T, U.
    qt().withFixedSeed(11L).withExamples(150)
        .forAll(longs().all(), integers().between(0, 8), integers().between(0, 99), integers().between(0, 99))
        .checkAssert((seed, xy, t, u) -> {
          List<String> targets = List.of("pricing", "inventory", "shipping");
          Predicate<FaultSchedule> bug = s -> at(s, targets.get(xy / 3), t * 100L) && at(s, targets.get(xy % 3), u * 100L);
          FaultSchedule s = GEN.generate(seed);
          if (!bug.test(s)) {
            return;
          }
          ScheduleShrinker.Shrunk shrunk = SHRINKER.minimize(s, bug, 5_000);
          assertThat(shrunk.oneMinimal()).isTrue();
          assertThat(bug.test(shrunk.minimal())).isTrue();
          for (FaultSchedule neighbour : SHRINKER.candidates(shrunk.minimal())) {
            assertThat(bug.test(neighbour)).as("neighbour %s of %s", neighbour, shrunk.minimal()).isFalse();
          }
        });
  }

  private static boolean at(FaultSchedule s, String target, long ms) {
    Duration t = ofMillis(ms);
    return s.faults().stream().anyMatch(f -> f.target().equals(target) && f.start().compareTo(t) <= 0
        && f.end().orElseThrow().compareTo(t) > 0);
  }

  @Test
  void badParametersAreNamed() {
    assertThatThrownBy(() -> new ScheduleShrinker(Duration.ZERO, ofMillis(100))).hasMessageContaining("granularity");
    assertThatThrownBy(() -> new ScheduleShrinker(ofMillis(100), ofMillis(-1))).hasMessageContaining("minDuration");
  }
}
