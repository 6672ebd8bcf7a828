package dev.heal.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heal.core.time.ManualClock;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.bulkhead.annotation.Bulkhead;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.annotation.CircuitBreaker;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import io.github.resilience4j.ratelimiter.annotation.RateLimiter;
import io.github.resilience4j.retry.annotation.Retry;
import io.github.resilience4j.timelimiter.annotation.TimeLimiter;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HealProxyTest {
  private final ManualClock clock = new ManualClock();
  private final RecordingSignalSink sink = new RecordingSignalSink();
  private final Set<String> disabled = ConcurrentHashMap.newKeySet();

  private Resilience resilience() {
    return Resilience.builder()
        .clock(clock)
        .signals(sink)
        .features(f -> !disabled.contains(f))
        .circuitBreaker("backend", b -> b.slidingWindowSize(2).minimumNumberOfCalls(2)
            .failureRateThreshold(50).waitDurationInOpenState(Duration.ofSeconds(30)))
        .retry("backend", b -> b.maxAttempts(3).intervalBiFunction((n, e) -> 0L))
        .bulkhead("backend", b -> b.maxConcurrentCalls(1).maxWaitDuration(Duration.ZERO))
        .rateLimiter("backend", b -> b.limitForPeriod(2).limitRefreshPeriod(Duration.ofHours(1))
            .timeoutDuration(Duration.ZERO))
        .timeLimiter("backend", b -> b.timeoutDuration(Duration.ofSeconds(2)))
        .retryBudget("backend", RetryBudgetConfig.builder().ratio(0.0).minRetriesPerSecond(0)
            .build())
        .adaptiveLimit("backend", AdaptiveLimitConfig.builder().initialLimit(1).minLimit(1)
            .maxLimit(1).build())
        .build();
  }

  /** The service interface under test. */
  public interface Backend {
    @CircuitBreaker(name = "backend")
    String cb(String x);

    @CircuitBreaker(name = "backend", fallbackMethod = "cbFallback")
    String cbWithFallback(String x);

    @Retry(name = "backend")
    String retried(String x) throws IOException;

    @Retry(name = "backend", fallbackMethod = "retryFallback")
    String retriedWithFallback(String x);

    @Retry(name = "backend")
    @UseRetryBudget("backend")
    String budgeted(String x);

    @Bulkhead(name = "backend")
    String bulkheaded(Runnable inside);

    @RateLimiter(name = "backend")
    String limited();

    @RateLimiter(name = "backend", fallbackMethod = "limitedFallback")
    String limitedWithFallback();

    @Fallback("anyFallback")
    String healFallback(String x);

    @Fallback(value = "anyFallback", on = IllegalArgumentException.class)
    String narrowFallback(String x);

    @Degradable(feature = "recommendations")
    List<String> recommendations(String user);

    @Degradable(feature = "recommendations", fallbackMethod = "popular")
    List<String> recommendationsOrPopular(String user);

    @Degradable(feature = "prices")
    int price();

    @AdaptiveLimit(name = "backend", priority = Priority.CRITICAL)
    String adaptive(Runnable inside);

    @Retry(name = "backend")
    @CircuitBreaker(name = "backend")
    String retryAroundBreaker(String x);

    @CircuitBreaker(name = "backend")
    @Retry(name = "backend")
    @Bulkhead(name = "backend")
    @RateLimiter(name = "backend")
    @Fallback("anyFallback")
    String everything(String x);

    @CircuitBreaker(name = "backend", fallbackMethod = "asyncFallback")
    CompletionStage<String> asyncCb(String x);

    @Retry(name = "backend")
    CompletionStage<String> asyncRetried(String x);

    @TimeLimiter(name = "backend", fallbackMethod = "asyncFallback")
    CompletableFuture<String> asyncTimed(String x);

    @TimeLimiter(name = "backend")
    CompletionStage<String> asyncTimedNoFallback(String x);

    @Bulkhead(name = "backend")
    CompletionStage<String> asyncBulkheaded(String x);

    @RateLimiter(name = "backend")
    CompletionStage<String> asyncLimited();

    @Degradable(feature = "recommendations")
    CompletionStage<String> asyncDegradable();

    @AdaptiveLimit(name = "backend")
    CompletionStage<String> asyncAdaptive(String x);

    @Retry(name = "backend")
    @CircuitBreaker(name = "backend")
    @TimeLimiter(name = "backend")
    @Fallback("asyncFallback")
    CompletionStage<String> asyncEverything(String x);

    @Retry(name = "backend")
    @UseRetryBudget("backend")
    CompletionStage<String> asyncBudgeted(String x);

    String plain(String x);
  }

  /** A fake backend whose behaviour each test programs. */
  static class FakeBackend implements Backend {
    final AtomicInteger calls = new AtomicInteger();
    volatile int failFirst = Integer.MAX_VALUE;
    final List<CompletableFuture<String>> pending = new ArrayList<>();

    String work(String x) {
      int n = calls.incrementAndGet();
      if (n <= failFirst) {
        throw new IllegalStateException("fail " + n);
      }
      return "ok:" + x;
    }

    @Override
    public String cb(String x) {
      return work(x);
    }

    @Override
    public String cbWithFallback(String x) {
      return work(x);
    }

    String cbFallback(String x, CallNotPermittedException e) {
      return "open:" + x;
    }

    String cbFallback(String x, Exception e) {
      return "failed:" + x + ":" + e.getMessage();
    }

    @Override
    public String retried(String x) {
      return work(x);
    }

    @Override
    public String retriedWithFallback(String x) {
      return work(x);
    }

    private String retryFallback(String x, Throwable t) {
      return "gave up:" + x;
    }

    @Override
    public String budgeted(String x) {
      return work(x);
    }

    @Override
    public String bulkheaded(Runnable inside) {
      inside.run();
      return "ok";
    }

    @Override
    public String limited() {
      return "ok";
    }

    @Override
    public String limitedWithFallback() {
      return "ok";
    }

    String limitedFallback(RequestNotPermitted e) {
      return "slow down";
    }

    @Override
    public String healFallback(String x) {
      return work(x);
    }

    @Override
    public String narrowFallback(String x) {
      return work(x);
    }

    String anyFallback(String x) {
      return "fallback:" + x;
    }

    @Override
    public List<String> recommendations(String user) {
      calls.incrementAndGet();
      return List.of("a", "b");
    }

    @Override
    public List<String> recommendationsOrPopular(String user) {
      calls.incrementAndGet();
      return List.of("a", "b");
    }

    List<String> popular(String user) {
      return List.of("popular");
    }

    @Override
    public int price() {
      calls.incrementAndGet();
      return 42;
    }

    @Override
    public String adaptive(Runnable inside) {
      inside.run();
      return "ok";
    }

    @Override
    public String retryAroundBreaker(String x) {
      return work(x);
    }

    @Override
    public String everything(String x) {
      return work(x);
    }

    @Override
    public CompletionStage<String> asyncCb(String x) {
      try {
        return CompletableFuture.completedFuture(work(x));
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }

    CompletionStage<String> asyncFallback(String x, Throwable t) {
      return CompletableFuture.completedFuture("async fallback:" + x + ":"
          + t.getClass().getSimpleName());
    }

    @Override
    public CompletionStage<String> asyncRetried(String x) {
      return asyncCb(x);
    }

    @Override
    public CompletableFuture<String> asyncTimed(String x) {
      CompletableFuture<String> f = new CompletableFuture<>();
      pending.add(f);
      return f;
    }

    @Override
    public CompletionStage<String> asyncTimedNoFallback(String x) {
      return asyncTimed(x);
    }

    @Override
    public CompletionStage<String> asyncBulkheaded(String x) {
      return asyncTimed(x);
    }

    @Override
    public CompletionStage<String> asyncLimited() {
      return CompletableFuture.completedFuture("ok");
    }

    @Override
    public CompletionStage<String> asyncDegradable() {
      calls.incrementAndGet();
      return CompletableFuture.completedFuture("full");
    }

    @Override
    public CompletionStage<String> asyncAdaptive(String x) {
      return asyncTimed(x);
    }

    @Override
    public CompletionStage<String> asyncEverything(String x) {
      return asyncTimed(x);
    }

    @Override
    public CompletionStage<String> asyncBudgeted(String x) {
      return asyncCb(x);
    }

    @Override
    public String plain(String x) {
      return "plain:" + x;
    }
  }

  private final FakeBackend fake = new FakeBackend();
  private final Resilience resilience = resilience();
  private final Backend backend = resilience.proxy(Backend.class, fake);

  private static String join(CompletionStage<String> s) throws Exception {
    try {
      return s.toCompletableFuture().get();
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  // ---------------------------------------------------------------- circuit breaker

  @Test
  void circuitBreakerOpensAfterFailuresAndRejectsWithoutCallingTheTarget() {
    assertThatThrownBy(() -> backend.cb("a")).hasMessage("fail 1");
    assertThatThrownBy(() -> backend.cb("a")).hasMessage("fail 2");
    assertThatThrownBy(() -> backend.cb("a")).isInstanceOf(CallNotPermittedException.class)
        .hasMessageContaining("backend");
    assertThat(fake.calls).hasValue(2);
  }

  @Test
  void circuitBreakerFallbackPicksTheMostSpecificExceptionParameter() {
    assertThat(backend.cbWithFallback("a")).isEqualTo("failed:a:fail 1");
    assertThat(backend.cbWithFallback("a")).isEqualTo("failed:a:fail 2");
    assertThat(backend.cbWithFallback("a")).isEqualTo("open:a");
  }

  // ---------------------------------------------------------------- retry

  @Test
  void retryRetriesUntilSuccess() throws Exception {
    fake.failFirst = 2;
    assertThat(backend.retried("a")).isEqualTo("ok:a");
    assertThat(fake.calls).hasValue(3);
  }

  @Test
  void retryExhaustionRethrowsAndSignalsOneEpisode() {
    assertThatThrownBy(() -> backend.retried("a")).hasMessage("fail 3");
    assertThatThrownBy(() -> backend.retried("a")).hasMessage("fail 6");
    assertThat(sink.from(ResilienceSignals.RETRY)).singleElement().satisfies(s -> {
      assertThat(s.firing()).isTrue();
      assertThat(s.name()).isEqualTo("backend");
      assertThat(s.labels()).containsEntry("reason", "exhausted");
    });
    clock.advance(Duration.ofSeconds(5));
    assertThat(sink.from(ResilienceSignals.RETRY)).hasSize(2).last()
        .satisfies(s -> assertThat(s.firing()).isFalse());
  }

  @Test
  void retryFallbackAppliesAfterTheLastAttempt() {
    assertThat(backend.retriedWithFallback("a")).isEqualTo("gave up:a");
    assertThat(fake.calls).hasValue(3);
  }

  @Test
  void anEmptyRetryBudgetStopsRetriesAndSignals() {
    assertThatThrownBy(() -> backend.budgeted("a")).hasMessage("fail 1");
    assertThat(fake.calls).hasValue(1);
    assertThat(resilience.retryBudget("backend").orElseThrow().retriesRefused()).isEqualTo(1);
    assertThat(sink.from(ResilienceSignals.RETRY)).singleElement()
        .satisfies(s -> assertThat(s.labels()).containsEntry("reason", "budget_exhausted"));
  }

  @Test
  void retryWrapsTheCircuitBreakerSoRejectionsAreRetriedToo() {
    // resilience4j order: Retry(CircuitBreaker(call)): the breaker counts each attempt
    assertThatThrownBy(() -> backend.retryAroundBreaker("a"))
        .isInstanceOf(CallNotPermittedException.class);
    assertThat(fake.calls).hasValue(2);
    assertThat(resilience.circuitBreaker("backend").orElseThrow().getMetrics()
        .getNumberOfNotPermittedCalls()).isEqualTo(1);
  }

  // ---------------------------------------------------------------- bulkhead, rate limiter

  @Test
  void bulkheadRejectsACallBeyondItsConcurrencyAndReleasesAfterwards() {
    String[] inner = new String[1];
    assertThat(backend.bulkheaded(() -> {
      try {
        backend.bulkheaded(() -> { });
      } catch (BulkheadFullException e) {
        inner[0] = "full";
      }
    })).isEqualTo("ok");
    assertThat(inner[0]).isEqualTo("full");
    assertThat(backend.bulkheaded(() -> { })).isEqualTo("ok");
    assertThat(sink.from(ResilienceSignals.BULKHEAD)).singleElement()
        .satisfies(s -> assertThat(s.labels()).containsEntry("reason", "rejected"));
  }

  @Test
  void rateLimiterRejectsBeyondItsPermitsWithOrWithoutFallback() {
    assertThat(backend.limited()).isEqualTo("ok");
    assertThat(backend.limited()).isEqualTo("ok");
    assertThatThrownBy(backend::limited).isInstanceOf(RequestNotPermitted.class);
    assertThat(backend.limitedWithFallback()).isEqualTo("slow down");
    assertThat(sink.from(ResilienceSignals.RATE_LIMITER)).hasSize(1);
  }

  // ---------------------------------------------------------------- heal's annotations

  @Test
  void healFallbackCatchesWhatTheMethodThrows() {
    assertThat(backend.healFallback("a")).isEqualTo("fallback:a");
  }

  @Test
  void healFallbackOnlyHandlesTheListedExceptions() {
    assertThatThrownBy(() -> backend.narrowFallback("a")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void degradableSkipsTheCallWithAnEmptyValueOrASubstitute() {
    assertThat(backend.recommendations("u")).containsExactly("a", "b");
    disabled.add("recommendations");
    disabled.add("prices");
    assertThat(backend.recommendations("u")).isEmpty();
    assertThat(backend.recommendationsOrPopular("u")).containsExactly("popular");
    assertThat(backend.price()).isZero();
    assertThat(fake.calls).hasValue(1);
    assertThat(resilience.degradedCalls("recommendations")).isEqualTo(2);
    disabled.clear();
    assertThat(backend.recommendationsOrPopular("u")).containsExactly("a", "b");
  }

  @Test
  void adaptiveLimitShedsBeyondTheLimit() {
    String[] inner = new String[1];
    backend.adaptive(() -> {
      try {
        backend.adaptive(() -> { });
      } catch (CallRejectedException e) {
        inner[0] = e.policy();
      }
    });
    assertThat(inner[0]).isEqualTo("backend");
    assertThat(backend.adaptive(() -> { })).isEqualTo("ok");
    assertThat(sink.from(ResilienceSignals.ADAPTIVE_LIMIT)).hasSize(1);
  }

  @Test
  void allAnnotationsTogetherStillEndInTheFallback() {
    assertThat(backend.everything("a")).isEqualTo("fallback:a");
    assertThat(fake.calls).hasValue(2); // retry attempt 3 was rejected by the opened breaker
  }

  @Test
  void unannotatedMethodsPassThroughAndObjectMethodsWork() {
    assertThat(backend.plain("x")).isEqualTo("plain:x");
    assertThat(backend).isEqualTo(backend);
    assertThat(backend.toString()).startsWith("HealProxy[");
    assertThat(backend.hashCode()).isEqualTo(System.identityHashCode(backend));
  }

  // ---------------------------------------------------------------- asynchronous

  @Test
  void asyncCircuitBreakerFallsBackOnFailureAndWhenOpen() throws Exception {
    assertThat(join(backend.asyncCb("a"))).isEqualTo("async fallback:a:IllegalStateException");
    assertThat(join(backend.asyncCb("a"))).isEqualTo("async fallback:a:IllegalStateException");
    assertThat(join(backend.asyncCb("a"))).isEqualTo("async fallback:a:CallNotPermittedException");
    assertThat(fake.calls).hasValue(2);
  }

  @Test
  void asyncRetryWaitsOnTheHealClock() throws Exception {
    fake.failFirst = 1;
    CompletionStage<String> s = backend.asyncRetried("a");
    assertThat(s.toCompletableFuture()).isNotDone();
    clock.runDueTasks();
    assertThat(join(s)).isEqualTo("ok:a");
    assertThat(fake.calls).hasValue(2);
  }

  @Test
  void asyncRetryExhaustsAndFails() {
    CompletionStage<String> s = backend.asyncRetried("a");
    clock.runDueTasks();
    clock.runDueTasks();
    assertThatThrownBy(() -> join(s)).hasMessage("fail 3");
  }

  @Test
  void timeLimiterTimesOutOnTheHealClockAndFallsBack() throws Exception {
    CompletableFuture<String> f = backend.asyncTimed("a");
    clock.advance(Duration.ofMillis(1999));
    assertThat(f).isNotDone();
    clock.advance(Duration.ofMillis(1));
    assertThat(f.get()).isEqualTo("async fallback:a:TimeoutException");
    assertThat(fake.pending.get(0)).isCancelled();
  }

  @Test
  void timeLimiterPassesAResultInTime() throws Exception {
    CompletionStage<String> s = backend.asyncTimedNoFallback("a");
    fake.pending.get(0).complete("done");
    assertThat(join(s)).isEqualTo("done");
    clock.advance(Duration.ofSeconds(5));
    assertThat(join(s)).isEqualTo("done");
  }

  @Test
  void timeLimiterWithoutFallbackFailsWithTimeoutException() {
    CompletionStage<String> s = backend.asyncTimedNoFallback("a");
    clock.advance(Duration.ofSeconds(2));
    assertThatThrownBy(() -> join(s)).isInstanceOf(TimeoutException.class)
        .hasMessageContaining("backend");
  }

  @Test
  void asyncBulkheadHoldsItsPermitUntilTheStageCompletes() throws Exception {
    CompletionStage<String> first = backend.asyncBulkheaded("a");
    assertThatThrownBy(() -> join(backend.asyncBulkheaded("b")))
        .isInstanceOf(BulkheadFullException.class);
    fake.pending.get(0).complete("a done");
    assertThat(join(first)).isEqualTo("a done");
    CompletionStage<String> third = backend.asyncBulkheaded("c");
    assertThat(fake.pending).hasSize(2);
    fake.pending.get(1).complete("c done");
    assertThat(join(third)).isEqualTo("c done");
  }

  @Test
  void asyncRateLimiterRejects() throws Exception {
    assertThat(join(backend.asyncLimited())).isEqualTo("ok");
    assertThat(join(backend.asyncLimited())).isEqualTo("ok");
    assertThatThrownBy(() -> join(backend.asyncLimited())).isInstanceOf(RequestNotPermitted.class);
  }

  @Test
  void asyncDegradableCompletesWithTheEmptyValue() throws Exception {
    disabled.add("recommendations");
    assertThat(join(backend.asyncDegradable())).isNull();
    assertThat(fake.calls).hasValue(0);
  }

  @Test
  void asyncAdaptiveLimitHoldsItsPermitUntilTheStageCompletes() throws Exception {
    CompletionStage<String> first = backend.asyncAdaptive("a");
    assertThatThrownBy(() -> join(backend.asyncAdaptive("b")))
        .isInstanceOf(CallRejectedException.class);
    fake.pending.get(0).complete("a");
    assertThat(join(first)).isEqualTo("a");
    assertThat(resilience.adaptiveLimiter("backend").orElseThrow().inFlight()).isZero();
  }

  @Test
  void asyncCombinationTimesOutEachAttemptThenOpensTheBreakerThenFallsBack() throws Exception {
    CompletionStage<String> s = backend.asyncEverything("a");
    clock.advance(Duration.ofSeconds(2)); // attempt 1 times out; retry scheduled with 0 delay
    clock.runDueTasks();
    assertThat(fake.pending).hasSize(2);
    clock.advance(Duration.ofSeconds(2)); // attempt 2 times out: the breaker opens (2 of 2 failed)
    clock.runDueTasks(); // attempt 3 is rejected by the open breaker
    assertThat(fake.pending).hasSize(2);
    assertThat(join(s)).isEqualTo("async fallback:a:CallNotPermittedException");
    assertThat(fake.pending).allSatisfy(f -> assertThat(f).isCancelled());
  }

  @Test
  void asyncRetryDrawsFromTheBudgetToo() {
    CompletionStage<String> s = backend.asyncBudgeted("a");
    clock.runDueTasks();
    assertThatThrownBy(() -> join(s)).hasMessage("fail 1");
    assertThat(fake.calls).hasValue(1);
    assertThat(resilience.retryBudget("backend").orElseThrow().retriesRefused()).isEqualTo(1);
  }

  // ---------------------------------------------------------------- misconfiguration

  public interface UnknownPolicy {
    @CircuitBreaker(name = "paymnts")
    String charge(String id);
  }

  public interface BadFallbackParameters {
    @CircuitBreaker(name = "backend", fallbackMethod = "fb")
    String charge(String id);
  }

  public interface BadFallbackReturn {
    @Retry(name = "backend", fallbackMethod = "fb")
    String charge(String id);
  }

  public interface MissingFallback {
    @Fallback("nowhere")
    String charge(String id);
  }

  public interface SyncTimeLimiter {
    @TimeLimiter(name = "backend")
    String charge(String id);
  }

  public interface ThreadPoolBulkhead {
    @Bulkhead(name = "backend", type = Bulkhead.Type.THREADPOOL)
    String charge(String id);
  }

  public interface BudgetWithoutRetry {
    @UseRetryBudget("backend")
    String charge(String id);
  }

  public interface UnknownFeatureSubstitute {
    @Degradable(feature = "x", fallbackMethod = "sub")
    Optional<String> charge(String id);
  }

  @Test
  void anUnknownPolicyFailsAtProxyCreationNamingMethodAndPolicy() {
    assertThatThrownBy(() -> resilience.proxy(UnknownPolicy.class, id -> id))
        .isInstanceOf(ResilienceException.class)
        .hasMessageContaining("UnknownPolicy.charge(String)")
        .hasMessageContaining("@CircuitBreaker(name = \"paymnts\") names no configured circuit"
            + " breaker")
        .hasMessageContaining("[backend]");
  }

  static class WrongParams implements BadFallbackParameters {
    @Override
    public String charge(String id) {
      return id;
    }

    String fb(int id, Throwable t) {
      return "x";
    }
  }

  static class WrongReturn implements BadFallbackReturn {
    @Override
    public String charge(String id) {
      return id;
    }

    Integer fb(String id, Throwable t) {
      return 1;
    }
  }

  static class Substitute implements UnknownFeatureSubstitute {
    @Override
    public Optional<String> charge(String id) {
      return Optional.of(id);
    }

    Optional<String> sub(String id, Throwable t) {
      return Optional.empty();
    }
  }

  @Test
  void aFallbackWithTheWrongParametersFailsAtProxyCreation() {
    assertThatThrownBy(() -> resilience.proxy(BadFallbackParameters.class, new WrongParams()))
        .isInstanceOf(ResilienceException.class)
        .hasMessageContaining("BadFallbackParameters.charge(String)")
        .hasMessageContaining("fallback method 'fb' has the wrong signature")
        .hasMessageContaining("expected fb(String[, Throwable]) returning String")
        .hasMessageContaining("fb(int, Throwable) has the wrong parameters");
  }

  @Test
  void aFallbackWithTheWrongReturnTypeFailsAtProxyCreation() {
    assertThatThrownBy(() -> resilience.proxy(BadFallbackReturn.class, new WrongReturn()))
        .isInstanceOf(ResilienceException.class)
        .hasMessageContaining("BadFallbackReturn.charge(String)")
        .hasMessageContaining("returns Integer, not String");
  }

  @Test
  void aMissingFallbackFailsAtProxyCreation() {
    assertThatThrownBy(() -> resilience.proxy(MissingFallback.class, id -> id))
        .isInstanceOf(ResilienceException.class)
        .hasMessageContaining("MissingFallback.charge(String)")
        .hasMessageContaining("'nowhere', which does not exist");
  }

  @Test
  void aSubstituteMayNotTakeAnExceptionParameter() {
    assertThatThrownBy(() -> resilience.proxy(UnknownFeatureSubstitute.class, new Substitute()))
        .isInstanceOf(ResilienceException.class)
        .hasMessageContaining("@Degradable(feature = \"x\")")
        .hasMessageContaining("wrong signature");
  }

  @Test
  void unsupportedCombinationsFailAtProxyCreation() {
    assertThatThrownBy(() -> resilience.proxy(SyncTimeLimiter.class, id -> id))
        .isInstanceOf(ResilienceException.class)
        .hasMessageContaining("SyncTimeLimiter.charge(String): @TimeLimiter needs a CompletionStage");
    assertThatThrownBy(() -> resilience.proxy(ThreadPoolBulkhead.class, id -> id))
        .isInstanceOf(ResilienceException.class).hasMessageContaining("THREADPOOL");
    assertThatThrownBy(() -> resilience.proxy(BudgetWithoutRetry.class, id -> id))
        .isInstanceOf(ResilienceException.class).hasMessageContaining("needs @Retry");
  }

  @Test
  void onlyInterfacesCanBeProxied() {
    assertThatThrownBy(() -> HealProxy.create(String.class, "x", resilience))
        .isInstanceOf(ResilienceException.class).hasMessageContaining("not an interface");
  }
}
