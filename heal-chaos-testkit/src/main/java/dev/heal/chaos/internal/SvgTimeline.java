package dev.heal.chaos.internal;

import dev.heal.chaos.ExperimentResult;
import dev.heal.chaos.Fault;
import dev.heal.chaos.Marker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Renders an experiment as a self-contained SVG: request rate and errors over time, p50/p99
 * latency, fault windows shaded, heal's events marked, time-to-detect and time-to-recover
 * annotated.
 *
 * <p>Layout rules: every text is horizontal and placed in a lane (a row) where it overlaps no other
 * text; fault labels, detect/recover annotations and heal's event labels each get as many lanes as
 * they need and the picture grows to fit (event labels hang below the latency panel on leader
 * lines). Axis ticks are 1-2-5 steps with their unit on every label. Request buckets come from
 * {@link Timeline} (whole-second aligned), and the latency lines break where a bucket has no
 * request. {@link #layout} exposes the placed texts so tests can check them. Not API. Thread-safe
 * (stateless).
 */
public final class SvgTimeline {
  private static final int W = 1000;
  private static final int LEFT = 80;
  private static final int RIGHT = 30;
  private static final int PLOT_W = W - LEFT - RIGHT;
  private static final int RATE_H = 150;
  private static final int LAT_H = 130;
  private static final int LANE = 14;
  private static final int ANNOTATION_LANE = 26;
  private static final double CHAR_WIDTH = 0.62; // of the font size: wider than Helvetica's average
  private static final String[] FAULT_COLORS = {"#f4a261", "#e76f51", "#e9c46a", "#a8dadc"};

  private SvgTimeline() {}

  /** A text's bounding box (estimated from the font size and the number of characters). */
  public record Box(double x, double y, double width, double height) {
    public boolean overlaps(Box o) {
      return x < o.x + o.width && o.x < x + width && y < o.y + o.height && o.y < y + height;
    }
  }

  /**
   * One placed text.
   *
   * @param role what it is: title, subtitle, legend, fault, x-tick, y-tick, annotation, event
   */
  public record Text(String role, String text, double x, double baseline, int size, Box box) {}

  /** The rendered SVG and where its texts went. */
  public record Layout(String svg, int width, int height, List<Text> texts) {}

  public static String render(ExperimentResult r) {
    return layout(r).svg();
  }

  public static Layout layout(ExperimentResult r) {
    return new Renderer(r).render();
  }

  private static final class Renderer {
    final ExperimentResult r;
    final long total;
    final StringBuilder body = new StringBuilder(32_768);
    final List<Text> texts = new ArrayList<>();

    Renderer(ExperimentResult r) {
      this.r = r;
      this.total = Math.max(1, r.duration().toNanos());
    }

    Layout render() {
      List<Timeline.Bucket> buckets = Timeline.of(r);
      text("title", LEFT, 22, 15, "bold", "#222", "start", "heal chaos experiment: " + r.name());
      text("subtitle", LEFT, 40, 11, "normal", "#555", "start", String.format(Locale.ROOT,
          "seed %d · %s · availability %s · p50 %s · p99 %s · %d requests · %d episode(s)", r.seed(),
          fmt(r.duration()), pct(r.availability()), fmt(r.latencyPercentile(0.5)), fmt(r.latencyPercentile(0.99)),
          r.requests().size(), r.episodes().size()));
      legend(58);

      // fault labels, one lane each where they would overlap
      List<Fault> faults = r.schedule().faults();
      Lanes faultLanes = new Lanes();
      List<Integer> faultLane = new ArrayList<>();
      for (Fault f : faults) {
        String label = "fault " + f.name() + " (" + f.effect().kind() + ")";
        double x0 = x(f.start().toNanos());
        faultLane.add(faultLanes.place(x0, x0 + width(label, 10)));
      }
      int faultTop = 76;
      int rateTop = faultTop + faultLanes.count() * LANE + 10;
      int rateAxis = rateTop + RATE_H;
      int annTop = rateAxis + 22;

      // detect / recover annotations, lanes again
      List<Annotation> annotations = annotations();
      Lanes annLanes = new Lanes();
      for (Annotation a : annotations) {
        a.lane = annLanes.place(a.from, Math.max(a.to, a.from + 4 + width(a.label, 10)));
      }
      int latTop = annTop + annLanes.count() * ANNOTATION_LANE + 16;
      int latAxis = latTop + LAT_H;
      int eventTop = latAxis + 30;

      // heal's events at the same instant share one label; labels hang below the latency panel
      // Placed right to left, so a label (which extends to the right of its leader) never hides the
      // leader of an event placed before it, and later labels keep clear of the leaders already drawn.
      List<Event> events = events();
      Lanes eventLanes = new Lanes();
      for (int i = events.size() - 1; i >= 0; i--) {
        Event e = events.get(i);
        double w = width(e.label, 9);
        e.anchorEnd = e.x + 3 + w > W - 4;
        double lx = e.anchorEnd ? e.x - 3 - w : e.x + 3;
        e.lane = eventLanes.placeWithLeader(lx, lx + w, e.x);
      }
      int height = eventTop + eventLanes.count() * (LANE - 2) + 12;

      // fault windows, shaded across both panels
      for (int i = 0; i < faults.size(); i++) {
        Fault f = faults.get(i);
        double x0 = x(f.start().toNanos());
        double x1 = x(f.end().map(Duration::toNanos).orElse(total));
        String c = FAULT_COLORS[i % FAULT_COLORS.length];
        body.append(String.format(Locale.ROOT,
            "<rect class=\"fault\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\" fill-opacity=\"0.25\"/>\n",
            x0, rateTop, Math.max(1, x1 - x0), latAxis - rateTop, c));
        text("fault", x0 + 1, faultTop + faultLane.get(i) * LANE + 10, 10, "bold", "#9a4a00", "start",
            "fault " + f.name() + " (" + f.effect().kind() + ")");
      }

      // request rate panel
      double maxRate = buckets.stream().mapToDouble(Timeline.Bucket::rate).max().orElse(0);
      Axis rateAxisY = yAxis(rateTop, RATE_H, maxRate, "req/s", 1);
      for (Timeline.Bucket b : buckets) {
        double bx0 = x(b.startNanos()) + 1;
        double bx1 = x(b.startNanos() + b.coveredNanos()) - 1;
        double okH = (b.rate() - b.errorRate()) / rateAxisY.max * RATE_H;
        double errH = b.errorRate() / rateAxisY.max * RATE_H;
        body.append(String.format(Locale.ROOT,
            "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#2a9d8f\"/>\n",
            bx0, rateAxis - okH, Math.max(0.5, bx1 - bx0), okH));
        if (b.errors() > 0) {
          body.append(String.format(Locale.ROOT,
              "<rect class=\"errors\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#d62828\"/>\n",
              bx0, rateAxis - okH - errH, Math.max(0.5, bx1 - bx0), errH));
        }
      }
      xAxis(rateAxis);

      // latency panel: one line per run of buckets that had requests
      double maxLat = buckets.stream().mapToDouble(Timeline.Bucket::p99Millis).max().orElse(0);
      boolean seconds = maxLat >= 2000;
      Axis latAxisY = yAxis(latTop, LAT_H, seconds ? maxLat / 1000 : maxLat, seconds ? "s" : "ms", seconds ? 1000 : 1);
      lines(buckets, latAxisY, latAxis, true, "#264653");
      lines(buckets, latAxisY, latAxis, false, "#8d99ae");
      xAxis(latAxis);

      // annotations
      for (Annotation a : annotations) {
        int y = annTop + a.lane * ANNOTATION_LANE + 4;
        body.append(arrow(a.from, a.to, y, a.color));
        text("annotation", a.from + 4, y + 14, 10, "normal", a.color, "start", a.label);
      }

      // events: a dashed line through both panels, a leader down to the label
      for (Event e : events) {
        body.append(String.format(Locale.ROOT,
            "<line class=\"marker\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"%s\" stroke-dasharray=\"4 3\"/>\n",
            e.x, rateTop, e.x, latAxis, e.color, e.major ? "1.5" : "0.8"));
        if (!e.label.isEmpty()) {
          int base = eventTop + e.lane * (LANE - 2) + 9;
          body.append(String.format(Locale.ROOT,
              "<line class=\"leader\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"0.6\"/>\n",
              e.x, latAxis + 18, e.x, base - 3, e.color));
          text("event", e.anchorEnd ? e.x - 3 : e.x + 3, base, 9, "normal", e.color, e.anchorEnd ? "end" : "start",
              e.label);
        }
      }

      String svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + W + "\" height=\"" + height
          + "\" viewBox=\"0 0 " + W + " " + height + "\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"11\">\n"
          + "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n" + body + "</svg>\n";
      return new Layout(svg, W, height, List.copyOf(texts));
    }

    private void legend(int y) {
      double x = LEFT;
      for (String[] item : new String[][] {{"■ successful", "#2a9d8f"}, {"■ failed", "#d62828"},
          {"— p99 latency", "#264653"}, {"— p50 latency", "#8d99ae"}}) {
        text("legend", x, y, 10, "normal", item[1], "start", item[0]);
        x += width(item[0], 10) + 14;
      }
    }

    /** The y axis of a panel: 1-2-5 ticks with the unit on each label. */
    private Axis yAxis(int top, int h, double maxValue, String unit, double scale) {
      List<Double> ticks = Ticks.ticks(maxValue <= 0 ? 1 : maxValue, 4);
      double step = ticks.size() > 1 ? ticks.get(1) : 1;
      double max = ticks.get(ticks.size() - 1) < maxValue * (1 - 1e-9) ? ticks.get(ticks.size() - 1) + step
          : ticks.get(ticks.size() - 1);
      if (ticks.get(ticks.size() - 1) < max) {
        ticks = new ArrayList<>(ticks);
        ticks.add(max);
      }
      max = Math.max(max, step);
      body.append(String.format(Locale.ROOT,
          "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n",
          LEFT, top, LEFT, top + h, LEFT, top + h, LEFT + PLOT_W, top + h));
      for (double v : ticks) {
        double y = top + h - v / max * h;
        body.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>\n",
            LEFT + 1, y, LEFT + PLOT_W, y));
        text("y-tick", LEFT - 6, y + 4, 10, "normal", "#555", "end", Ticks.text(v) + " " + unit);
      }
      return new Axis(max * scale);
    }

    /** Time ticks under a panel: a 1-2-5 step in s (or ms for experiments under two seconds). */
    private void xAxis(int axisY) {
      boolean ms = total < 2_000_000_000L;
      double unit = ms ? 1e6 : 1e9;
      for (double v : Ticks.ticks(total / unit, 10)) {
        double xx = x(Math.round(v * unit));
        body.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#333\"/>\n",
            xx, axisY, xx, axisY + 3));
        text("x-tick", xx, axisY + 14, 10, "normal", "#555", "middle", Ticks.text(v) + (ms ? " ms" : " s"));
      }
    }

    private void lines(List<Timeline.Bucket> buckets, Axis axis, int axisY, boolean p99, String color) {
      StringBuilder pts = new StringBuilder();
      int n = 0;
      for (int i = 0; i <= buckets.size(); i++) {
        Timeline.Bucket b = i < buckets.size() ? buckets.get(i) : null;
        if (b != null && b.requests() > 0) {
          double v = p99 ? b.p99Millis() : b.p50Millis();
          double cx = x(b.startNanos() + b.coveredNanos() / 2);
          double cy = axisY - v / axis.max * LAT_H;
          pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", cx, cy));
          n++;
          continue;
        }
        if (n == 1) {
          String[] xy = pts.toString().trim().split(",");
          body.append("<circle class=\"" + (p99 ? "p99" : "p50") + "\" cx=\"" + xy[0] + "\" cy=\"" + xy[1]
              + "\" r=\"1.8\" fill=\"" + color + "\"/>\n");
        } else if (n > 1) {
          body.append("<polyline class=\"" + (p99 ? "p99" : "p50") + "\" fill=\"none\" stroke=\"" + color
              + "\" stroke-width=\"1.8\" points=\"" + pts.toString().trim() + "\"/>\n");
        }
        pts.setLength(0);
        n = 0;
      }
    }

    private List<Annotation> annotations() {
      List<Annotation> out = new ArrayList<>();
      Map<Long, Boolean> recoveredDrawn = new LinkedHashMap<>();
      for (Fault f : r.schedule().faults()) {
        long start = f.start().toNanos();
        Optional<Duration> ttd = r.timeToDetect(f.name());
        if (ttd.isPresent()) {
          out.add(new Annotation(x(start), x(start + ttd.get().toNanos()), "detect " + fmt(ttd.get()), "#1d3557"));
        }
        ExperimentResult.Disturbance d = r.disturbance(f.name());
        Optional<Duration> ttr = r.timeToRecover(f.name());
        if (d.end() != Long.MAX_VALUE && ttr.isPresent() && recoveredDrawn.put(d.end(), true) == null) {
          out.add(new Annotation(x(d.end()), x(d.end() + ttr.get().toNanos()), "recover " + fmt(ttr.get()), "#2a9d8f"));
        }
      }
      return out;
    }

    private List<Event> events() {
      Map<Long, List<Marker>> byTime = new TreeMap<>();
      for (Marker m : r.markers()) {
        if (!m.kind().equals("IGNORED") && !m.kind().equals("SUPPRESSED")) {
          byTime.computeIfAbsent(m.offsetNanos(), k -> new ArrayList<>()).add(m);
        }
      }
      List<Event> out = new ArrayList<>();
      for (Map.Entry<Long, List<Marker>> e : byTime.entrySet()) {
        List<String> labels = new ArrayList<>();
        String color = "#6c757d";
        boolean major = false;
        for (Marker m : e.getValue()) {
          String c = switch (m.kind()) {
            case "EPISODE_OPENED" -> "#1d3557";
            case "STEP_STARTED" -> "#7b2cbf";
            case "EPISODE_CLOSED" -> "#2a9d8f";
            case "health" -> "#e63946";
            default -> "#6c757d";
          };
          switch (m.kind()) {
            case "EPISODE_OPENED" -> labels.add("episode opened");
            case "STEP_STARTED" -> labels.add("action: " + m.label());
            case "EPISODE_CLOSED" -> labels.add("episode closed");
            case "health", "STEP_FINISHED" -> { }
            default -> labels.add(m.kind().toLowerCase(Locale.ROOT).replace('_', ' '));
          }
          if (!m.kind().equals("health") && !m.kind().equals("STEP_FINISHED")) {
            if (!major || m.kind().equals("STEP_STARTED")) {
              color = c;
            }
            major = true;
          } else if (!major) {
            color = c;
          }
        }
        out.add(new Event(x(e.getKey()), String.join(" · ", labels), color, major));
      }
      return out;
    }

    private double x(long nanos) {
      return LEFT + PLOT_W * Math.min(1.0, Math.max(0.0, (double) nanos / total));
    }

    private void text(String role, double x, double baseline, int size, String weight, String color, String anchor,
        String t) {
      double w = width(t, size);
      double left = switch (anchor) {
        case "end" -> x - w;
        case "middle" -> x - w / 2;
        default -> x;
      };
      texts.add(new Text(role, t, x, baseline, size, new Box(left, baseline - size * 0.8, w, size)));
      body.append(String.format(Locale.ROOT,
          "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" font-weight=\"%s\" fill=\"%s\"%s>%s</text>\n", x, baseline,
          size, weight, color, anchor.equals("start") ? "" : " text-anchor=\"" + anchor + "\"", esc(t)));
    }
  }

  private record Axis(double max) {}

  private static final class Annotation {
    final double from;
    final double to;
    final String label;
    final String color;
    int lane;

    Annotation(double from, double to, String label, String color) {
      this.from = from;
      this.to = Math.max(from + 1, to);
      this.label = label;
      this.color = color;
    }
  }

  private static final class Event {
    final double x;
    final String label;
    final String color;
    final boolean major;
    boolean anchorEnd;
    int lane;

    Event(double x, String label, String color, boolean major) {
      this.x = x;
      this.label = label;
      this.color = color;
      this.major = major;
    }
  }

  /**
   * Greedy interval packing: each item goes to the first lane where it overlaps nothing. With a
   * leader, an item's leader line runs through every lane above its own: those lanes keep that x
   * free, and a lane is only taken if no item above it covers the leader's x.
   */
  private static final class Lanes {
    private static final double GAP = 6;
    private final List<List<double[]>> lanes = new ArrayList<>();

    int place(double from, double to) {
      int lane = 0;
      while (!fits(lane, from, to)) {
        lane++;
      }
      take(lane, from, to);
      return lane;
    }

    int placeWithLeader(double from, double to, double leaderX) {
      int lane = -1;
      for (int l = 0; l <= lanes.size() && lane < 0; l++) {
        if (fits(l, from, to) && clearAbove(l, leaderX)) {
          lane = l;
        }
      }
      if (lane < 0) {
        lane = place(from, to); // a leader may cross a label here, a label never overlaps one
      } else {
        take(lane, from, to);
      }
      for (int l = 0; l < lane; l++) {
        lanes.get(l).add(new double[] {leaderX - 1, leaderX + 1});
      }
      return lane;
    }

    private boolean fits(int lane, double from, double to) {
      return lane >= lanes.size() || lanes.get(lane).stream().noneMatch(s -> from < s[1] + GAP && s[0] < to + GAP);
    }

    private boolean clearAbove(int lane, double x) {
      for (int l = 0; l < lane && l < lanes.size(); l++) {
        if (lanes.get(l).stream().anyMatch(s -> s[0] - 1 <= x && x <= s[1] + 1)) {
          return false;
        }
      }
      return true;
    }

    private void take(int lane, double from, double to) {
      while (lanes.size() <= lane) {
        lanes.add(new ArrayList<>());
      }
      lanes.get(lane).add(new double[] {from, to});
    }

    int count() {
      return Math.max(1, lanes.size());
    }
  }

  private static String arrow(double a, double b, int y, String color) {
    return String.format(Locale.ROOT,
        "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"1.5\"/>"
            + "<circle cx=\"%.1f\" cy=\"%d\" r=\"2.5\" fill=\"%s\"/><circle cx=\"%.1f\" cy=\"%d\" r=\"2.5\" fill=\"%s\"/>\n",
        a, y, b, y, color, a, y, color, b, y, color);
  }

  static double width(String t, int size) {
    return t.codePointCount(0, t.length()) * size * CHAR_WIDTH;
  }

  static String esc(String t) {
    return t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  private static String fmt(Duration d) {
    long ms = d.toMillis();
    return ms >= 1000 ? String.format(Locale.ROOT, "%.2fs", ms / 1000.0) : ms + "ms";
  }

  private static String pct(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f%%", v * 100);
  }
}
