package dev.heal.benchmarks;

import dev.heal.core.health.CheckKind;
import dev.heal.core.health.HealthCheckConfig;
import dev.heal.core.health.HealthRegistry;
import dev.heal.core.health.HealthResult;
import dev.heal.core.time.InlineExecutorService;
import dev.heal.core.time.ManualClock;
import dev.heal.http.HttpRequest;
import dev.heal.http.HttpResponse;
import dev.heal.http.ProbeHandler;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
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
 * The probe path with 100 registered checks: what a readiness request costs once the answer has
 * been aggregated in the background, and what re-aggregating after a check's transition costs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class ProbeBenchmark {
  private static final InputStream EMPTY = new ByteArrayInputStream(new byte[0]);
  private HealthRegistry registry;
  private ProbeHandler handler;
  private ManualClock clock;
  private volatile boolean flip;

  @Setup(Level.Trial)
  public void setUp() {
    clock = new ManualClock();
    registry = HealthRegistry.builder().clock(clock).executor(new InlineExecutorService()).build();
    for (int i = 0; i < 100; i++) {
      int n = i;
      registry.register(
          HealthCheckConfig.builder("check-" + i).kinds(CheckKind.READINESS, CheckKind.LIVENESS)
              .interval(Duration.ofSeconds(1)).failureThreshold(1).critical(n % 2 == 0).build(),
          () -> n == 0 && flip ? HealthResult.down("flipped") : HealthResult.up());
    }
    registry.start();
    clock.advance(Duration.ofSeconds(1));
    handler = ProbeHandler.builder(registry).build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    registry.close();
  }

  /** The status a /readyz request reads: one volatile read. */
  @Benchmark
  public Object readinessStatus() {
    return registry.status(CheckKind.READINESS);
  }

  /** A whole /readyz dispatch through the handler, without the socket. */
  @Benchmark
  public HttpResponse readyzDispatch() throws IOException {
    return handler.dispatch("GET", "/readyz", "", HttpRequest.Headers.NONE, EMPTY, -1);
  }

  /**
   * One round of all 100 checks in which check-0 flips, so every round re-aggregates the
   * 100 checks into liveness, readiness and startup: the background work behind each answer.
   */
  @Benchmark
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public Object checkRoundWithTransition() {
    flip = !flip;
    clock.advance(Duration.ofSeconds(1));
    return registry.status(CheckKind.READINESS);
  }
}
