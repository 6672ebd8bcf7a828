package dev.heal.chaos.internal;

import dev.heal.chaos.ExperimentResult;
import dev.heal.chaos.Fault;
import dev.heal.chaos.Marker;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Renders an experiment as a self-contained SVG: request rate and errors over time, p50/p99
 * latency, fault windows shaded, heal's actions marked, time-to-detect and time-to-recover
 * annotated. Not API. Thread-safe (stateless).
 */
public final class SvgTimeline {
  private static final int W = 1000;
  private static final int LEFT = 70;
  private static final int RIGHT = 30;
  private static final int PLOT_W = W - LEFT - RIGHT;
  private static final int RATE_TOP = 70;
  private static final int RATE_H = 150;
  private static final int LAT_TOP = 270;
  private static final int LAT_H = 130;
  private static final int H = 440;
  private static final String[] FAULT_COLORS = {"#f4a261", "#e76f51", "#e9c46a", "#a8dadc"};

  private SvgTimeline() {}

  public static String render(ExperimentResult r) {
    int n = 60;
    List<Timeline.Bucket> buckets = Timeline.of(r, n);
    long total = Math.max(1, r.duration().toNanos());
    double bucketSec = buckets.get(0).widthNanos() / 1e9;
    int maxCount = buckets.stream().mapToInt(Timeline.Bucket::requests).max().orElse(0);
    double maxRate = Math.max(1, niceCeil(maxCount / bucketSec));
    double maxLat = Math.max(1, niceCeil(buckets.stream().mapToDouble(Timeline.Bucket::p99Millis).max().orElse(0)));
    StringBuilder s = new StringBuilder(32_768);
    s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(W).append("\" height=\"").append(H)
        .append("\" viewBox=\"0 0 ").append(W).append(' ').append(H)
        .append("\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"11\">\n");
    s.append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
    s.append(text(LEFT, 22, 15, "bold", "#222", "heal chaos experiment: " + r.name()));
    s.append(text(LEFT, 40, 11, "normal", "#555", String.format(Locale.ROOT,
        "seed %d · %s · availability %s · p50 %s · p99 %s · %d requests · %d episode(s)", r.seed(), fmt(r.duration()),
        pct(r.availability()), fmt(r.latencyPercentile(0.5)), fmt(r.latencyPercentile(0.99)), r.requests().size(),
        r.episodes().size())));

    // fault windows, shaded across both panels
    int fi = 0;
    for (Fault f : r.schedule().faults()) {
      double x0 = x(f.start().toNanos(), total);
      double x1 = x(f.end().map(Duration::toNanos).orElse(total), total);
      String c = FAULT_COLORS[fi % FAULT_COLORS.length];
      s.append(String.format(Locale.ROOT,
          "<rect class=\"fault\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\" fill-opacity=\"0.25\"/>\n",
          x0, RATE_TOP - 8, Math.max(1, x1 - x0), LAT_TOP + LAT_H - RATE_TOP + 8, c));
      s.append(text(x0 + 3, RATE_TOP - 12 - 11 * (fi % 2), 10, "bold", "#9a4a00", "fault " + f.name() + " (" + f.effect().kind() + ")"));
      fi++;
    }

    // request rate panel
    axes(s, RATE_TOP, RATE_H, maxRate, "req/s", total);
    double bw = (double) PLOT_W / n;
    for (int i = 0; i < n; i++) {
      Timeline.Bucket b = buckets.get(i);
      double okH = (b.requests() - b.errors()) / bucketSec / maxRate * RATE_H;
      double errH = b.errors() / bucketSec / maxRate * RATE_H;
      double bx = LEFT + i * bw + 1;
      s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#2a9d8f\"/>\n",
          bx, RATE_TOP + RATE_H - okH, bw - 2, okH));
      if (b.errors() > 0) {
        s.append(String.format(Locale.ROOT,
            "<rect class=\"errors\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#d62828\"/>\n",
            bx, RATE_TOP + RATE_H - okH - errH, bw - 2, errH));
      }
    }
    s.append(text(W - RIGHT - 150, 22, 10, "normal", "#2a9d8f", "■ successful"));
    s.append(text(W - RIGHT - 70, 22, 10, "normal", "#d62828", "■ failed"));

    // latency panel
    axes(s, LAT_TOP, LAT_H, maxLat, "latency ms", total);
    s.append(polyline(buckets, total, maxLat, true, "#264653"));
    s.append(polyline(buckets, total, maxLat, false, "#8d99ae"));
    s.append(text(W - RIGHT - 150, 36, 10, "normal", "#264653", "— p99 latency"));
    s.append(text(W - RIGHT - 70, 36, 10, "normal", "#8d99ae", "— p50"));

    // heal markers: a dashed line each; labels of events at the same instant are joined and written
    // vertically along the line, so they never overlap
    java.util.Map<Long, java.util.List<Marker>> byTime = new java.util.TreeMap<>();
    for (Marker m : r.markers()) {
      if (!m.kind().equals("IGNORED") && !m.kind().equals("SUPPRESSED")) {
        byTime.computeIfAbsent(m.offsetNanos(), k -> new java.util.ArrayList<>()).add(m);
      }
    }
    for (java.util.Map.Entry<Long, java.util.List<Marker>> e : byTime.entrySet()) {
      double mx = x(e.getKey(), total);
      java.util.List<String> labels = new java.util.ArrayList<>();
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
      s.append(String.format(Locale.ROOT,
          "<line class=\"marker\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"%s\" stroke-dasharray=\"4 3\"/>\n",
          mx, RATE_TOP, mx, LAT_TOP + LAT_H, color, major ? "1.5" : "0.8"));
      if (!labels.isEmpty()) {
        double ly = LAT_TOP + LAT_H - 4;
        s.append(String.format(Locale.ROOT,
            "<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\" fill=\"%s\" stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\" transform=\"rotate(-90 %.1f %.1f)\">%s</text>\n",
            mx - 2, ly, color, mx - 2, ly, esc(String.join(" · ", labels))));
      }
    }

    // detect / recover annotations
    int ai = 0;
    for (Fault f : r.schedule().faults()) {
      long start = f.start().toNanos();
      Optional<Duration> ttd = r.timeToDetect(f.name());
      Optional<Duration> ttr = r.timeToRecover(f.name());
      int y = RATE_TOP + RATE_H + 16 + 12 * (ai++ % 2);
      if (ttd.isPresent()) {
        double a = x(start, total);
        double b = x(start + ttd.get().toNanos(), total);
        s.append(arrow(a, b, y, "#1d3557"));
        s.append(text(a, y + 11, 10, "normal", "#1d3557", "detect " + fmt(ttd.get())));
      }
      if (f.end().isPresent() && ttr.isPresent()) {
        long end = f.end().get().toNanos();
        double a = x(end, total);
        double b = x(end + ttr.get().toNanos(), total);
        s.append(arrow(a, b, y + 24, "#2a9d8f"));
        s.append(text(a, y + 35, 10, "normal", "#2a9d8f", "recover " + fmt(ttr.get())));
      }
    }
    s.append("</svg>\n");
    return s.toString();
  }

  private static void axes(StringBuilder s, int top, int h, double max, String label, long total) {
    s.append(String.format(Locale.ROOT,
        "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n",
        LEFT, top, LEFT, top + h, LEFT, top + h, LEFT + PLOT_W, top + h));
    for (int i = 0; i <= 4; i++) {
      double v = max * i / 4;
      int y = top + h - h * i / 4;
      s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#eee\"/>\n",
          LEFT + 1, y, LEFT + PLOT_W, y));
      s.append(text(LEFT - 6, y + 4, 10, "normal", "#555", trim(v)).replace("<text ", "<text text-anchor=\"end\" "));
    }
    for (int i = 0; i <= 10; i++) {
      double xx = LEFT + PLOT_W * i / 10.0;
      s.append(text(xx - 8, top + h + 13, 10, "normal", "#555", trim(total / 1e9 * i / 10) + "s"));
    }
    s.append(String.format(Locale.ROOT,
        "<text x=\"14\" y=\"%d\" font-size=\"10\" fill=\"#555\" transform=\"rotate(-90 14 %d)\">%s</text>\n",
        top + h / 2 + 20, top + h / 2 + 20, esc(label)));
  }

  private static String polyline(List<Timeline.Bucket> buckets, long total, double maxLat, boolean p99, String color) {
    StringBuilder pts = new StringBuilder();
    for (Timeline.Bucket b : buckets) {
      if (b.requests() == 0) {
        continue;
      }
      double v = p99 ? b.p99Millis() : b.p50Millis();
      pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(b.startNanos() + b.widthNanos() / 2, total),
          LAT_TOP + LAT_H - v / maxLat * LAT_H));
    }
    return "<polyline class=\"" + (p99 ? "p99" : "p50") + "\" fill=\"none\" stroke=\"" + color
        + "\" stroke-width=\"1.8\" points=\"" + pts.toString().trim() + "\"/>\n";
  }

  private static String arrow(double a, double b, int y, String color) {
    return String.format(Locale.ROOT,
        "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"1.5\"/>"
            + "<circle cx=\"%.1f\" cy=\"%d\" r=\"2.5\" fill=\"%s\"/><circle cx=\"%.1f\" cy=\"%d\" r=\"2.5\" fill=\"%s\"/>\n",
        a, y, Math.max(a + 1, b), y, color, a, y, color, Math.max(a + 1, b), y, color);
  }

  private static double x(long nanos, long total) {
    return LEFT + PLOT_W * Math.min(1.0, Math.max(0.0, (double) nanos / total));
  }

  private static String text(double x, double y, int size, String weight, String color, String t) {
    return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" font-weight=\"%s\" fill=\"%s\">%s</text>\n",
        x, y, size, weight, color, esc(t));
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

  private static String trim(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v).replaceAll("0+$", "");
  }

  private static double niceCeil(double v) {
    if (v <= 0) {
      return 1;
    }
    double p = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * p >= v) {
        return m * p;
      }
    }
    return 10 * p;
  }
}
