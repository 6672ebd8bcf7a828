package dev.heal.chaos;

import static dev.heal.chaos.ChaosAssertions.assertThat;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heal.core.time.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Recovery and detection for every arrangement of faults: separate, back-to-back, overlapping, nested. */
class RecoveryDefinitionTest {

  private static ExperimentResult run(BooleanSupplier steady, Fault... faults) {
    return run(chaos -> steady, faults);
  }

  private static ExperimentResult run(Function<ChaosController, BooleanSupplier> steadyOf,
      Fault... faults) {
    try (ChaosController chaos = ChaosController.builder().seed(7).clock(new ManualClock()).build()) {
      BooleanSupplier steady = steadyOf.apply(chaos);
      Runnable a = chaos.runnable("a", () -> { });
      Runnable b = chaos.runnable("b", () -> { });
      return chaos.run(Experiment.builder("arrangement")
          .steadyState(Probe.of("steady", steady::getAsBoolean))
          .faults(faults)
          .load(Load.of(20, () -> {
            a.run();
            b.run();
            return true;
          }))
          .duration(ofSeconds(6))
          .build());
    }
  }

  private static Fault error(String target, String name, long startMs, long durationMs) {
    return Fault.error(target).named(name).startingAt(ofMillis(startMs)).lasting(ofMillis(durationMs));
  }

  @Test
  void backToBackFaultsOnAnAlwaysHoldingSystemRecoverAtOnce() {
    ExperimentResult r = run(() -> true, error("a", "a1", 1000, 1000), error("b", "b1", 2000, 1000));
    assertThat(r.timeToRecover("a1")).contains(Duration.ZERO);
    assertThat(r.timeToRecover("b1")).contains(Duration.ZERO);
    assertThat(r.disturbances()).hasSize(1);
    assertThat(r).recoveredWithin(ofMillis(500));
  }

  @Test
  void overlappingAndNestedFaultsFormOneDisturbanceJudgedAfterItsLastEnd() {
    ExperimentResult r = run(() -> true, error("a", "outer", 1000, 3000), error("b", "nested", 2000, 500),
        error("b", "overlap", 3500, 1000));
    assertThat(r.disturbances()).singleElement().satisfies(d -> {
      assertThat(d.faults()).containsExactly("outer", "nested", "overlap");
      assertThat(d.end()).isEqualTo(ofMillis(4500).toNanos());
    });
    assertThat(r).recoveredWithin(Duration.ZERO);
  }

  @Test
  void separateFaultsAreJudgedEachUntilTheNextStarts() {
    // holds exactly while no fault is armed
    ExperimentResult r = run(chaos -> () -> chaos.armedFaults().isEmpty(), error("a", "first", 1000, 500),
        error("b", "second", 3000, 500));
    assertThat(r.disturbances()).hasSize(2);
    assertThat(r.probes()).anyMatch(p -> !p.holds());
    assertThat(r.timeToRecover("first")).contains(Duration.ZERO);
    assertThat(r.timeToRecover("second")).contains(Duration.ZERO);
  }

  @Test
  void aSystemThatStaysBrokenAfterADisturbanceNeverRecovers() {
    AtomicBoolean broken = new AtomicBoolean();
    ExperimentResult r = runBreaking(broken);
    assertThat(r.timeToRecover("a1")).isEmpty();
    assertThatThrownBy(() -> assertThat(r).recoveredWithin(ofSeconds(1)))
        .hasMessageContaining("the disturbance of faults [a1, b1] ended at 3s").hasMessageContaining("never did");
  }

  /** The steady state fails from the first fault on, for good: a fault handler that "breaks" it. */
  private static ExperimentResult runBreaking(AtomicBoolean broken) {
    try (ChaosController chaos = ChaosController.builder().seed(7).clock(new ManualClock()).build()) {
      Runnable a = chaos.runnable("a", () -> { });
      return chaos.run(Experiment.builder("breaks")
          .steadyState(Probe.of("steady", () -> !broken.get()))
          .faults(error("a", "a1", 1000, 1000), error("a", "b1", 2000, 1000))
          .load(Load.of(20, () -> {
            try {
              a.run();
            } catch (InjectedFaultException e) {
              broken.set(true);
            }
            return true;
          }))
          .duration(ofSeconds(6))
          .build());
    }
  }

  @Test
  void detectionInsideADisturbanceCountsForFaultsThatJoinIt() {
    try (ChaosController chaos = ChaosController.builder().seed(7).clock(new ManualClock()).build()) {
      ExperimentResult base = chaos.run(Experiment.builder("d").faults(error("a", "x", 1000, 2000),
          error("b", "y", 2000, 2000)).duration(ofSeconds(5)).build());
      ExperimentResult r = new ExperimentResult(base.name(), base.seed(), base.startedAt(), base.duration(),
          base.schedule(), base.requests(), base.probes(),
          List.of(new Marker(ofMillis(1300).toNanos(), "health", "db UP→DOWN", true)), base.episodes(),
          base.faultReports());
      assertThat(r.timeToDetect("x")).contains(ofMillis(300));
      assertThat(r.timeToDetect("y")).as("heal was already alarmed when y began").contains(Duration.ZERO);
      assertThat(r).detectedWithin(ofMillis(300));
    }
  }
}
