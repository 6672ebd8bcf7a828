package dev.heal.resilience;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Protects a method with the named {@link AdaptiveLimiter}: the call is admitted only while the
 * limiter's in-flight count is below its current limit (scaled by the priority's share), else it
 * fails fast with {@link CallRejectedException}. Innermost of the pipeline, next to the bulkhead.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface AdaptiveLimit {
  /** Name of a configured adaptive limiter. */
  String name();

  /** Priority class of calls to this method. */
  Priority priority() default Priority.NORMAL;

  /** Optional fallback method, same rules as {@link Fallback}. */
  String fallbackMethod() default "";
}
