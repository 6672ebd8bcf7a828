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
  private Features features;
  private Feature recommendations;

  @Setup(Level.Trial)
  public void setUp() {
    features = new Features();
    recommendations = features.define("recommendations", DegradationLevel.REDUCED);
    features.define("search-suggestions", DegradationLevel.REDUCED);
  }

  /** A healer with one plan; between invocations its episode is resolved and left to close. */
  @State(Scope.Benchmark)
  public static class Episodes {
    Healer healer;
    volatile long started;

    @Setup(Level.Trial)
    public void setUp() {
      healer = Healer.builder().clock(HealClock.system()).budget(Integer.MAX_VALUE, Duration.ofSeconds(1))
          .cooldown(Duration.ZERO).journalSize(16)
          .plan(RecoveryPlan.when(Trigger.signal("broken")).then(Action.run("mark", () -> started++))
              .verifyWithin(Duration.ofMinutes(1)).build())
          .build();
    }

    /**
     * Not measured: resolves the signal and waits until the episode has closed (a trigger that
     * clears while its action runs closes the episode when the action returns).
     */
    @TearDown(Level.Invocation)
    public void resolve() {
      healer.resolve("broken", "bench");
      while (!healer.journal().open().isEmpty()) {
        Thread.onSpinWait();
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      healer.close();
    }
  }

  /**
   * One signal to one action start: raise, wait until the action has run on the pool, each
   * invocation a fresh episode. SampleTime gives the percentiles.
   */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public long signalToFirstAction(Episodes e) {
    long before = e.started;
    e.healer.raise("broken", "bench");
    while (e.started == before) {
      Thread.onSpinWait();
    }
    return e.started;
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
