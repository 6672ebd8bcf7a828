package dev.heal.core.internal;

import java.time.Duration;
import java.util.Objects;

/** Builder argument checks whose messages name the setting. Not API. */
public final class Require {
  private Require() {}

  /** {@code value}, unless it is negative or null. */
  public static Duration notNegative(String setting, Duration value) {
    Objects.requireNonNull(value, setting);
    if (value.isNegative()) {
      throw new IllegalArgumentException(setting + " must not be negative: " + value);
    }
    return value;
  }

  /** {@code value}, unless it is zero, negative or null. */
  public static Duration positive(String setting, Duration value) {
    Objects.requireNonNull(value, setting);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(setting + " must be positive: " + value);
    }
    return value;
  }

  /** {@code value}, unless it is below {@code min}. */
  public static int atLeast(String setting, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(setting + (min == 0 ? " must not be negative: " : " must be at least " + min
          + ": ") + value);
    }
    return value;
  }
}
