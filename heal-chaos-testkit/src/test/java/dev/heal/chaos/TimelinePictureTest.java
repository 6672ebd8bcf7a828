package dev.heal.chaos;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import dev.heal.chaos.internal.SvgTimeline;
import dev.heal.chaos.internal.Ticks;
import dev.heal.chaos.internal.Timeline;
import dev.heal.core.testing.ExternalTools;
import dev.heal.core.time.ManualClock;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report picture: it renders (rsvg-convert to PNG), no two texts overlap, ticks are 1-2-5
 * values with their unit, buckets do not alias and latency lines break where there is no data.
 */
class TimelinePictureTest {
  private static final Pattern TICK = Pattern.compile("(\\d+(\\.\\d+)?) (s|ms|req/s)");

  /** The outage the docs show, with heal's episodes. */
  private static ExperimentResult outage() {
    try (Shop shop = new Shop(42, true)) {
      return shop.chaos.run(ExperimentTest.experiment(shop, ExperimentTest.OUTAGE));
    }
  }

  /** Many faults with long names, back to back and overlapping, plus heal's events: a crowded picture. */
  private static ExperimentResult crowded() {
    try (Shop shop = new Shop(42, true)) {
      return shop.chaos.run(ExperimentTest.experiment(shop,
          Fault.error("inventory").named("inventory-outage-the-first").startingAt(ofSeconds(1)).lasting(ofSeconds(1)),
          Fault.error("inventory").named("inventory-outage-the-second").startingAt(ofSeconds(2)).lasting(ofSeconds(1)),
          Fault.latency("inventory", ofMillis(20)).named("inventory-slow-nested").startingAt(ofMillis(2200))
              .lasting(ofMillis(300)),
          Fault.error("inventory").named("inventory-blip").startingAt(ofMillis(2400)).lasting(ofMillis(100)),
          Fault.error("inventory").named("inventory-outage-late").startingAt(ofSeconds(6)).lasting(ofSeconds(2)),
          Fault.error("inventory").named("inventory-outage-last").startingAt(ofMillis(8100)).lasting(ofMillis(200))));
    }
  }

  /** A steady 30 requests/s for 48.01 s, whose old duration/60 buckets alternated 18/36 requests/s. */
  private static ExperimentResult steady() {
    try (ChaosController chaos = ChaosController.builder().seed(3).clock(new ManualClock()).build()) {
      return chaos.run(Experiment.builder("steady").load(Load.of(30, () -> true)).duration(ofMillis(48_010)).build());
    }
  }

  /** The load hangs for two seconds: no request starts, so there is no latency to draw. */
  private static ExperimentResult withAGap() {
    try (ChaosController chaos = ChaosController.builder().seed(4).clock(new ManualClock()).build()) {
      Supplier<String> db = chaos.supplier("db", () -> "row");
      return chaos.run(Experiment.builder("gap")
          .faults(Fault.hang("db", ofSeconds(3)).named("db-hang").startingAt(ofSeconds(2)).lasting(ofSeconds(3)))
          .load(Load.of(10, db::get)).duration(ofSeconds(10)).build());
    }
  }

  private static List<ExperimentResult> pictures() {
    return List.of(outage(), crowded(), steady(), withAGap());
  }

  @Test
  void everyPictureRendersToPngWithRsvgConvert(@TempDir Path dir) throws Exception {
    Path rsvg = ExternalTools.require("librsvg2-bin", "rsvg-convert");
    int n = 0;
    for (ExperimentResult r : pictures()) {
      SvgTimeline.Layout layout = SvgTimeline.layout(r);
      Path svg = dir.resolve("p" + n + ".svg");
      Path png = dir.resolve("p" + n++ + ".png");
      Files.writeString(svg, layout.svg(), StandardCharsets.UTF_8);
      Process p = new ProcessBuilder(rsvg.toString(), "-o", png.toString(), svg.toString()).redirectErrorStream(true)
          .start();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as("rsvg-convert: %s", output).isZero();
      int[] size = pngSize(png);
      assertThat(size).containsExactly(layout.width(), layout.height());
    }
  }

  /** Width and height from the PNG's IHDR chunk. */
  private static int[] pngSize(Path png) throws IOException {
    try (InputStream in = Files.newInputStream(png); DataInputStream d = new DataInputStream(in)) {
      byte[] sig = d.readNBytes(8);
      assertThat(sig).startsWith(0x89, 'P', 'N', 'G');
      d.readInt(); // IHDR length
      assertThat(new String(d.readNBytes(4), StandardCharsets.US_ASCII)).isEqualTo("IHDR");
      return new int[] {d.readInt(), d.readInt()};
    }
  }

  @Test
  void noTwoTextBoxesOverlap() {
    for (ExperimentResult r : pictures()) {
      List<SvgTimeline.Text> texts = SvgTimeline.layout(r).texts();
      for (int i = 0; i < texts.size(); i++) {
        for (int j = i + 1; j < texts.size(); j++) {
          SvgTimeline.Text a = texts.get(i);
          SvgTimeline.Text b = texts.get(j);
          assertThat(a.box().overlaps(b.box())).as("'%s' (%s) and '%s' (%s) in %s", a.text(), a.role(), b.text(),
              b.role(), r.name()).isFalse();
        }
      }
      assertThat(texts).extracting(SvgTimeline.Text::role).contains("title", "x-tick", "y-tick");
    }
    assertThat(SvgTimeline.layout(crowded()).texts()).filteredOn(t -> t.role().equals("fault")).hasSize(6);
    assertThat(SvgTimeline.layout(outage()).texts()).anyMatch(t -> t.role().equals("event"))
        .anyMatch(t -> t.role().equals("annotation"));
  }

  @Test
  void everyTickLabelIsAOneTwoFiveValueWithItsUnit() {
    for (ExperimentResult r : pictures()) {
      Map<String, List<Double>> axes = new LinkedHashMap<>();
      for (SvgTimeline.Text t : SvgTimeline.layout(r).texts()) {
        if (!t.role().endsWith("tick")) {
          continue;
        }
        Matcher m = TICK.matcher(t.text());
        assertThat(m.matches()).as("tick label '%s' is a number and a unit", t.text()).isTrue();
        String axis = t.role().equals("x-tick") ? "x@" + t.baseline() : "y " + m.group(3) + "@" + t.x();
        axes.computeIfAbsent(axis, k -> new ArrayList<>())
            .add(Double.parseDouble(m.group(1)));
      }
      assertThat(axes).as("axes of %s", r.name()).hasSizeGreaterThanOrEqualTo(4);
      for (Map.Entry<String, List<Double>> a : axes.entrySet()) {
        List<Double> v = a.getValue().stream().distinct().sorted().toList();
        assertThat(v.get(0)).as("%s starts at zero", a.getKey()).isZero();
        double step = v.get(1) - v.get(0);
        assertThat(Ticks.isOneTwoFive(step)).as("%s step %s is 1, 2 or 5 times a power of ten", a.getKey(), step)
            .isTrue();
        for (int i = 1; i < v.size(); i++) {
          assertThat(v.get(i) - v.get(i - 1)).as("%s evenly spaced: %s", a.getKey(), v).isCloseTo(step,
              offset(1e-9));
        }
      }
    }
  }

  @Test
  void aSteadyLoadShowsAsEqualWholeSecondBuckets() {
    List<Timeline.Bucket> buckets = Timeline.of(steady());
    assertThat(buckets).hasSize(49);
    assertThat(buckets.subList(0, 48)).allSatisfy(b -> {
      assertThat(b.widthNanos()).isEqualTo(1_000_000_000L);
      assertThat(b.startNanos() % 1_000_000_000L).isZero();
      assertThat(b.requests()).isEqualTo(30);
      assertThat(b.rate()).isEqualTo(30.0);
    });
    assertThat(buckets.get(48).coveredNanos()).isEqualTo(10_000_000L);
  }

  @Test
  void theLatencyLineBreaksWhereNoRequestStarted() {
    ExperimentResult r = withAGap();
    assertThat(Timeline.of(r)).anyMatch(b -> b.requests() == 0);
    String svg = SvgTimeline.render(r);
    Matcher m = Pattern.compile("<(polyline|circle) class=\"p99\"").matcher(svg);
    int pieces = 0;
    while (m.find()) {
      pieces++;
    }
    assertThat(pieces).as("the p99 line has a gap").isGreaterThanOrEqualTo(2);
  }
}
