package dev.heal.chaos.internal;

import dev.heal.chaos.ChaosController;
import dev.heal.chaos.ChaosMeshExporter;
import dev.heal.chaos.Experiment;
import dev.heal.chaos.ScheduleGenerator;
import dev.heal.core.internal.ReferenceCatalog;
import java.util.List;

/**
 * heal-chaos-testkit's configuration, for {@code docs/reference.md} (see {@link
 * ReferenceCatalog}); it registers no meters (experiments report in their results). Not API.
 */
public final class ChaosReference implements ReferenceCatalog {
  @Override
  public String module() {
    return "heal-chaos-testkit";
  }

  @Override
  public List<Builder> builders() {
    return List.of(
        Builder.of("Chaos controller", ChaosController.Builder.class, "ChaosController.builder()",
                ChaosController::builder)
            .set("seed", "— (required)", "")
            .set("clock", "`HealClock.system()`", "", "The clock faults, schedules and experiments run on.")
            .field("timeMode", "", "Whether experiments run in virtual or real time; AUTO picks by the clock."),
        Builder.of("Experiments", Experiment.Builder.class, "Experiment.builder(name)", () -> Experiment.builder("name"))
            .set("steadyState", "none", "")
            .set("faults", "none", "", "The fault schedule played during the run.")
            .set("load", "none", "", "The load driven during the run.")
            .field("duration", "")
            .field("probeEvery", "")
            .set("rollback", "none", "")
            .set("observe", "none", "", "Watches a health registry's transitions (time-to-detect, the timeline) or a healer's events and episodes.")
            .field("requireSteadyStateBefore", ""),
        Builder.of("Generated fault schedules", ScheduleGenerator.Builder.class, "ScheduleGenerator.builder()",
                ScheduleGenerator::builder)
            .set("faults", "`1` to `3`", "faults", "How many faults a generated schedule has (min, max).")
            .set("targets", "— (required)", "", "The fault targets to pick from.")
            .set("effects", "— (required)", "", "The effects to pick from.")
            .set("faultDuration", "`100ms` to `2s`", "", "How long one fault lasts (min, max).")
            .field("horizon", "")
            .field("granularity", "", "Fault starts and durations are multiples of this."),
        Builder.of("Chaos Mesh export", ChaosMeshExporter.Builder.class, "ChaosMeshExporter.builder()",
                ChaosMeshExporter::builder)
            .set("workload", "— (required per target)", "")
            .field("mode", "")
            .set("bandwidthLimit", "`20971520` bytes/s, buffer `10000` bytes", "bytes/s, bytes",
                "Rate and buffer of the bandwidth faults' `NetworkChaos`."));
  }
}
