package dev.heal.chaos.internal;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * 1-2-5 axis ticks: the step is 1, 2 or 5 times a power of ten, ticks are the step's multiples
 * from zero. Not API. Thread-safe (stateless).
 */
public final class Ticks {
  private Ticks() {}

  /** The smallest 1-2-5 value (1, 2, 5, 10, 20, 50, ...) that is at least {@code v}; 1 for v <= 1. */
  public static long niceCeil(long v) {
    long p = 1;
    while (true) {
      for (long m : new long[] {1, 2, 5}) {
        if (m * p >= v) {
          return m * p;
        }
      }
      p *= 10;
    }
  }

  /** The smallest 1-2-5 value ({@code ..., 0.1, 0.2, 0.5, 1, 2, 5, 10, ...}) at least {@code v}. */
  public static double niceCeil(double v) {
    if (!(v > 0)) {
      return 1;
    }
    double p = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * p >= v * (1 - 1e-12)) {
        return clean(m * p);
      }
    }
    return clean(10 * p);
  }

  /** Whether {@code step} is 1, 2 or 5 times a power of ten. */
  public static boolean isOneTwoFive(double step) {
    if (!(step > 0)) {
      return false;
    }
    double p = Math.pow(10, Math.floor(Math.log10(step) + 1e-9));
    double m = step / p;
    return Math.abs(m - 1) < 1e-9 || Math.abs(m - 2) < 1e-9 || Math.abs(m - 5) < 1e-9;
  }

  /** Tick values 0, step, 2·step, ... up to {@code max}, for a step of at least {@code max / maxTicks}. */
  public static List<Double> ticks(double max, int maxTicks) {
    double step = niceCeil(max / maxTicks);
    List<Double> out = new ArrayList<>();
    for (int k = 0; k * step <= max * (1 + 1e-9); k++) {
      out.add(clean(k * step));
    }
    return out;
  }

  /** {@code v} as short text: {@code 0.5}, {@code 20}, {@code 1.2}. */
  public static String text(double v) {
    return BigDecimal.valueOf(clean(v)).stripTrailingZeros().toPlainString();
  }

  private static double clean(double v) {
    return Math.round(v * 1e9) / 1e9;
  }
}
