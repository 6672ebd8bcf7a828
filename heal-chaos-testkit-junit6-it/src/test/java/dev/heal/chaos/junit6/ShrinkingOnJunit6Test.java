package dev.heal.chaos.junit6;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.heal.chaos.junit6.samples.ShrinkingSample;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/** Shrinking relies on JUnit pulling template invocations lazily, one at a time: true on JUnit 6 too. */
class ShrinkingOnJunit6Test {
  @Test
  void failingPropertyShrinksOnJunit6() {
    EngineExecutionResults r = EngineTestKit.engine("junit-jupiter").selectors(selectClass(ShrinkingSample.class))
        .configurationParameter("heal.chaos.reportDir", "target/heal-chaos-samples").execute();
    List<Event> failed = r.testEvents().failed().list();
    assertThat(failed).as("the failing try is aborted; only the minimal rerun fails").hasSize(1);
    Event last = failed.get(0);
    assertThat(last.getTestDescriptor().getDisplayName()).startsWith("minimal failing schedule: ");
    Throwable t = last.getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
    assertThat(t.getMessage()).containsPattern("Minimal failing schedule \\(after \\d+ shrink steps, \\d+ candidates tried\\): "
        + "f\\d-db-error\\[error]@\\d+m?s\\+1s\\n").contains("it is 1-minimal");
    assertThat(r.testEvents().aborted().count()).isPositive();
  }
}
