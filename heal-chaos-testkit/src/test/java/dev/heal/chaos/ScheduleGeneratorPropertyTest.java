package dev.heal.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** The generator and shrinker are plain values: here QuickTheories drives them. */
class ScheduleGeneratorPropertyTest {
  static final ScheduleGenerator GEN = ScheduleGenerator.builder()
      .targets("db", "cache", "payments")
      .effects(new Effect.Error("boom"), new Effect.Latency(LatencyDistribution.fixed(Duration.ofMillis(200))),
          new Effect.HealthDown("down"))
      .faults(0, 3)
      .faultDuration(Duration.ofMillis(100), Duration.ofSeconds(2))
      .horizon(Duration.ofSeconds(10))
      .build();
  static final ScheduleShrinker SHRINKER = GEN.shrinker();
  static final Gen<FaultSchedule> SCHEDULES = longs().all().map(GEN::generate);

  @Test
  void generatedSchedulesRespectTheirConstraints() {
    qt().withFixedSeed(5L).withExamples(2000).forAll(SCHEDULES).checkAssert(s -> {
      assertThat(s.size()).isBetween(0, 3);
      for (Fault f : s.faults()) {
        assertThat(f.target()).isIn("db", "cache", "payments");
        assertThat(f.duration()).hasValueSatisfying(d -> assertThat(d).isBetween(Duration.ofMillis(100), Duration.ofSeconds(2)));
        assertThat(f.end().orElseThrow()).isLessThanOrEqualTo(Duration.ofSeconds(10));
        assertThat(f.start().toMillis() % 100).isZero();
        assertThat(f.duration().orElseThrow().toMillis() % 100).isZero();
      }
    });
  }

  @Test
  void theSameSeedGivesTheSameSchedule() {
    qt().withFixedSeed(6L).withExamples(500).forAll(longs().all())
        .checkAssert(seed -> assertThat(GEN.generate(seed)).isEqualTo(GEN.generate(seed)));
    assertThat(GEN.generate(1)).isNotEqualTo(GEN.generate(2));
  }

  @Test
  void everyShrinkCandidateIsStrictlySmaller() {
    qt().withFixedSeed(7L).withExamples(1000).forAll(SCHEDULES).checkAssert(s -> {
      for (FaultSchedule c : SHRINKER.candidates(s)) {
        assertThat(compare(measure(c), measure(s))).as("%s -> %s", s, c).isNegative();
        assertThat(c.end()).isLessThanOrEqualTo(Duration.ofSeconds(10));
        c.faults().forEach(f -> assertThat(f.duration().orElseThrow()).isGreaterThanOrEqualTo(Duration.ofMillis(100)));
      }
    });
  }

  @Test
  void shrinkingFindsTheMinimalFailingSchedule() {
    // The bug: an error on db lasting 700 ms or more. Minimal: that one fault, exactly 700 ms.
    Predicate<FaultSchedule> fails = s -> s.faults().stream().anyMatch(f -> f.target().equals("db")
        && f.effect() instanceof Effect.Error && f.duration().orElseThrow().compareTo(Duration.ofMillis(700)) >= 0);
    Gen<FaultSchedule> failing = SCHEDULES.zip(integers().between(7, 20), integers().between(0, 100), (s, d, st) -> {
      List<Fault> faults = new java.util.ArrayList<>(s.faults());
      long dur = d * 100L;
      faults.add(Fault.error("db").named("bug").startingAt(Duration.ofMillis(Math.min(st * 100L, 10_000 - dur)))
          .lasting(Duration.ofMillis(dur)));
      return new FaultSchedule(faults);
    });
    qt().withFixedSeed(8L).withExamples(300).forAll(failing).checkAssert(s -> {
      ScheduleShrinker.Shrunk shrunk = SHRINKER.minimize(s, fails, 10_000);
      assertThat(shrunk.minimal().faults()).singleElement().satisfies(f -> {
        assertThat(f.target()).isEqualTo("db");
        assertThat(f.duration()).contains(Duration.ofMillis(700));
      });
      assertThat(fails.test(shrunk.minimal())).isTrue();
      assertThat(shrunk.oneMinimal()).isTrue();
    });
  }

  @Test
  void minimizeStopsAfterMaxSteps() {
    FaultSchedule s = FaultSchedule.of(Fault.error("db").lasting(Duration.ofSeconds(2)),
        Fault.error("cache").lasting(Duration.ofSeconds(2)));
    ScheduleShrinker.Shrunk shrunk = SHRINKER.minimize(s, x -> !x.isEmpty(), 3);
    assertThat(shrunk.tried()).isEqualTo(3);
    assertThat(shrunk.accepted()).isEqualTo(2);
    assertThat(shrunk.oneMinimal()).as("the budget ran out before a full pass").isFalse();
    assertThat(shrunk.minimal().faults()).singleElement()
        .satisfies(f -> assertThat(f.duration()).contains(Duration.ofSeconds(1)));
  }

  @Test
  void generatorValidationNamesTheParameter() {
    assertThatThrownBy(() -> ScheduleGenerator.builder().effects(new Effect.Reset()).build()).hasMessageContaining("targets");
    assertThatThrownBy(() -> ScheduleGenerator.builder().targets("a").build()).hasMessageContaining("effects");
    assertThatThrownBy(() -> ScheduleGenerator.builder().targets("a").effects(new Effect.Reset()).faults(3, 1).build())
        .hasMessageContaining("faults");
    assertThatThrownBy(() -> ScheduleGenerator.builder().targets("a").effects(new Effect.Reset())
        .horizon(Duration.ofSeconds(1)).build()).hasMessageContaining("horizon");
    qt().withFixedSeed(9L).withExamples(50).forAll(integers().between(-5, -1))
        .checkAssert(n -> assertThatThrownBy(() -> new Effect.FailFirst(n)).hasMessageContaining("calls"));
  }

  private static int compare(List<Long> a, List<Long> b) {
    for (int i = 0; i < a.size(); i++) {
      int c = Long.compare(a.get(i), b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  /** (total fault time, fault count): lexicographic, strictly decreasing when shrinking. */
  private static List<Long> measure(FaultSchedule s) {
    return List.of(s.totalFaultTime().toMillis(), (long) s.size());
  }
}
