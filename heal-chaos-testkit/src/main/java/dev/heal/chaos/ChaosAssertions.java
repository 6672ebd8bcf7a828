package dev.heal.chaos;

/**
 * Entry point for fluent assertions on chaos results: {@code
 * assertThat(result).availabilityDuring("db:error").isAtLeast(0.999)}, {@code
 * .recoveredWithin(ofSeconds(5))}, {@code .healedBy("reconnectPool")}, {@code .noEpisodeFailed()}.
 * Stateless and thread-safe.
 */
public final class ChaosAssertions {
  private ChaosAssertions() {}

  public static ExperimentResultAssert assertThat(ExperimentResult actual) {
    return new ExperimentResultAssert(actual);
  }
}
