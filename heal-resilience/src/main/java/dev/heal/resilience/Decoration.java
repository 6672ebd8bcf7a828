package dev.heal.resilience;

import dev.heal.resilience.internal.AsyncInvoker;
import dev.heal.resilience.internal.Invoker;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The programmatic equivalent of the annotations, for code without interfaces:
 *
 * <pre>{@code
 * Supplier<Quote> quote = resilience.decorate(() -> pricing.quote(sku))
 *     .withRetry("pricing").withCircuitBreaker("pricing")
 *     .withFallback(t -> Quote.cached(sku))
 *     .build();
 * }</pre>
 *
 * <p>Order is resilience4j's aspect order whatever order the {@code with...} calls come in:
 * Degradation(Fallback(Retry(CircuitBreaker(RateLimiter(TimeLimiter(Bulkhead(AdaptiveLimit(call)))))))).
 * {@link #build()} resolves every policy (failing with {@link ResilienceException} for an unknown
 * name) and returns a supplier whose call path does no lookups.
 *
 * <p>Not thread-safe while being configured; the built supplier is thread-safe.
 *
 * @param <R> the result type ({@code CompletionStage<T>} for asynchronous decorations)
 */
public final class Decoration<R> {
  private final Resilience resilience;
  private final Supplier<?> call;
  private final PipelineSpec spec = new PipelineSpec();

  Decoration(Resilience resilience, Supplier<?> call, boolean async) {
    this.resilience = resilience;
    this.call = call;
    spec.async = async;
    spec.where = async ? "Resilience.decorateCompletionStage(...)" : "Resilience.decorate(...)";
  }

  public Decoration<R> withCircuitBreaker(String name) {
    spec.circuitBreaker = Objects.requireNonNull(name, "name");
    return this;
  }

  public Decoration<R> withRetry(String name) {
    spec.retry = Objects.requireNonNull(name, "name");
    return this;
  }

  /** Draws the retries from the named {@link RetryBudget}; needs {@link #withRetry(String)}. */
  public Decoration<R> withRetryBudget(String name) {
    spec.retryBudget = Objects.requireNonNull(name, "name");
    return this;
  }

  public Decoration<R> withBulkhead(String name) {
    spec.bulkhead = Objects.requireNonNull(name, "name");
    return this;
  }

  public Decoration<R> withRateLimiter(String name) {
    spec.rateLimiter = Objects.requireNonNull(name, "name");
    return this;
  }

  /** Asynchronous decorations only. */
  public Decoration<R> withTimeLimiter(String name) {
    spec.timeLimiter = Objects.requireNonNull(name, "name");
    return this;
  }

  public Decoration<R> withAdaptiveLimit(String name, Priority priority) {
    spec.adaptiveLimit = Objects.requireNonNull(name, "name");
    spec.priority = Objects.requireNonNull(priority, "priority");
    return this;
  }

  /** Outermost fallback: any {@link Exception} from the pipeline becomes {@code fallback}'s result. */
  public Decoration<R> withFallback(Function<Throwable, ? extends R> fallback) {
    Objects.requireNonNull(fallback, "fallback");
    spec.fallback = (args, t) -> {
      if (!(t instanceof Exception)) {
        throw t;
      }
      return fallback.apply(t);
    };
    return this;
  }

  /** While {@code feature} is off, answers with {@code substitute} and runs nothing else. */
  public Decoration<R> withDegradation(String feature, Supplier<? extends R> substitute) {
    spec.degradeFeature = Objects.requireNonNull(feature, "feature");
    Objects.requireNonNull(substitute, "substitute");
    spec.degradeSubstitute = args -> substitute.get();
    return this;
  }

  /**
   * Resolves the policies and returns the decorated call.
   *
   * @throws ResilienceException if a policy is unknown or the combination is invalid
   */
  @SuppressWarnings("unchecked")
  public Supplier<R> build() {
    if (spec.async) {
      AsyncInvoker terminal = args -> {
        try {
          CompletionStage<Object> s = (CompletionStage<Object>) call.get();
          return s != null ? s : CompletableFuture.failedFuture(
              new NullPointerException("the decorated call returned null instead of a stage"));
        } catch (RuntimeException | Error e) {
          return CompletableFuture.failedFuture(e);
        }
      };
      AsyncInvoker pipeline = Pipelines.async(resilience, spec, terminal);
      return () -> (R) pipeline.invoke(null);
    }
    Invoker terminal = args -> call.get();
    Invoker pipeline = Pipelines.sync(resilience, spec, terminal);
    return () -> {
      try {
        return (R) pipeline.invoke(null);
      } catch (Throwable t) {
        throw Decoration.<RuntimeException>sneaky(t);
      }
    };
  }

  @SuppressWarnings("unchecked")
  static <E extends Throwable> E sneaky(Throwable t) throws E {
    throw (E) t;
  }
}
