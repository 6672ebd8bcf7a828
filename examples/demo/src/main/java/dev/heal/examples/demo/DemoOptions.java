package dev.heal.examples.demo;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The demo's flags. Immutable.
 *
 * @param duration how long the chaos run lasts ({@code --duration 60}, seconds, at least 20)
 * @param rate steady load in requests per second ({@code --rate 100})
 * @param seed master seed: the same seed gives the same schedule and request mix ({@code --seed 42})
 * @param heal false with {@code --no-heal}: the same service without heal's protection
 * @param reportDir where the JSON, SVG and HTML reports go ({@code --report-dir target/heal-demo})
 * @param live whether to print the live view every second ({@code --quiet} turns it off)
 * @param faults false with {@code --no-faults}: the same run without the chaos schedule and the
 *     burst (a baseline)
 * @param wrkTargets if set ({@code --wrk-targets FILE}), the orders base URL and the seeded order
 *     ids are written there for an external load generator ({@code wrk}) to read
 */
public record DemoOptions(Duration duration, double rate, long seed, boolean heal, Path reportDir, boolean live,
    boolean faults, java.util.Optional<Path> wrkTargets) {

  public DemoOptions(Duration duration, double rate, long seed, boolean heal, Path reportDir, boolean live) {
    this(duration, rate, seed, heal, reportDir, live, true, java.util.Optional.empty());
  }

  public static DemoOptions parse(String... args) {
    Duration duration = Duration.ofSeconds(60);
    double rate = 100;
    long seed = 42;
    boolean heal = true;
    boolean live = true;
    boolean faults = true;
    Path reportDir = Path.of("target", "heal-demo");
    java.util.Optional<Path> wrkTargets = java.util.Optional.empty();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--no-heal" -> heal = false;
        case "--quiet" -> live = false;
        case "--no-faults" -> faults = false;
        case "--duration" -> {
          long s = number(args, ++i, a);
          if (s < 40 || s > 3600) {
            throw new IllegalArgumentException("--duration must be 40 to 3600 seconds: " + s);
          }
          duration = Duration.ofSeconds(s);
        }
        case "--rate" -> {
          long r = number(args, ++i, a);
          if (r < 1 || r > 2000) {
            throw new IllegalArgumentException("--rate must be 1 to 2000 requests per second: " + r);
          }
          rate = r;
        }
        case "--seed" -> seed = number(args, ++i, a);
        case "--wrk-targets" -> {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException("--wrk-targets needs a file");
          }
          wrkTargets = java.util.Optional.of(Path.of(args[++i]));
        }
        case "--report-dir" -> {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException("--report-dir needs a folder");
          }
          reportDir = Path.of(args[++i]);
        }
        default -> throw new IllegalArgumentException("unknown flag '" + a
            + "'; flags: --duration S, --rate R, --seed N, --no-heal, --report-dir DIR, --wrk-targets FILE, --no-faults, --quiet");
      }
    }
    return new DemoOptions(duration, rate, seed, heal, reportDir, live, faults, wrkTargets);
  }

  private static long number(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a number");
    }
    try {
      return Long.parseLong(args[i]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " needs a whole number, got '" + args[i] + "'");
    }
  }
}
