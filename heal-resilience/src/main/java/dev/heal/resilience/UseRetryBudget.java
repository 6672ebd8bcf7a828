package dev.heal.resilience;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes the method's {@code @Retry} draw its retries from the named {@link RetryBudget}: every
 * call deposits into the budget, every retry withdraws; when the budget is empty the failure is
 * returned without retrying (counted, and signalled as {@code retry/<name> reason=budget_exhausted}).
 * Requires {@code @Retry} on the same method.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface UseRetryBudget {
  /** Name of a configured retry budget, shared by every method that names it. */
  String value();
}
