package dev.heal.examples.demo;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** The demo's self-contained HTML report: verdict, summary table and the timeline picture. */
final class Html {
  private Html() {}

  static String page(String name, DemoOptions o, List<DemoMain.Row> rows, Duration p95, double availability,
      boolean held, String svg) {
    StringBuilder b = new StringBuilder();
    b.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>").append(esc(name)).append("</title>")
        .append("<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse}")
        .append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}.bad{color:#b00;font-weight:bold}")
        .append(".good{color:#070;font-weight:bold}</style></head><body>");
    b.append("<h1>heal demo: ").append(o.heal() ? "heal ON" : "heal OFF (--no-heal)").append("</h1>");
    b.append("<p>seed ").append(o.seed()).append(", ").append(o.duration().toSeconds()).append(" s at ")
        .append(String.format(Locale.ROOT, "%.0f", o.rate())).append(" req/s. Rerun with <code>--seed ")
        .append(o.seed()).append("</code>.</p>");
    b.append("<p class=\"").append(held ? "good" : "bad").append("\">").append(held
        ? "Every SLO held." : "SLOs missed.").append("</p>");
    b.append("<table><tr><th>fault</th><th>availability</th><th>requests</th><th>detected in</th><th>recovered in</th>")
        .append("<th>heal actions</th></tr>");
    for (DemoMain.Row r : rows) {
      b.append("<tr").append(r.held() ? "" : " class=\"bad\"").append("><td>").append(esc(r.name())).append("</td><td>")
          .append(String.format(Locale.ROOT, "%.3f %%", r.availability() * 100)).append("</td><td>").append(r.requests())
          .append("</td><td>").append(esc(r.detect())).append("</td><td>").append(esc(r.recover())).append("</td><td>")
          .append(esc(r.actions())).append("</td></tr>");
    }
    b.append("</table><p>Overall availability ").append(String.format(Locale.ROOT, "%.3f %%", availability * 100))
        .append(", p95 ").append(DemoMain.human(p95)).append(" (SLOs: availability ≥ 99.9 % during each fault, p95 &lt; 100 ms,")
        .append(" recovery ≤ 5 s after each fault ends).</p>");
    b.append(svg);
    b.append("</body></html>\n");
    return b.toString();
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
