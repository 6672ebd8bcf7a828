package dev.heal.spring;

import dev.heal.core.healer.ControlState;
import dev.heal.core.healer.Healer;
import dev.heal.core.healer.Episode;
import dev.heal.core.healer.StepRecord;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.convert.DurationStyle;

/**
 * {@code /actuator/heal}: what the healer is doing and its runtime control, over heal-core's
 * {@link Healer} control API (the same implementation a plain Java application calls).
 *
 * <ul>
 *   <li>{@code GET /actuator/heal}: the switches and budget ({@link ControlState}), the recent
 *       episodes, and the event counters.
 *   <li>{@code POST /actuator/heal/{operation}} with a JSON body: {@code disable-plan} /
 *       {@code enable-plan} ({@code plan}), {@code dry-run} ({@code dryRun}, and {@code plan} for
 *       one plan, none for the whole healer), {@code refill-budget}, {@code resize-budget}
 *       ({@code actions}, {@code window} such as {@code 10m}). Answers the new state; a bad
 *       operation or argument is 400 with a message naming it.
 * </ul>
 *
 * <p>Writes are allowed when Spring Security is in the application (its actuator rules decide who
 * may call them) or when {@code heal.endpoint.allow-unsecured-writes=true}; otherwise they answer
 * 403, so an exposed endpoint nobody secures cannot switch healing off. Thread-safe.
 */
@Endpoint(id = "heal")
public class HealEndpoint {
  /** The operations {@code POST /actuator/heal/{operation}} knows. */
  public static final List<String> OPERATIONS =
      List.of("disable-plan", "enable-plan", "dry-run", "refill-budget", "resize-budget");
  private static final int FORBIDDEN = 403;

  private final Healer healer;
  private final BooleanSupplier writesAllowed;

  /**
   * @param healer the healer to read and control
   * @param writesAllowed asked at each write: whether writes are allowed (see the class comment)
   */
  public HealEndpoint(Healer healer, BooleanSupplier writesAllowed) {
    this.healer = Objects.requireNonNull(healer, "healer");
    this.writesAllowed = Objects.requireNonNull(writesAllowed, "writesAllowed");
  }

  /**
   * What {@code GET /actuator/heal} answers.
   *
   * @param control the runtime switches and the budget
   * @param episodes the most recent episodes, newest first (at most 50)
   * @param droppedEvents events not delivered to listeners because their queue was full
   * @param listenerFailures listener callbacks that threw
   */
  public record View(ControlState control, List<EpisodeView> episodes, long droppedEvents,
      long listenerFailures) {}

  /**
   * One episode on the wire.
   *
   * @param id the episode id
   * @param plan the plan's name
   * @param target what it repairs
   * @param trigger the trigger's message
   * @param detectedAt when it opened (ISO-8601)
   * @param outcome how it ended, or null while open
   * @param endedAt when it ended (ISO-8601), or null while open
   * @param dryRun whether it ran in dry-run
   * @param steps its step attempts, in order
   */
  public record EpisodeView(String id, String plan, String target, String trigger, String detectedAt,
      @Nullable String outcome, @Nullable String endedAt, boolean dryRun, List<StepView> steps) {
    static EpisodeView of(Episode e) {
      return new EpisodeView(e.id(), e.plan(), e.target(), e.trigger().message(), e.detectedAt().toString(),
          e.outcome().map(Enum::name).orElse(null), e.endedAt().map(Object::toString).orElse(null), e.dryRun(),
          e.steps().stream().map(StepView::of).toList());
    }
  }

  /**
   * One step attempt on the wire.
   *
   * @param name the step's name
   * @param action the action's name
   * @param attempt which attempt, from 1
   * @param status its result, or null while it runs
   * @param message what it said
   * @param verified whether the repair was verified
   * @param dryRun whether it was a dry run
   */
  public record StepView(String name, String action, int attempt, @Nullable String status, String message,
      boolean verified, boolean dryRun) {
    static StepView of(StepRecord r) {
      return new StepView(r.name(), r.action(), r.attempt(), r.status().map(Enum::name).orElse(null), r.message(),
          r.verified(), r.dryRun());
    }
  }

  /** The healer's state now. */
  @ReadOperation
  public View heal() {
    return new View(healer.control(), healer.journal().recent(50).stream().map(EpisodeView::of).toList(),
        healer.droppedEvents(), healer.listenerFailures());
  }

  /**
   * Changes a runtime switch.
   *
   * @param operation one of {@link #OPERATIONS}
   * @param plan the plan's name, for the plan operations (and {@code dry-run} of one plan)
   * @param dryRun for {@code dry-run}: on or off
   * @param actions for {@code resize-budget}: actions per window
   * @param window for {@code resize-budget}: the window, e.g. {@code 10m} or {@code PT10M}
   * @return 200 with the new {@link ControlState}, 400 with a message, or 403 when writes are refused
   */
  @WriteOperation
  public WebEndpointResponse<Object> operate(@Selector String operation, @Nullable String plan,
      @Nullable Boolean dryRun, @Nullable Integer actions, @Nullable String window) {
    if (!writesAllowed.getAsBoolean()) {
      return new WebEndpointResponse<>(Map.of("error", "write operations of /actuator/heal are refused: the "
          + "endpoint is not secured. Add Spring Security (spring-boot-starter-security) and its actuator rules, "
          + "or set heal.endpoint.allow-unsecured-writes=true"), FORBIDDEN);
    }
    try {
      switch (operation) {
        case "disable-plan" -> healer.disablePlan(required("plan", plan, operation));
        case "enable-plan" -> healer.enablePlan(required("plan", plan, operation));
        case "dry-run" -> {
          boolean on = required("dryRun", dryRun, operation);
          if (plan == null) {
            healer.dryRun(on);
          } else {
            healer.dryRun(plan, on);
          }
        }
        case "refill-budget" -> healer.refillBudget();
        case "resize-budget" -> {
          int n = required("actions", actions, operation);
          Duration w = parse(required("window", window, operation));
          healer.resizeBudget(n, w);
        }
        default -> throw new IllegalArgumentException("unknown operation '" + operation + "'; operations: " + OPERATIONS);
      }
    } catch (IllegalArgumentException e) {
      return new WebEndpointResponse<>(Map.of("error", e.getMessage()), WebEndpointResponse.STATUS_BAD_REQUEST);
    }
    return new WebEndpointResponse<>(healer.control(), WebEndpointResponse.STATUS_OK);
  }

  private static <T> T required(String name, @Nullable T value, String operation) {
    if (value == null) {
      throw new IllegalArgumentException(operation + " needs '" + name + "' in the request body");
    }
    return value;
  }

  private static Duration parse(String window) {
    try {
      return DurationStyle.detectAndParse(window);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("window '" + window + "' is not a duration (e.g. 10m or PT10M)", e);
    }
  }
}
