package dev.heal.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heal.chaos.ChaosAssertions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo scenario in short form (40 s of real time), with heal on. The bounds are the demo's
 * SLOs with a margin for a shared CI machine: recovery within twice the 5 s SLO, availability of
 * at least 99 % during each fault, p95 under 250 ms. The demo itself judges against the SLOs.
 */
class DemoIT {
  private static final Duration RECOVERY_BOUND = DemoMain.RECOVERY_SLO.multipliedBy(2);

  @Test
  void everyFaultIsSurvivedAndHealedInTime(@TempDir Path reports) throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    DemoMain.Outcome outcome = DemoMain.run(new DemoOptions(Duration.ofSeconds(40), 60, 7, true, reports, false),
        new PrintStream(buf, true, StandardCharsets.UTF_8));
    String out = buf.toString(StandardCharsets.UTF_8);

    ChaosAssertions.assertThat(outcome.result())
        .allFaultsFired()
        .hadEpisodes()
        .noEpisodeFailed()
        .healedBy("resetPaymentsClient")
        .healedBy("reconnectPool")
        .recoveredWithin("payments outage", RECOVERY_BOUND)
        .recoveredWithin("database connections dropped", RECOVERY_BOUND)
        .availabilityDuring("payments outage").isAtLeast(0.99)
        .availabilityDuring("database connections dropped").isAtLeast(0.99)
        .availabilityDuring("payments latency spike").isAtLeast(0.99);
    assertThat(outcome.rows()).as(out).allSatisfy(r -> assertThat(r.availability()).as(r.name()).isGreaterThanOrEqualTo(0.99));
    assertThat(outcome.result().episodes()).extracting(e -> e.plan())
        .contains("payments-recovery", "database-recovery", "brownout");
    assertThat(outcome.p95()).as(out).isLessThan(Duration.ofMillis(250));
    assertThat(Files.readString(outcome.html())).contains("heal demo: heal ON").contains("<svg");
    assertThat(reports.resolve("heal-demo.json")).exists();
  }
}
