package dev.heal.chaos;

import dev.heal.core.healer.Episode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.AbstractAssert;
import org.assertj.core.api.AbstractDurationAssert;
import org.assertj.core.api.Assertions;

/**
 * AssertJ assertions on an {@link ExperimentResult}. Every failure message carries the experiment's
 * name, seed and schedule so it can be rerun. Not thread-safe (like every AssertJ assert).
 */
public final class ExperimentResultAssert extends AbstractAssert<ExperimentResultAssert, ExperimentResult> {

  ExperimentResultAssert(ExperimentResult actual) {
    super(actual, ExperimentResultAssert.class);
  }

  /** Availability over the whole experiment. */
  public AvailabilityAssert availability() {
    isNotNull();
    return new AvailabilityAssert(this, "overall", actual.availability(), actual.requests().size());
  }

  /** Availability among requests that started during {@code fault}. */
  public AvailabilityAssert availabilityDuring(Fault fault) {
    return availabilityDuring(fault.name());
  }

  /** Availability among requests that started during the fault named {@code faultName}. */
  public AvailabilityAssert availabilityDuring(String faultName) {
    isNotNull();
    return new AvailabilityAssert(this, "during fault '" + faultName + "'", actual.availabilityDuring(faultName),
        actual.requestsDuring(faultName));
  }

  /** The {@code q}-quantile of latency (e.g. 0.99), as an AssertJ duration assert. */
  public AbstractDurationAssert<?> latencyPercentile(double q) {
    isNotNull();
    return Assertions.assertThat(actual.latencyPercentile(q)).as("p%s latency of %s", q * 100, context());
  }

  /** Every bounded fault was followed by the steady state holding again within {@code max}. */
  public ExperimentResultAssert recoveredWithin(Duration max) {
    isNotNull();
    for (Fault f : actual.schedule().faults()) {
      if (f.duration().isPresent()) {
        recoveredWithin(f.name(), max);
      }
    }
    return this;
  }

  /**
   * After the disturbance that the fault named {@code faultName} belongs to ended (the fault and
   * every fault overlapping or touching it, see {@link ExperimentResult}), the steady state held
   * again within {@code max}, until the next disturbance.
   */
  public ExperimentResultAssert recoveredWithin(String faultName, Duration max) {
    isNotNull();
    Optional<Duration> ttr = actual.timeToRecover(faultName);
    ExperimentResult.Disturbance d = actual.disturbance(faultName);
    String ended = d.end() == Long.MAX_VALUE
        ? "fault '" + faultName + "' is in a disturbance that never ends (" + d.faults() + ")"
        : d.faults().size() == 1 ? "fault '" + faultName + "' ended at " + Fault.fmt(Duration.ofNanos(d.end()))
        : "the disturbance of faults " + d.faults() + " ended at " + Fault.fmt(Duration.ofNanos(d.end()));
    if (ttr.isEmpty()) {
      failWithMessage("expected the steady state to hold again within %s after %s, but it never did;"
          + " last failing probes: %s. %s", max, ended, lastFailing(), context());
    } else if (ttr.get().compareTo(max) > 0) {
      failWithMessage("expected recovery within %s after %s, but it took %s. %s", max, ended, ttr.get(), context());
    }
    return this;
  }

  /** heal signalled trouble (a health transition or an episode) within {@code max} of every fault's start. */
  public ExperimentResultAssert detectedWithin(Duration max) {
    isNotNull();
    for (Fault f : actual.schedule().faults()) {
      Optional<Duration> ttd = actual.timeToDetect(f.name());
      if (ttd.isEmpty() || ttd.get().compareTo(max) > 0) {
        failWithMessage("expected heal to detect fault '%s' within %s, but time-to-detect was %s. %s", f.name(), max,
            ttd.map(Duration::toString).orElse("never"), context());
      }
    }
    return this;
  }

  /** Some episode ran the action {@code action} and ended RECOVERED. */
  public ExperimentResultAssert healedBy(String action) {
    isNotNull();
    if (!actual.healedBy(action)) {
      failWithMessage("expected an episode healed by action '%s', but the episodes were: %s. %s", action,
          describe(actual.episodes()), context());
    }
    return this;
  }

  /** Every episode that ran ended RECOVERED (none gave up, timed out, ran out of budget or is still open). */
  public ExperimentResultAssert noEpisodeFailed() {
    isNotNull();
    List<Episode> failed = actual.failedEpisodes();
    if (!failed.isEmpty()) {
      failWithMessage("expected no failed episode, but: %s. %s", describe(failed), context());
    }
    return this;
  }

  /** At least one heal episode ran. */
  public ExperimentResultAssert hadEpisodes() {
    isNotNull();
    if (actual.episodes().isEmpty()) {
      failWithMessage("expected heal to run at least one episode, but none ran. %s", context());
    }
    return this;
  }

  /** Every scheduled fault fired at least once (the effect guard, per experiment). */
  public ExperimentResultAssert allFaultsFired() {
    isNotNull();
    for (Fault f : actual.schedule().faults()) {
      long hits = actual.faultReport(f.name()).map(FaultReport::hits).orElse(0L);
      if (hits == 0) {
        failWithMessage("expected fault '%s' to fire, but it never did. %s", f.name(), context());
      }
    }
    return this;
  }

  String context() {
    return "[experiment '" + actual.name() + "', seed " + actual.seed() + ", schedule " + actual.schedule().describe()
        + "]";
  }

  private String lastFailing() {
    return actual.probes().stream().filter(p -> !p.holds()).reduce((a, b) -> b).map(ProbeSample::failing)
        .map(Object::toString).orElse("none");
  }

  private static String describe(List<Episode> episodes) {
    if (episodes.isEmpty()) {
      return "none";
    }
    return episodes.stream().map(e -> e.id() + " " + e.plan() + " on " + e.target() + " actions=" + e.actions()
        + " outcome=" + e.outcome().map(Enum::name).orElse("OPEN")).toList().toString();
  }

  /** Assertions on an availability ratio (0..1). Not thread-safe. */
  public static final class AvailabilityAssert {
    private final ExperimentResultAssert parent;
    private final String what;
    private final double value;
    private final long requests;

    AvailabilityAssert(ExperimentResultAssert parent, String what, double value, long requests) {
      this.parent = parent;
      this.what = what;
      this.value = value;
      this.requests = requests;
    }

    /** The availability is at least {@code min} (and there were requests to measure it). */
    public ExperimentResultAssert isAtLeast(double min) {
      if (requests == 0) {
        throw new AssertionError("availability " + what + " is undefined: no request started in that window. "
            + parent.context());
      }
      if (!(value >= min)) {
        throw new AssertionError(String.format(java.util.Locale.ROOT,
            "expected availability %s of at least %.4f, but it was %.4f (%d requests). %s", what, min, value, requests,
            parent.context()));
      }
      return parent;
    }

    /** The availability is at most {@code max}: the fault really hurt (a check that the test bites). */
    public ExperimentResultAssert isAtMost(double max) {
      if (requests == 0) {
        throw new AssertionError("availability " + what + " is undefined: no request started in that window. "
            + parent.context());
      }
      if (!(value <= max)) {
        throw new AssertionError(String.format(java.util.Locale.ROOT,
            "expected availability %s of at most %.4f, but it was %.4f (%d requests). %s", what, max, value, requests,
            parent.context()));
      }
      return parent;
    }

    public double value() {
      return value;
    }
  }
}
