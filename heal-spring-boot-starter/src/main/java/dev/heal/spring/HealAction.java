package dev.heal.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a method of a Spring bean a heal {@link dev.heal.core.healer.Action} that recovery plans
 * can use: {@code @HealAction("reconnect-pool") public void reconnect() {...}}. The starter
 * registers one {@code Action} bean per annotated method, qualified by the action's name, so a plan
 * bean takes it with {@code @Qualifier("reconnect-pool") Action reconnect}, or looks it up in the
 * {@link HealActions} bean with {@code actions.require("reconnect-pool")}.
 *
 * <p>The method must be public and not static, take nothing or one
 * {@link dev.heal.core.healer.ActionContext}, and return {@code void} (done unless it throws) or an
 * {@link dev.heal.core.healer.ActionResult} (what the attempt did). It is called through the bean
 * (its proxy, if any) on heal's action pool, once per attempt, possibly concurrently for different
 * targets, so it must be thread-safe. Anything it throws makes the attempt FAILED; when an attempt
 * runs past its step's timeout the healer interrupts the thread, so a blocking method should let
 * {@link InterruptedException} out. A wrong signature, a private or static method, or two methods
 * with one action name fail the startup with a message naming the bean and the method.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface HealAction {
  /** The action's name: short, stable and low-cardinality (it tags metrics and the journal). */
  String value();

  /**
   * Whether the method can check what it would do without doing it: in dry-run the healer then
   * calls it with {@code ActionContext.dryRun()} set, and it must change nothing and return
   * {@code ActionResult.dryRun(..)}. Only for methods that take the {@code ActionContext}.
   */
  boolean supportsDryRun() default false;

  /** Whether the action takes the replica out of service (see {@code Action.disruptive()}). */
  boolean disruptive() default false;
}
