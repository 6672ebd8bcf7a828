package dev.heal.chaos.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A chaos test: a JUnit {@link Test} with the {@link ChaosExtension}. The method may declare
 * parameters of type {@link dev.heal.chaos.ChaosController} (arm faults, create chaos proxies and
 * TCP proxies, run experiments), {@link dev.heal.core.time.ManualClock} or {@link
 * dev.heal.core.time.HealClock} (the controller's clock) and {@link java.util.Random} (seeded from
 * the test's master seed).
 *
 * <p>Every fault is disarmed and every proxy closed after the test, whatever happened. A fault
 * that never fired fails the test (the effect guard; {@link #verifyEffects()}). On failure the seed
 * and the faults are printed with the exact way to rerun.
 *
 * <p>The seed comes from {@link #seed()}, else the JUnit configuration parameter (or system
 * property) {@code heal.chaos.seed}, else a fresh random one.
 */
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Test
@Tag("chaos")
@ExtendWith(ChaosExtension.class)
public @interface ChaosTest {

  /** The master seed as a decimal long; empty for {@code heal.chaos.seed} or a random seed. */
  String seed() default "";

  /** Fail the test if a fault armed during it never fired. */
  boolean verifyEffects() default true;

  /** Run on a {@link dev.heal.core.time.ManualClock} (true) or the system clock (false). */
  boolean virtualTime() default true;
}
