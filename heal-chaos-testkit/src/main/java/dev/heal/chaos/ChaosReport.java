package dev.heal.chaos;

import dev.heal.chaos.internal.Json;
import dev.heal.chaos.internal.ReportDocument;
import dev.heal.chaos.internal.SvgTimeline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes an {@link ExperimentResult} as a JSON document (schedule, seed, measurements, per-fault hit
 * counts, heal's episodes, a bucketed timeline) and a self-contained SVG timeline. The JUnit
 * extension writes both under {@code target/heal-chaos/} and attaches their paths to the test's
 * report entries. Times in the JSON are milliseconds ({@code ...Ms}); ratios are 0..1, {@code null}
 * when undefined. Stateless and thread-safe.
 */
public final class ChaosReport {
  private ChaosReport() {}

  /** Paths of the files {@link #write} wrote. */
  public record Files(Path json, Path svg) {}

  /** Writes {@code baseName.json} and {@code baseName.svg} into {@code dir}, creating it. */
  public static Files write(ExperimentResult result, Path dir, String baseName) {
    try {
      java.nio.file.Files.createDirectories(dir);
      Path json = dir.resolve(baseName + ".json");
      Path svg = dir.resolve(baseName + ".svg");
      java.nio.file.Files.writeString(json, toJson(result), StandardCharsets.UTF_8);
      java.nio.file.Files.writeString(svg, toSvg(result), StandardCharsets.UTF_8);
      return new Files(json, svg);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the chaos report to " + dir, e);
    }
  }

  /** The JSON document. */
  public static String toJson(ExperimentResult r) {
    return Json.json(ReportDocument.of(r));
  }

  /** The SVG timeline. */
  public static String toSvg(ExperimentResult r) {
    return SvgTimeline.render(r);
  }

  /**
   * The JSON document as maps and lists.
   *
   * @deprecated the document is a record now; use {@link #toJson}. Numbers come back as Jackson reads
   *     them (an {@code Integer} where it fits), not as the {@code Long}s this method once built.
   */
  @Deprecated(since = "0.1.0", forRemoval = true)
  public static Map<String, Object> toMap(ExperimentResult r) {
    return Json.map(ReportDocument.of(r));
  }
}
