package dev.heal.infra;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test overlays of the project's own Prometheus rule and Alertmanager files with every interval and
 * {@code for:} duration divided by a factor, so a test sees minutes of alerting in seconds. Nothing
 * else changes: {@link #withoutDurations} of an overlay equals that of its source, which
 * {@code ScaledOverlayTest} checks. Stateless and thread-safe.
 */
final class ScaledOverlay {
  private ScaledOverlay() {}

  /** A Prometheus/Alertmanager duration: one number and a unit. */
  private static final String DURATION = "(\\d+)(ms|s|m|h|d)";
  /** In rule files: range selectors {@code [5m]} and {@code for: 2m}. */
  private static final Pattern RULE = Pattern.compile("(\\[|\\bfor: )" + DURATION + "(\\]|\\s)");
  /** In Alertmanager files: the grouping and repeat waits and the resolve timeout. */
  private static final Pattern ALERTMANAGER = Pattern.compile(
      "(\\b(?:group_wait|group_interval|repeat_interval|resolve_timeout): )" + DURATION + "(\\s)");
  /** In Prometheus configs: the scrape and evaluation intervals. */
  private static final Pattern PROMETHEUS = Pattern.compile(
      "(\\b(?:scrape_interval|evaluation_interval): )" + DURATION + "(\\s)");

  static String rules(String yaml, int factor) {
    return scale(RULE, yaml, factor);
  }

  static String alertmanager(String yaml, int factor) {
    return scale(ALERTMANAGER, yaml, factor);
  }

  static String prometheus(String yaml, int factor) {
    return scale(PROMETHEUS, yaml, factor);
  }

  /** The text with every duration the overlays may change replaced by a placeholder. */
  static String withoutDurations(String yaml) {
    String out = yaml;
    for (Pattern p : new Pattern[] {RULE, ALERTMANAGER, PROMETHEUS}) {
      out = p.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "<duration>" + m.group(4)));
    }
    return out;
  }

  private static String scale(Pattern pattern, String yaml, int factor) {
    if (factor < 1) {
      throw new IllegalArgumentException("factor must be at least 1: " + factor);
    }
    return pattern.matcher(yaml).replaceAll(m -> Matcher.quoteReplacement(
        m.group(1) + format(parse(m.group(2), m.group(3)).dividedBy(factor)) + m.group(4)));
  }

  private static Duration parse(String amount, String unit) {
    long n = Long.parseLong(amount);
    return switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      default -> throw new IllegalArgumentException("unknown duration unit '" + unit + "'");
    };
  }

  private static String format(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
  }
}
