package dev.heal.benchmarks;

import dev.heal.core.degradation.DegradationLevel;
import dev.heal.core.degradation.Feature;
import dev.heal.core.degradation.Features;
import dev.heal.core.healer.Action;
import dev.heal.core.healer.Healer;
import dev.heal.core.healer.RecoveryPlan;
import dev.heal.core.healer.Trigger;
import dev.heal.core.time.HealClock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Healer latency from a signal to its first action starting on the action pool, with the system
 * clock and real threads; and the cost of asking whether a feature is on.
 */
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(3)
public class HealerBenchmark {
  private Healer healer;
  private volatile long started;
  private Features features;
  private Feature recommendations;

  @Setup(Level.Trial)
  public void setUp() {
    healer = Healer.builder().clock(HealClock.system()).budget(Integer.MAX_VALUE, Duration.ofSeconds(1))
        .cooldown(Duration.ZERO).journalSize(16)
        .plan(RecoveryPlan.when(Trigger.signal("broken")).then(Action.run("mark", () -> started++))
            .verifyWithin(Duration.ofMinutes(1)).build())
        .build();
    features = new Features();
    recommendations = features.define("recommendations", DegradationLevel.REDUCED);
    features.define("search-suggestions", DegradationLevel.REDUCED);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    healer.close();
  }

  /**
   * One signal to one action start: raise, wait until the action has run on the pool, then
   * resolve so the next iteration opens a fresh episode. SampleTime gives the percentiles.
   */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public long signalToFirstAction() {
    long before = started;
    healer.raise("broken", "bench");
    while (started == before) {
      Thread.onSpinWait();
    }
    healer.resolve("broken", "bench");
    return started;
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public boolean featuresIsEnabledByName() {
    return features.isEnabled("recommendations");
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public boolean featureHandleIsEnabled() {
    return recommendations.isEnabled();
  }
}
