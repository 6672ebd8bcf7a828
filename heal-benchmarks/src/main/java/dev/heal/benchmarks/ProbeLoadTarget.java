package dev.heal.benchmarks;

import dev.heal.core.health.CheckKind;
import dev.heal.core.health.HealthCheckConfig;
import dev.heal.core.health.HealthRegistry;
import dev.heal.core.health.HealthResult;
import dev.heal.core.http.ProbeServer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A probe server for {@code wrk}: 100 readiness checks, one of which hangs forever (its run times
 * out every interval). Usage: {@code java -cp heal-benchmarks/target/benchmarks.jar
 * dev.heal.benchmarks.ProbeLoadTarget [port] [hang]}; prints the URL and serves until killed.
 */
public final class ProbeLoadTarget {
  private ProbeLoadTarget() {}

  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 18081;
    boolean hang = args.length > 1 && Boolean.parseBoolean(args[1]);
    CountDownLatch forever = new CountDownLatch(1);
    HealthRegistry registry = HealthRegistry.builder().poolSize(4).build();
    for (int i = 0; i < 99; i++) {
      registry.register(HealthCheckConfig.builder("check-" + i).kinds(CheckKind.READINESS, CheckKind.LIVENESS)
          .interval(Duration.ofSeconds(1)).critical(i % 2 == 0).build(), HealthResult::up);
    }
    registry.register(HealthCheckConfig.builder("slow").critical(false).interval(Duration.ofSeconds(1))
        .timeout(Duration.ofMillis(500)).build(), () -> {
          if (hang) {
            forever.await();
          }
          return HealthResult.up();
        });
    registry.start();
    ProbeServer server = ProbeServer.builder(registry).host("127.0.0.1").port(port).threads(2).start();
    System.out.println("ready " + server.baseUrl() + "/readyz hang=" + hang);
    forever.await();
  }
}
