package dev.heal.chaos.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.heal.chaos.FaultNeverFiredException;
import dev.heal.chaos.junit.samples.ExperimentSample;
import dev.heal.chaos.junit.samples.FailingChaosSample;
import dev.heal.chaos.junit.samples.LeakSample;
import dev.heal.chaos.junit.samples.PassingPropertySample;
import dev.heal.chaos.junit.samples.PropertySample;
import dev.heal.chaos.junit.samples.ScheduledFaultSample;
import dev.heal.chaos.junit.samples.UnfiredFaultSample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/** Runs sample classes on a nested Jupiter engine to check what the extension does to real tests. */
class ChaosExtensionEngineTest {

  private static EngineExecutionResults run(Class<?> sample, String... params) {
    EngineTestKit.Builder b = EngineTestKit.engine("junit-jupiter").selectors(selectClass(sample))
        .configurationParameter("heal.chaos.reportDir", "target/heal-chaos-samples");
    for (int i = 0; i + 1 < params.length; i += 2) {
      b.configurationParameter(params[i], params[i + 1]);
    }
    return b.execute();
  }

  private static Throwable failure(Event e) {
    return e.getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
  }

  @Test
  void effectGuardFailsATestWhoseFaultNeverFired() {
    EngineExecutionResults r = run(UnfiredFaultSample.class);
    r.testEvents().assertStatistics(s -> s.started(1).failed(1));
    Throwable t = failure(r.testEvents().failed().list().get(0));
    assertThat(t).isInstanceOf(FaultNeverFiredException.class).hasMessageContaining("nobody:error")
        .hasMessageContaining("Seed: 99")
        .hasMessageContaining("Faults armed: nobody:error[error]@0s+∞ hits=0 of 0 opportunities")
        .hasMessageContaining("Rerun exactly: @ChaosTest(seed = \"99\") or -Dheal.chaos.seed=99");
  }

  @Test
  void rerunLineAndReportEntriesCarryTheScheduledFaultsRealStartTime() {
    EngineExecutionResults r = run(ScheduledFaultSample.class);
    r.testEvents().assertStatistics(s -> s.failed(1));
    Throwable t = failure(r.testEvents().failed().list().get(0));
    assertThat(Arrays.stream(t.getSuppressed()).map(Throwable::getMessage)).singleElement().satisfies(m ->
        assertThat(m).contains("@ChaosTest(seed = \"77\")")
            .containsPattern("Faults armed: backend-down\\[error]@800ms\\+800ms hits=\\d+ of \\d+ opportunities"));
    List<Map<String, String>> entries = r.allEvents().reportingEntryPublished().stream()
        .map(e -> e.getPayload(ReportEntry.class).orElseThrow().getKeyValuePairs()).toList();
    assertThat(entries).anySatisfy(m -> assertThat(m.get("heal.chaos.fault.backend-down"))
        .matches("hits=8 of 8 opportunities, backend-down\\[error]@800ms\\+800ms"));
  }

  @Test
  void failureCarriesTheSeedAndHowToRerun() {
    EngineExecutionResults r = run(FailingChaosSample.class);
    r.testEvents().assertStatistics(s -> s.failed(1));
    Throwable t = failure(r.testEvents().failed().list().get(0));
    assertThat(t).isInstanceOf(AssertionError.class);
    assertThat(Arrays.stream(t.getSuppressed()).map(Throwable::getMessage))
        .anySatisfy(m -> assertThat(m).contains("seed 123").contains("@ChaosTest(seed = \"123\")")
            .contains("-Dheal.chaos.seed=123").contains("db:error[").contains("rate=0.5"));
  }

  @Test
  void seedFromTheConfigurationParameterIsUsedAndPublished() {
    EngineExecutionResults r = run(PassingPropertySample.class, "heal.chaos.seed", "31337");
    List<String> seeds = r.allEvents().reportingEntryPublished().stream()
        .map(e -> e.getPayload(ReportEntry.class).orElseThrow().getKeyValuePairs())
        .map(m -> m.get("heal.chaos.seed")).filter(v -> v != null).toList();
    assertThat(seeds).isNotEmpty().allSatisfy(s -> assertThat(s).contains("master seed 31337"));
  }

  @Test
  void nothingLeaksFromOneTestIntoTheNext() {
    EngineExecutionResults r = run(LeakSample.class);
    r.testEvents().assertStatistics(s -> s.started(2).succeeded(1).failed(1));
    assertThat(r.testEvents().succeeded().list().get(0).getTestDescriptor().getDisplayName())
        .contains("seesNothingOfTheFirstTest");
  }

  @Test
  void passingPropertyRunsEveryTry() {
    EngineExecutionResults r = run(PassingPropertySample.class);
    r.testEvents().assertStatistics(s -> s.started(12).succeeded(12).failed(0).aborted(0));
  }

  @Test
  void failingPropertyShrinksToTheMinimalSchedule() {
    EngineExecutionResults r = run(PropertySample.class);
    List<Event> failed = r.testEvents().failed().list();
    assertThat(failed).as("reported once: the failing try is aborted, the minimal rerun fails").hasSize(1);
    Event last = failed.get(0);
    assertThat(last.getTestDescriptor().getDisplayName()).startsWith("minimal failing schedule: ");
    Throwable t = failure(last);
    assertThat(t.getMessage())
        .contains("Minimal failing schedule")
        .containsPattern("f\\d-db-error\\[error]@\\d+m?s\\+500ms\\n")
        .contains("it is 1-minimal")
        .contains("master seed 5").contains("@ChaosProperty(seed = \"5\"");
    String minimal = t.getMessage().substring(t.getMessage().indexOf("):") + 2, t.getMessage().indexOf('\n'));
    assertThat(minimal.split(";")).as("one fault left: %s", minimal).hasSize(1);
    assertThat(r.testEvents().aborted().count()).as("shrink candidates are reported as aborted").isPositive();
  }

  @Test
  void reportEntriesNameTheFaultsAndTheirHits() {
    EngineExecutionResults r = run(FailingChaosSample.class);
    List<Map<String, String>> entries = r.allEvents().reportingEntryPublished().stream()
        .map(e -> e.getPayload(ReportEntry.class).orElseThrow().getKeyValuePairs()).toList();
    assertThat(entries).anySatisfy(m -> assertThat(m).containsKey("heal.chaos.fault.db:error"));
    assertThat(entries).anySatisfy(m -> assertThat(m.get("heal.chaos.seed")).isEqualTo("123 (from the annotation)"));
  }

  @Test
  void experimentReportsAreWrittenAndAttached() throws Exception {
    EngineExecutionResults r = run(ExperimentSample.class);
    r.testEvents().assertStatistics(s -> s.succeeded(1));
    List<Map<String, String>> entries = r.allEvents().reportingEntryPublished().stream()
        .map(e -> e.getPayload(ReportEntry.class).orElseThrow().getKeyValuePairs()).toList();
    String json = entries.stream().map(m -> m.get("heal.chaos.report.json")).filter(v -> v != null).findFirst().orElseThrow();
    String svg = entries.stream().map(m -> m.get("heal.chaos.report.svg")).filter(v -> v != null).findFirst().orElseThrow();
    assertThat(Path.of(json)).exists().isRegularFile();
    assertThat(Files.readString(Path.of(json))).contains("\"seed\" : 8");
    assertThat(Path.of(svg)).exists();
    assertThat(svg).contains("heal-chaos-samples").contains("runsAnExperiment-1-sample.svg");
  }
}
