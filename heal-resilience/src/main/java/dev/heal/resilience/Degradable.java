package dev.heal.resilience;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Skips or substitutes a method while a feature is degraded (switched off by the application,
 * the healer or a brownout). Checked first, before any other policy: a degraded call does no
 * work and takes no permit.
 *
 * <p>While {@link FeatureToggles#isEnabled(String) features.isEnabled(feature)} is false the call
 * returns the result of {@link #fallbackMethod()} (same parameters as the annotated method, no
 * exception parameter) or, without one, an empty value: {@code null}, {@code Optional.empty()},
 * an empty {@code List}/{@code Set}/{@code Map}, zero/false for primitives, and for a {@code
 * CompletionStage} a stage completed with that value (null).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Degradable {
  /** The feature name looked up in {@link FeatureToggles}. */
  String feature();

  /** Optional substitute method; empty means "return an empty value". */
  String fallbackMethod() default "";
}
