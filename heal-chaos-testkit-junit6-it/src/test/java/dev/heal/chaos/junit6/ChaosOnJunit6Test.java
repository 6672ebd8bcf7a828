package dev.heal.chaos.junit6;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heal.chaos.ChaosController;
import dev.heal.chaos.Effect;
import dev.heal.chaos.Experiment;
import dev.heal.chaos.ExperimentResult;
import dev.heal.chaos.Fault;
import dev.heal.chaos.FaultSchedule;
import dev.heal.chaos.InjectedFaultException;
import dev.heal.chaos.Load;
import dev.heal.chaos.junit.ChaosProperty;
import dev.heal.chaos.junit.ChaosTest;
import dev.heal.core.time.ManualClock;
import java.time.Duration;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The testkit, compiled against JUnit 5.14's API, running on the JUnit 6 platform. */
class ChaosOnJunit6Test {

  @Test
  void theJupiterOnTheClasspathIsJunit6() {
    String version = Test.class.getPackage().getImplementationVersion();
    assertThat(version).startsWith("6.");
  }

  /** The README's steps (testkit first, junit-jupiter 6 after it, no BOM) give one JUnit, not a mix. */
  @Test
  void apiEngineAndPlatformAreTheSameJunit6Release() throws ClassNotFoundException {
    String api = Test.class.getPackage().getImplementationVersion();
    String engine = Class.forName("org.junit.jupiter.engine.JupiterTestEngine").getPackage().getImplementationVersion();
    String commons = org.junit.platform.commons.support.AnnotationSupport.class.getPackage().getImplementationVersion();
    assertThat(api).isEqualTo("6.0.3");
    assertThat(engine).isEqualTo(api);
    assertThat(commons).isEqualTo(api);
  }

  @ChaosTest(seed = "6")
  void chaosTestRunsOnJunit6(ChaosController chaos, ManualClock clock, Random random) {
    assertThat(chaos.seed()).isEqualTo(6);
    assertThat(random).isNotNull();
    Supplier<String> db = chaos.supplier("db", () -> "row");
    chaos.arm(Fault.error("db").lasting(Duration.ofSeconds(1)));
    assertThatThrownBy(db::get).isInstanceOf(InjectedFaultException.class);
    clock.advance(Duration.ofSeconds(1));
    assertThat(db.get()).isEqualTo("row");

    ExperimentResult r = chaos.run(Experiment.builder("junit6")
        .faults(Fault.latency("db", Duration.ofMillis(20)).named("slow").startingAt(Duration.ofSeconds(1))
            .lasting(Duration.ofSeconds(1)))
        .load(Load.of(10, db::get)).duration(Duration.ofSeconds(3)).build());
    assertThat(r.latencyPercentileDuring("slow", 0.5)).isEqualTo(Duration.ofMillis(20));
  }

  @ChaosProperty(tries = 10, seed = "66", targets = {"db"}, effects = {"error", "latency:50ms"}, horizon = "5s")
  void chaosPropertyRunsOnJunit6(FaultSchedule schedule, ChaosController chaos) {
    assertThat(schedule.size()).isBetween(1, 3);
    assertThat(schedule.faults()).allMatch(f -> f.effect() instanceof Effect.Error || f.effect() instanceof Effect.Latency);
    assertThat(chaos.armedFaults()).isEmpty();
  }
}
