package dev.heal.chaos.internal;

import dev.heal.chaos.Direction;
import dev.heal.chaos.Effect;
import dev.heal.chaos.LatencyDistribution;
import java.time.Duration;
import java.util.Locale;

/**
 * Parses the compact effect specs used in annotations: {@code error}, {@code latency:200ms},
 * {@code hang:5s}, {@code health-down}, {@code health-slow:1s}, {@code reset}, {@code refuse},
 * {@code blackhole}, {@code net-latency:100ms} (DOWNSTREAM; {@code net-latency:100ms:both} for
 * both ways). Not API. Thread-safe.
 */
public final class EffectSpec {
  private EffectSpec() {}

  public static Effect parse(String spec) {
    String s = spec.trim();
    int colon = s.indexOf(':');
    String kind = (colon < 0 ? s : s.substring(0, colon)).toLowerCase(Locale.ROOT);
    String arg = colon < 0 ? null : s.substring(colon + 1).trim();
    return switch (kind) {
      case "error" -> new Effect.Error(arg == null ? "injected error" : arg);
      case "latency" -> new Effect.Latency(LatencyDistribution.fixed(duration(spec, arg)));
      case "hang" -> new Effect.Hang(duration(spec, arg));
      case "health-down" -> new Effect.HealthDown(arg == null ? "forced DOWN by chaos" : arg);
      case "health-slow" -> new Effect.HealthSlow(duration(spec, arg));
      case "reset" -> new Effect.Reset();
      case "refuse" -> new Effect.Refuse();
      case "blackhole" -> new Effect.Blackhole(Direction.BOTH);
      case "net-latency" -> netLatency(spec, arg);
      default -> throw new IllegalArgumentException("unknown effect spec '" + spec
          + "'; use one of error, latency:<d>, hang:<d>, health-down, health-slow:<d>, reset, refuse, blackhole,"
          + " net-latency:<d>[:upstream|downstream|both]");
    };
  }

  /** {@code net-latency:100ms} (responses, DOWNSTREAM) or {@code net-latency:100ms:upstream|downstream|both}. */
  private static Effect netLatency(String spec, String arg) {
    if (arg == null) {
      throw new IllegalArgumentException("effect spec '" + spec + "' needs a duration, e.g. net-latency:100ms");
    }
    int colon = arg.indexOf(':');
    Duration latency = duration(spec, colon < 0 ? arg : arg.substring(0, colon));
    Direction d = Direction.DOWNSTREAM;
    if (colon >= 0) {
      String dir = arg.substring(colon + 1).trim().toUpperCase(Locale.ROOT);
      try {
        d = Direction.valueOf(dir);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("effect spec '" + spec + "': direction must be upstream, downstream or both,"
            + " got '" + arg.substring(colon + 1) + "'", e);
      }
    }
    return new Effect.NetworkLatency(latency, Duration.ZERO, d);
  }

  /** Parses {@code 200ms}, {@code 2s}, {@code 1m} or an ISO-8601 duration ({@code PT2S}). */
  public static Duration duration(String spec, String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("effect spec '" + spec + "' needs a duration, e.g. 200ms");
    }
    return duration(text);
  }

  public static Duration duration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.startsWith("pt") || t.startsWith("p")) {
        return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
      }
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      }
      if (t.endsWith("s")) {
        return Duration.ofMillis((long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
      }
      if (t.endsWith("m")) {
        return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)) * 60);
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a duration: '" + text + "' (use 200ms, 2s, 1m or PT2S)", e);
    }
    throw new IllegalArgumentException("not a duration: '" + text + "' (use 200ms, 2s, 1m or PT2S)");
  }
}
