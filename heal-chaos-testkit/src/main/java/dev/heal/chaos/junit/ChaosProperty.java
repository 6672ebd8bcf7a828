package dev.heal.chaos.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Property-based chaos: runs the method once per generated {@link dev.heal.chaos.FaultSchedule}
 * (declare a parameter of that type, plus any {@link ChaosTest} parameter). Schedules come from
 * a {@link dev.heal.chaos.ScheduleGenerator} built from these attributes. When a try fails, the
 * schedule is shrunk to a 1-minimal one (see {@link dev.heal.chaos.ScheduleShrinker}): the failing
 * try and each shrink candidate are reported as aborted (failed and kept, or passed and discarded),
 * and a final invocation reruns the minimal failing schedule and is the one failure reported, with
 * the schedule, the armed faults and the seed.
 *
 * <p>Invocations must run one after another (JUnit's default); shrinking relies on it.
 */
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@TestTemplate
@Tag("chaos")
@ExtendWith(ChaosExtension.class)
public @interface ChaosProperty {

  /** How many schedules to try before declaring success. */
  int tries() default 50;

  /** Master seed (decimal long); empty for {@code heal.chaos.seed} or a random seed. */
  String seed() default "";

  /** Fault targets to choose from. */
  String[] targets();

  /**
   * Effects to choose from, as specs: {@code error}, {@code latency:200ms}, {@code hang:5s},
   * {@code health-down}, {@code health-slow:1s}, {@code reset}, {@code refuse}, {@code blackhole},
   * {@code net-latency:100ms} (DOWNSTREAM; {@code net-latency:100ms:both} or {@code :upstream}).
   */
  String[] effects() default {"error"};

  int minFaults() default 1;

  int maxFaults() default 3;

  /** Shortest fault, e.g. {@code 100ms}. */
  String minFaultDuration() default "100ms";

  /** Longest fault, e.g. {@code 2s}. */
  String maxFaultDuration() default "2s";

  /** Every fault lies within {@code [0, horizon]}. */
  String horizon() default "10s";

  /** Starts and durations are multiples of this. */
  String granularity() default "100ms";

  /** Upper bound on shrink candidates tried after a failure. */
  int maxShrinks() default 200;

  /** Effect guard per invocation; off by default since a generated fault may legitimately miss. */
  boolean verifyEffects() default false;

  /** Run on a {@link dev.heal.core.time.ManualClock} (true) or the system clock (false). */
  boolean virtualTime() default true;
}
