package dev.heal.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.heal.chaos.internal.SvgTimeline;
import dev.heal.chaos.internal.Timeline;
import dev.heal.core.healer.Journal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes an {@link ExperimentResult} as a JSON document (schedule, seed, measurements, per-fault hit
 * counts, heal's episodes, a bucketed timeline) and a self-contained SVG timeline. The JUnit
 * extension writes both under {@code target/heal-chaos/} and attaches their paths to the test's
 * report entries. Times in the JSON are milliseconds ({@code ...Ms}); ratios are 0..1, {@code null}
 * when undefined. Stateless and thread-safe.
 */
public final class ChaosReport {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

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
    try {
      return JSON.writeValueAsString(toMap(r));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The SVG timeline. */
  public static String toSvg(ExperimentResult r) {
    return SvgTimeline.render(r);
  }

  /** The JSON document as maps and lists. */
  public static Map<String, Object> toMap(ExperimentResult r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("experiment", r.name());
    m.put("seed", r.seed());
    m.put("startedAt", r.startedAt().toString());
    m.put("durationMs", r.duration().toMillis());
    List<Object> schedule = new ArrayList<>();
    for (Fault f : r.schedule().faults()) {
      Map<String, Object> fm = new LinkedHashMap<>();
      fm.put("name", f.name());
      fm.put("target", f.target());
      fm.put("kind", f.effect().kind());
      fm.put("effect", f.effect().toString());
      fm.put("rate", f.rate());
      fm.put("startMs", f.start().toMillis());
      fm.put("durationMs", f.duration().map(Duration::toMillis).orElse(null));
      schedule.add(fm);
    }
    m.put("schedule", schedule);
    Map<String, Object> meas = new LinkedHashMap<>();
    meas.put("requests", r.requests().size());
    meas.put("failures", r.requests().stream().filter(s -> !s.ok()).count());
    meas.put("availability", ratio(r.availability()));
    Map<String, Object> lat = new LinkedHashMap<>();
    for (double q : new double[] {0.5, 0.9, 0.95, 0.99, 1.0}) {
      lat.put(q == 1.0 ? "max" : "p" + (int) Math.round(q * 100), millis(r.latencyPercentile(q)));
    }
    meas.put("latencyMs", lat);
    List<Object> perFault = new ArrayList<>();
    for (ExperimentResult.FaultMeasurement fm : r.measurements()) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("fault", fm.fault().name());
      x.put("availability", ratio(fm.availability()));
      x.put("requests", fm.requests());
      x.put("hits", fm.hits());
      x.put("opportunities", r.faultReport(fm.fault().name()).map(FaultReport::opportunities).orElse(0L));
      x.put("timeToDetectMs", fm.timeToDetect().map(ChaosReport::millis).orElse(null));
      x.put("timeToRecoverMs", fm.timeToRecover().map(ChaosReport::millis).orElse(null));
      perFault.add(x);
    }
    meas.put("faults", perFault);
    m.put("measurements", meas);
    m.put("episodes", r.episodes().stream().map(Journal::toMap).toList());
    m.put("markers", r.markers().stream().map(mk -> {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("atMs", mk.offsetNanos() / 1_000_000.0);
      x.put("kind", mk.kind());
      x.put("label", mk.label());
      x.put("signal", mk.signal());
      return x;
    }).toList());
    m.put("timeline", Timeline.of(r).stream().map(b -> {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("atMs", b.startNanos() / 1_000_000.0);
      x.put("widthMs", b.coveredNanos() / 1_000_000.0);
      x.put("requests", b.requests());
      x.put("errors", b.errors());
      x.put("p50Ms", b.p50Millis());
      x.put("p99Ms", b.p99Millis());
      return x;
    }).toList());
    return m;
  }

  private static Double ratio(double v) {
    return Double.isNaN(v) ? null : v;
  }

  private static double millis(Duration d) {
    return d.toNanos() / 1_000_000.0;
  }

}
