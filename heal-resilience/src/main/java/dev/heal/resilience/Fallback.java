package dev.heal.resilience;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Substitutes the result of a method that fails, whatever policy (or the method itself) failed.
 * It wraps the whole resilience pipeline of the method, outside {@code @Retry}.
 *
 * <p>The fallback is a method of the implementation class (any visibility) with the same name as
 * {@link #value()}, the same parameters as the annotated method optionally followed by one
 * {@link Throwable} (or subclass) parameter, and a return type assignable to the annotated
 * method's. With several candidates the one with the most specific matching exception parameter
 * wins; a candidate without one matches any exception. A wrong signature fails at proxy creation.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Fallback {
  /** Name of the fallback method. */
  String value();

  /**
   * Exceptions the fallback handles; others propagate. Default: every {@link Exception}
   * (errors such as {@link OutOfMemoryError} always propagate).
   */
  Class<? extends Throwable>[] on() default {Exception.class};
}
