package dev.heal.resilience.internal;

import static io.micrometer.core.instrument.Meter.Type.COUNTER;
import static io.micrometer.core.instrument.Meter.Type.GAUGE;

import dev.heal.core.internal.ReferenceCatalog;
import dev.heal.resilience.AdaptiveLimitConfig;
import dev.heal.resilience.DependencyScope;
import dev.heal.resilience.Resilience;
import dev.heal.resilience.RetryBudgetConfig;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * heal-resilience's configuration (builders and the keys {@code ResilienceConfig} reads) and
 * meters, for {@code docs/reference.md} (see {@link ReferenceCatalog}). Defaults are read from
 * the configurations heal builds by default. Not API.
 */
public final class ResilienceReference implements ReferenceCatalog {
  private static final String CB = "resilience4j.circuitbreaker.instances.<name>.";
  private static final String RETRY = "resilience4j.retry.instances.<name>.";
  private static final String BULKHEAD = "resilience4j.bulkhead.instances.<name>.";
  private static final String RATE = "resilience4j.ratelimiter.instances.<name>.";
  private static final String TIME = "resilience4j.timelimiter.instances.<name>.";
  private static final String BUDGET = "heal.resilience.retrybudget.instances.<name>.";
  private static final String LIMIT = "heal.resilience.adaptivelimit.instances.<name>.";

  @Override
  public String module() {
    return "heal-resilience";
  }

  @Override
  public List<Builder> builders() {
    return List.of(
        Builder.of("Resilience", Resilience.Builder.class, "Resilience.builder()", Resilience::builder)
            .set("clock", "`HealClock.system()`", "")
            .set("signals", "none (dropped)", "")
            .set("features", "all enabled", "")
            .field("healthRegistry", "")
            .field("healthCheckInterval", "")
            .field("meterRegistry", "")
            .set("resilience4jCircuitBreakerMeters", false, "")
            .field("episodeQuietPeriod", "")
            .set("batchSuccesses", false, "")
            .fileKey("heal.resilience.circuitbreaker.instances.<name>.batchSuccesses")
            .set("circuitBreaker", "heal's defaults (`Resilience.defaultCircuitBreakerConfig()`); "
                + "declared in a file: resilience4j's, see the file keys", "").fileKey(CB + "*")
            .set("retry", "heal's defaults (`Resilience.defaultRetryConfig()`); declared in a file: "
                + "resilience4j's, see the file keys", "").fileKey(RETRY + "*")
            .set("bulkhead", "resilience4j's defaults", "",
        "Adds a named bulkhead (resilience4j `BulkheadConfig`).").fileKey(BULKHEAD + "*")
            .set("rateLimiter", "resilience4j's defaults", "",
        "Adds a named rate limiter (resilience4j `RateLimiterConfig`).").fileKey(RATE + "*")
            .set("timeLimiter", "resilience4j's defaults", "",
        "Adds a named time limiter (resilience4j `TimeLimiterConfig`).").fileKey(TIME + "*")
            .set("retryBudget", "none", "", "Adds a named retry budget.").fileKey(BUDGET + "*")
            .set("adaptiveLimit", "none", "", "Adds a named adaptive concurrency limit.").fileKey(LIMIT + "*")
            .set("dependencyScope", DependencyScope.SHARED, "")
            .fileKey("heal.resilience.dependencyScope.<name>")
            .set("config", "none", ""),
        Builder.of("Retry budgets", RetryBudgetConfig.Builder.class, "RetryBudgetConfig.builder()",
                RetryBudgetConfig::builder)
            .field("ratio", "retries per request").fileKey(BUDGET + "ratio")
            .field("minRetriesPerSecond", "retries/s").fileKey(BUDGET + "minRetriesPerSecond")
            .field("ttl", "").fileKey(BUDGET + "ttl")
            .field("buckets", "slots").fileKey(BUDGET + "buckets"),
        Builder.of("Adaptive concurrency limits", AdaptiveLimitConfig.Builder.class,
                "AdaptiveLimitConfig.builder()", AdaptiveLimitConfig::builder)
            .field("initialLimit", "calls").fileKey(LIMIT + "initialLimit")
            .field("minLimit", "calls").fileKey(LIMIT + "minLimit")
            .field("maxLimit", "calls").fileKey(LIMIT + "maxLimit")
            .field("smoothing", "weight").fileKey(LIMIT + "smoothing")
            .field("rttTolerance", "ratio").fileKey(LIMIT + "rttTolerance")
            .field("windowSize", "calls").fileKey(LIMIT + "windowSize")
            .field("baselineWindows", "windows").fileKey(LIMIT + "baselineWindows")
            .field("probeInterval", "windows").fileKey(LIMIT + "probeInterval")
            .field("normalShare", "share of the limit").fileKey(LIMIT + "normalShare")
            .field("sheddableShare", "share of the limit").fileKey(LIMIT + "sheddableShare"));
  }

  /**
   * Every key {@code ResilienceConfig} accepts, per instance; {@code configs.<config>.} takes the
   * same keys as {@code instances.<name>.} for the five resilience4j kinds.
   */
  @Override
  public List<FileKey> fileKeys() {
    // a file-declared instance starts from resilience4j's defaults, as resilience4j-spring-boot3's does
    CircuitBreakerConfig cb = CircuitBreakerConfig.ofDefaults();
    RetryConfig retry = RetryConfig.ofDefaults();
    BulkheadConfig bulkhead = BulkheadConfig.ofDefaults();
    RateLimiterConfig rate = RateLimiterConfig.ofDefaults();
    TimeLimiterConfig time = TimeLimiterConfig.ofDefaults();
    RetryBudgetConfig budget = RetryBudgetConfig.ofDefaults();
    AdaptiveLimitConfig limit = AdaptiveLimitConfig.ofDefaults();
    Class<?> cbb = CircuitBreakerConfig.Builder.class;
    Class<?> rb = RetryConfig.Builder.class;
    Class<?> bb = BulkheadConfig.Builder.class;
    Class<?> rlb = RateLimiterConfig.Builder.class;
    Class<?> tb = TimeLimiterConfig.Builder.class;
    List<FileKey> k = new ArrayList<>();
    k.add(baseConfig(CB, cbb));
    k.add(key(CB, cbb, "failureRateThreshold", cb.getFailureRateThreshold(), "%",
        "failure rate at or above which the breaker opens"));
    k.add(key(CB, cbb, "slowCallRateThreshold", cb.getSlowCallRateThreshold(), "%",
        "slow-call rate at or above which the breaker opens"));
    k.add(key(CB, cbb, "slowCallDurationThreshold", cb.getSlowCallDurationThreshold(), "duration",
        "calls slower than this count as slow"));
    k.add(key(CB, cbb, "waitDurationInOpenState",
        Duration.ofMillis(cb.getWaitIntervalFunctionInOpenState().apply(1)), "duration",
        "how long the breaker stays open before it lets trial calls through"));
    k.add(key(CB, cbb, "maxWaitDurationInHalfOpenState", cb.getMaxWaitDurationInHalfOpenState(),
        "duration", "longest stay half-open; 0 waits for the trial calls"));
    k.add(key(CB, cbb, "permittedNumberOfCallsInHalfOpenState",
        cb.getPermittedNumberOfCallsInHalfOpenState(), "calls", "trial calls allowed while half-open"));
    k.add(key(CB, cbb, "slidingWindowSize", cb.getSlidingWindowSize(),
        "calls or seconds",
        "size of the window the rates are computed over (calls, or seconds when time-based)"));
    k.add(key(CB, cbb, "minimumNumberOfCalls", cb.getMinimumNumberOfCalls(),
        "calls", "calls in the window before the rates are acted on"));
    k.add(key(CB, cbb, "slidingWindowType", cb.getSlidingWindowType(), "",
        "`COUNT_BASED` or `TIME_BASED`"));
    k.add(new FileKey(CB + "automaticTransitionFromOpenToHalfOpenEnabled", cbb,
        "automaticTransitionFromOpenToHalfOpenEnabled", cb.isAutomaticTransitionFromOpenToHalfOpenEnabled(), "",
        "go half-open when the wait ends, without waiting for a call"));
    k.add(stackTrace(CB, cbb, cb.isWritableStackTraceEnabled()));
    k.add(key(CB, cbb, "recordExceptions", "all exceptions", "class names",
        "exceptions that count as failures (comma-separated or a list)"));
    k.add(key(CB, cbb, "ignoreExceptions", "none", "class names",
        "exceptions that count as neither failure nor success"));
    k.add(key(CB, cbb, "initialState", cb.getInitialState(), "", "state a new breaker starts in"));

    k.add(baseConfig(RETRY, rb));
    k.add(key(RETRY, rb, "maxAttempts", retry.getMaxAttempts(), "attempts",
        "attempts including the first call"));
    k.add(new FileKey(RETRY + "waitDuration", rb, "intervalFunction", "`500ms`", "duration",
        "wait before the first retry"));
    k.add(new FileKey(RETRY + "enableExponentialBackoff", rb, "intervalFunction", false, "",
        "multiply the wait by `exponentialBackoffMultiplier` each retry"));
    k.add(new FileKey(RETRY + "exponentialBackoffMultiplier", rb, "intervalFunction", 1.5, "factor",
        "growth of the wait per retry"));
    k.add(new FileKey(RETRY + "exponentialMaxWaitDuration", rb, "intervalFunction",
        "unbounded", "duration",
        "longest wait"));
    k.add(new FileKey(RETRY + "enableRandomizedWait", rb, "intervalFunction", false, "", "jitter the wait"));
    k.add(new FileKey(RETRY + "randomizedWaitFactor", rb, "intervalFunction", 0.5, "fraction",
        "jitter: the wait varies by ± this share"));
    k.add(key(RETRY, rb, "retryExceptions", "all exceptions", "class names",
        "exceptions that are retried"));
    k.add(key(RETRY, rb, "ignoreExceptions", "none", "class names",
        "exceptions that are never retried"));
    k.add(key(RETRY, rb, "failAfterMaxAttempts", retry.isFailAfterMaxAttempts(), "",
        "throw `MaxRetriesExceededException` when a result predicate still fails after the last attempt"));

    k.add(baseConfig(BULKHEAD, bb));
    k.add(key(BULKHEAD, bb, "maxConcurrentCalls", bulkhead.getMaxConcurrentCalls(),
        "calls", "calls allowed at once"));
    k.add(key(BULKHEAD, bb, "maxWaitDuration", bulkhead.getMaxWaitDuration(), "duration",
        "how long a call waits for a permit"));
    k.add(stackTrace(BULKHEAD, bb, bulkhead.isWritableStackTraceEnabled()));

    k.add(baseConfig(RATE, rlb));
    k.add(key(RATE, rlb, "limitForPeriod", rate.getLimitForPeriod(), "calls per period",
        "permits per refresh period"));
    k.add(key(RATE, rlb, "limitRefreshPeriod", rate.getLimitRefreshPeriod(),
        "duration", "the refresh period"));
    k.add(key(RATE, rlb, "timeoutDuration", rate.getTimeoutDuration(), "duration",
        "how long a call waits for a permit"));
    k.add(stackTrace(RATE, rlb, rate.isWritableStackTraceEnabled()));

    k.add(baseConfig(TIME, tb));
    k.add(key(TIME, tb, "timeoutDuration", time.getTimeoutDuration(), "duration",
        "longest time an asynchronous call may take"));
    k.add(key(TIME, tb, "cancelRunningFuture", time.shouldCancelRunningFuture(), "",
        "cancel the call's future when it times out"));

    Class<?> bub = RetryBudgetConfig.Builder.class;
    k.add(FileKey.of(BUDGET + "ratio", bub, "ratio", budget.ratio(), "retries per request"));
    k.add(FileKey.of(BUDGET + "minRetriesPerSecond", bub, "minRetriesPerSecond", budget.minRetriesPerSecond(),
        "retries/s"));
    k.add(FileKey.of(BUDGET + "ttl", bub, "ttl", budget.ttl(), "duration"));
    k.add(FileKey.of(BUDGET + "buckets", bub, "buckets", budget.buckets(), "slots"));

    Class<?> alb = AdaptiveLimitConfig.Builder.class;
    k.add(FileKey.of(LIMIT + "initialLimit", alb, "initialLimit", limit.initialLimit(), "calls"));
    k.add(FileKey.of(LIMIT + "minLimit", alb, "minLimit", limit.minLimit(), "calls"));
    k.add(FileKey.of(LIMIT + "maxLimit", alb, "maxLimit", limit.maxLimit(), "calls"));
    k.add(FileKey.of(LIMIT + "smoothing", alb, "smoothing", limit.smoothing(), "weight"));
    k.add(FileKey.of(LIMIT + "rttTolerance", alb, "rttTolerance", limit.rttTolerance(), "ratio"));
    k.add(FileKey.of(LIMIT + "windowSize", alb, "windowSize", limit.windowSize(), "calls"));
    k.add(FileKey.of(LIMIT + "baselineWindows", alb, "baselineWindows", limit.baselineWindows(), "windows"));
    k.add(FileKey.of(LIMIT + "probeInterval", alb, "probeInterval", limit.probeInterval(), "windows"));
    k.add(FileKey.of(LIMIT + "normalShare", alb, "normalShare", limit.normalShare(), "share of the limit"));
    k.add(FileKey.of(LIMIT + "sheddableShare", alb, "sheddableShare", limit.sheddableShare(),
        "share of the limit"));

    k.add(new FileKey("heal.resilience.circuitbreaker.instances.<name>.slidingWindowSynchronizationStrategy",
        cbb, "slidingWindowSynchronizationStrategy", cb.getSlidingWindowSynchronizationStrategy(), "",
        "`SYNCHRONIZED` or `LOCK_FREE` window of a breaker declared under resilience4j.circuitbreaker "
            + "(not a resilience4j-spring-boot3 key)"));

    k.add(new FileKey("heal.resilience.circuitbreaker.instances.<name>.batchSuccesses",
        Resilience.Builder.class, "batchSuccesses", false, "",
        "`true`: heal's opt-in success batching for a breaker declared under "
            + "resilience4j.circuitbreaker (faster under contention, not linearizable; "
            + "docs/resilience.md); kebab-case `batch-successes` too (not a resilience4j-spring-boot3 key)"));

    Class<?> res = Resilience.Builder.class;
    k.add(FileKey.of("heal.resilience.dependencyScope.<name>", res, "dependencyScope",
        DependencyScope.SHARED, ""));
    return k;
  }

  /** A key named like the resilience4j builder method it sets. */
  private static FileKey key(String prefix, Class<?> type, String method, Object defaultValue, String unit,
      String meaning) {
    return new FileKey(prefix + method, type, method, defaultValue, unit, meaning);
  }

  private static FileKey baseConfig(String prefix, Class<?> type) {
    return new FileKey(prefix + "baseConfig", type, "build", "`default`", "",
        "the `configs.<config>` whose settings come first; default `configs.default` when defined");
  }

  private static FileKey stackTrace(String prefix, Class<?> type, boolean enabled) {
    return key(prefix, type, "writableStackTraceEnabled", enabled, "", "whether refusals carry a stack trace");
  }

  @Override
  public List<MeterInfo> meters() {
    String atBuild = "at `build()` with `meterRegistry(...)`, one set per policy";
    return List.of(
        new MeterInfo(ResilienceMeters.CIRCUIT_BREAKER_CALLS, COUNTER, List.of("name", "outcome"), atBuild),
        new MeterInfo(ResilienceMeters.CIRCUIT_BREAKER_TRANSITIONS, COUNTER, List.of("name"), atBuild),
        new MeterInfo("resilience4j.circuitbreaker.state", GAUGE, List.of("name", "state"), atBuild),
        new MeterInfo("resilience4j.circuitbreaker.failure.rate", GAUGE, List.of("name"), atBuild),
        new MeterInfo("resilience4j.circuitbreaker.slow.call.rate", GAUGE, List.of("name"), atBuild),
        new MeterInfo("resilience4j.circuitbreaker.buffered.calls", GAUGE, List.of("name", "kind"), atBuild),
        new MeterInfo("resilience4j.circuitbreaker.not.permitted.calls", COUNTER, List.of("name",
        "kind"), atBuild),
        new MeterInfo("resilience4j.retry.calls", COUNTER, List.of("name", "kind"), atBuild),
        new MeterInfo("resilience4j.bulkhead.available.concurrent.calls", GAUGE, List.of("name"), atBuild),
        new MeterInfo("resilience4j.bulkhead.max.allowed.concurrent.calls", GAUGE, List.of("name"), atBuild),
        new MeterInfo("resilience4j.ratelimiter.available.permissions", GAUGE, List.of("name"), atBuild),
        new MeterInfo("resilience4j.ratelimiter.waiting_threads", GAUGE, List.of("name"), atBuild),
        new MeterInfo("resilience4j.timelimiter.calls", COUNTER, List.of("name", "kind"), atBuild),
        new MeterInfo(ResilienceMeters.BUDGET_REQUESTS, COUNTER, List.of("name"), atBuild),
        new MeterInfo(ResilienceMeters.BUDGET_RETRIES, COUNTER, List.of("name", "outcome"), atBuild),
        new MeterInfo(ResilienceMeters.BUDGET_AVAILABLE, GAUGE, List.of("name"), atBuild),
        new MeterInfo(ResilienceMeters.LIMIT, GAUGE, List.of("name"), atBuild),
        new MeterInfo(ResilienceMeters.LIMIT_IN_FLIGHT, GAUGE, List.of("name"), atBuild),
        new MeterInfo(ResilienceMeters.LIMIT_ADMITTED, COUNTER, List.of("name"), atBuild),
        new MeterInfo(ResilienceMeters.LIMIT_REJECTED, COUNTER, List.of("name", "priority"), atBuild),
        new MeterInfo(ResilienceMeters.DEGRADED_CALLS, COUNTER, List.of("feature"),
            "after the first call a `@Degradable` substitute answered for that feature"));
  }
}
