package dev.heal.resilience;

import dev.heal.core.healer.SignalSink;
import dev.heal.core.health.HealthRegistry;
import dev.heal.core.time.HealClock;
import dev.heal.resilience.internal.HealCircuitBreaker;
import dev.heal.resilience.internal.CircuitBreakerObserver;
import dev.heal.resilience.internal.EpisodeSignaller;
import dev.heal.resilience.internal.HealJavaClock;
import dev.heal.resilience.internal.ResilienceMeters;
import dev.heal.resilience.internal.SafeSink;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowSynchronizationStrategy;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The named resilience policies of a service, built once: resilience4j circuit breakers, retries,
 * bulkheads, rate limiters and time limiters (in their own registries), plus heal's retry budgets
 * and adaptive limiters, wired to heal's clock, signal sink, health registry and Micrometer.
 *
 * <pre>{@code
 * Resilience r = Resilience.builder()
 *     .clock(clock).signals(healer).healthRegistry(health).meterRegistry(meters)
 *     .circuitBreaker("payments", b -> b.failureRateThreshold(50))
 *     .retry("payments", b -> b.maxAttempts(3))
 *     .build();
 * PaymentClient client = r.proxy(PaymentClient.class, new HttpPaymentClient());
 * }</pre>
 *
 * <p>Defaults differ from resilience4j's where heal knows better: circuit breakers detect slow
 * calls (2 s, 80 %) and keep resilience4j's synchronized sliding window (measured faster and
 * allocation-free, unlike 2.4's {@code LOCK_FREE} one, see {@link #defaultCircuitBreakerConfig()});
 * retries back off exponentially with jitter (100 ms × 2^n ± 50 %, at most 10 s). Circuit
 * breakers read time from the {@link HealClock} (their timestamp function and their {@code
 * java.time.Clock}), so a {@code ManualClock} drives them in tests.
 *
 * <p>Each configured circuit breaker is resilience4j's own state machine behind a thin front
 * that passes every call straight through and counts outcomes for heal's meters; every decision,
 * event and metric is resilience4j's. The registry ({@link #circuitBreakerRegistry()}) holds the
 * fronted breakers.
 *
 * <p>Policies are looked up only when a proxy or decorator is built; naming a policy that was not
 * configured fails then, with {@link ResilienceException}.
 *
 * <p>Thread-safe once built.
 */
public final class Resilience {
  private final HealClock clock;
  private final SafeSink sink;
  private final FeatureToggles features;
  private final Duration episodeQuietPeriod;
  private final CircuitBreakerRegistry circuitBreakers;
  private final RetryRegistry retries;
  private final BulkheadRegistry bulkheads;
  private final RateLimiterRegistry rateLimiters;
  private final TimeLimiterRegistry timeLimiters;
  private final Map<String, RetryBudget> retryBudgets;
  private final Map<String, AdaptiveLimiter> adaptiveLimiters;
  private final Map<String, CircuitBreakerObserver> observers;
  private final Map<String, DependencyScope> scopes;
  private final Map<String, EpisodeSignaller> signallers = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> degraded = new ConcurrentHashMap<>();
  private final ResilienceMeters meters;

  private Resilience(Builder b) {
    this.clock = b.clock;
    this.sink = new SafeSink(b.signals);
    this.features = b.features;
    this.episodeQuietPeriod = b.episodeQuietPeriod;
    this.circuitBreakers = CircuitBreakerRegistry.ofDefaults();
    this.retries = RetryRegistry.ofDefaults();
    this.bulkheads = BulkheadRegistry.ofDefaults();
    this.rateLimiters = RateLimiterRegistry.ofDefaults();
    this.timeLimiters = TimeLimiterRegistry.ofDefaults();
    Map<String, CircuitBreakerObserver> obs = new LinkedHashMap<>();
    for (String n : b.policies.batchSuccesses.keySet()) {
      if (!b.policies.circuitBreakers.containsKey(n)) {
        throw new IllegalArgumentException("batchSuccesses(\"" + n + "\") names no circuit breaker;"
            + " declare it first (declared: " + b.policies.circuitBreakers.keySet() + ")");
      }
    }
    b.policies.circuitBreakers.forEach((name, cfg) -> {
      CircuitBreaker r4j = circuitBreakers.circuitBreaker(name, bridge(cfg, clock));
      HealCircuitBreaker cb = b.policies.batchSuccesses.getOrDefault(name, false)
          ? HealCircuitBreaker.wrapBatching(r4j) : HealCircuitBreaker.wrap(r4j);
      circuitBreakers.replace(name, cb);
      obs.put(name, new CircuitBreakerObserver(cb, sink, clock));
    });
    this.observers = Collections.unmodifiableMap(obs);
    b.policies.retries.forEach(retries::retry);
    b.policies.bulkheads.forEach(bulkheads::bulkhead);
    b.policies.rateLimiters.forEach(rateLimiters::rateLimiter);
    b.policies.timeLimiters.forEach(timeLimiters::timeLimiter);
    Map<String, RetryBudget> budgets = new LinkedHashMap<>();
    b.policies.retryBudgets.forEach((n, c) -> budgets.put(n, new RetryBudget(n, c, clock)));
    this.retryBudgets = Collections.unmodifiableMap(budgets);
    Map<String, AdaptiveLimiter> limiters = new LinkedHashMap<>();
    b.policies.adaptiveLimits.forEach((n, c) -> limiters.put(n, new AdaptiveLimiter(n, c, clock)));
    this.adaptiveLimiters = Collections.unmodifiableMap(limiters);
    for (String n : b.policies.scopes.keySet()) {
      if (!observers.containsKey(n)) {
        throw new ResilienceException("dependency scope given for '" + n
            + "', which is not a configured circuit breaker; configured: " + observers.keySet());
      }
    }
    this.scopes = Map.copyOf(b.policies.scopes);
    if (b.healthRegistry != null) {
      for (CircuitBreakerObserver o : observers.values()) {
        String n = o.circuitBreaker().getName();
        DependencyScope scope = scopes.getOrDefault(n, DependencyScope.SHARED);
        b.healthRegistry.register(CircuitBreakerHealth.config(n, scope, b.healthCheckInterval),
            CircuitBreakerHealth.check(o.circuitBreaker(), scope));
      }
    }
    this.meters = new ResilienceMeters(this);
    if (b.meterRegistry != null) {
      meters.bindTo(b.meterRegistry, observers, retryBudgets, adaptiveLimiters, degraded,
          b.resilience4jCircuitBreakerMeters);
    }
  }

  /** A builder with heal's defaults: system clock, no signals, no health or meter registry. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * heal's circuit breaker defaults: slow-call detection on (2 s / 80 %) and resilience4j's
   * {@link SlidingWindowSynchronizationStrategy#SYNCHRONIZED} window, stated explicitly. heal
   * measured resilience4j 2.4's {@code LOCK_FREE} window (a copy-on-write list: a node, an
   * aggregation copy and a snapshot per recorded call, about 208 B) slower than the synchronized
   * one at 1 and 2 threads (docs/benchmarks.md); choose it per breaker if your
   * measurements say otherwise.
   */
  public static CircuitBreakerConfig.Builder defaultCircuitBreakerConfig() {
    return CircuitBreakerConfig.custom()
        .slidingWindowSynchronizationStrategy(SlidingWindowSynchronizationStrategy.SYNCHRONIZED)
        .slowCallDurationThreshold(Duration.ofSeconds(2))
        .slowCallRateThreshold(80);
  }

  /** heal's retry defaults: 3 attempts, exponential backoff with jitter (100 ms, ×2, ±50 %, ≤10 s). */
  public static RetryConfig.Builder<Object> defaultRetryConfig() {
    return RetryConfig.custom()
        .maxAttempts(3)
        .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(
            Duration.ofMillis(100), 2.0, 0.5, Duration.ofSeconds(10)));
  }

  static CircuitBreakerConfig bridge(CircuitBreakerConfig cfg, HealClock clock) {
    if (clock == HealClock.system()) {
      return cfg;
    }
    return CircuitBreakerConfig.from(cfg)
        .clock(new HealJavaClock(clock))
        .currentTimestampFunction(c -> clock.nanoTime(), TimeUnit.NANOSECONDS)
        .build();
  }

  // ------------------------------------------------------------------ entry points

  /** Wraps {@code target} in a proxy that applies the policies its interface's annotations name. */
  public <T> T proxy(Class<T> iface, T target) {
    return HealProxy.create(iface, target, this);
  }

  /** Starts a programmatic decoration of a synchronous call. */
  public <T> Decoration<T> decorate(Supplier<T> call) {
    return new Decoration<>(this, Objects.requireNonNull(call, "call"), false);
  }

  /** Starts a programmatic decoration of an asynchronous call. */
  public <T> Decoration<CompletionStage<T>> decorateCompletionStage(Supplier<CompletionStage<T>> call) {
    return new Decoration<>(this, Objects.requireNonNull(call, "call"), true);
  }

  // ------------------------------------------------------------------ lookups

  public HealClock clock() {
    return clock;
  }

  public FeatureToggles features() {
    return features;
  }

  public CircuitBreakerRegistry circuitBreakerRegistry() {
    return circuitBreakers;
  }

  public RetryRegistry retryRegistry() {
    return retries;
  }

  public BulkheadRegistry bulkheadRegistry() {
    return bulkheads;
  }

  public RateLimiterRegistry rateLimiterRegistry() {
    return rateLimiters;
  }

  public TimeLimiterRegistry timeLimiterRegistry() {
    return timeLimiters;
  }

  public Optional<CircuitBreaker> circuitBreaker(String name) {
    return circuitBreakers.find(name);
  }

  public Optional<Retry> retry(String name) {
    return retries.find(name);
  }

  public Optional<Bulkhead> bulkhead(String name) {
    return bulkheads.find(name);
  }

  public Optional<RateLimiter> rateLimiter(String name) {
    return rateLimiters.find(name);
  }

  public Optional<TimeLimiter> timeLimiter(String name) {
    return timeLimiters.find(name);
  }

  public Optional<RetryBudget> retryBudget(String name) {
    return Optional.ofNullable(retryBudgets.get(name));
  }

  public Optional<AdaptiveLimiter> adaptiveLimiter(String name) {
    return Optional.ofNullable(adaptiveLimiters.get(name));
  }

  /** The dependency scope of circuit breaker {@code name} (default SHARED). */
  public DependencyScope dependencyScope(String name) {
    return scopes.getOrDefault(name, DependencyScope.SHARED);
  }

  /** Calls answered by a {@code @Degradable} substitute because {@code feature} was off. */
  public long degradedCalls(String feature) {
    LongAdder a = degraded.get(feature);
    return a == null ? 0 : a.sum();
  }

  /** Signals the sink refused by throwing. */
  public long signalSinkFailures() {
    return sink.failures();
  }

  // ------------------------------------------------------------------ for the pipeline builder

  Optional<CircuitBreakerObserver> observer(String name) {
    return Optional.ofNullable(observers.get(name));
  }

  Map<String, CircuitBreakerObserver> observers() {
    return observers;
  }

  Map<String, RetryBudget> retryBudgets() {
    return retryBudgets;
  }

  Map<String, AdaptiveLimiter> adaptiveLimiters() {
    return adaptiveLimiters;
  }

  Map<String, LongAdder> degradedCounters() {
    return degraded;
  }

  LongAdder degradedCounter(String feature) {
    return degraded.computeIfAbsent(feature, f -> {
      LongAdder a = new LongAdder();
      meters.degradedFeatureAdded(f, a);
      return a;
    });
  }

  EpisodeSignaller signaller(String source, String name, String reason) {
    return signallers.computeIfAbsent(source + "/" + name + "/" + reason,
        k -> new EpisodeSignaller(source, name, reason, sink, clock, episodeQuietPeriod));
  }

  /** Builds a {@link Resilience}. Not thread-safe. */
  public static final class Builder {
    private HealClock clock = HealClock.system();
    private SignalSink signals = SignalSink.NONE;
    private FeatureToggles features = FeatureToggles.ALL_ENABLED;
    private HealthRegistry healthRegistry;
    private Duration healthCheckInterval = Duration.ofSeconds(5);
    private MeterRegistry meterRegistry;
    private boolean resilience4jCircuitBreakerMeters;
    private Duration episodeQuietPeriod = Duration.ofSeconds(5);
    final Policies policies = new Policies();

    private Builder() {}

    /** Time source for breakers, budgets, limiters, time limits and async retry waits. */
    public Builder clock(HealClock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Where transitions, exhaustion and rejections go (the healer). Default: dropped. */
    public Builder signals(SignalSink signals) {
      this.signals = Objects.requireNonNull(signals, "signals");
      return this;
    }

    /** Feature switches consulted by {@link Degradable}. Default: all enabled. */
    public Builder features(FeatureToggles features) {
      this.features = Objects.requireNonNull(features, "features");
      return this;
    }

    /** Registers a readiness check per circuit breaker in {@code registry} (see {@link CircuitBreakerHealth}). */
    public Builder healthRegistry(HealthRegistry registry) {
      this.healthRegistry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** How often the circuit breaker checks run. Default 5 s. */
    public Builder healthCheckInterval(Duration interval) {
      this.healthCheckInterval = Objects.requireNonNull(interval, "interval");
      return this;
    }

    /** Binds resilience4j's and heal's meters to {@code registry}. Default: no meters. */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * Also registers resilience4j's standard circuit breaker meters ({@code TaggedCircuitBreakerMetrics}:
     * the {@code resilience4j.circuitbreaker.calls} timer, {@code .slow.calls} and the rest) on the
     * {@link #meterRegistry meter registry}, for dashboards and alerts written against
     * resilience4j-micrometer. heal's own meters keep their names; where both define the same gauge
     * (state, rates, buffered calls) heal's is registered first and is the one exported, and the
     * not-permitted counter is resilience4j's event-driven one, cumulative as heal's is.
     * <b>Cost:</b> the timer subscribes to each breaker's events, so resilience4j then builds an
     * event object per call (docs/benchmarks.md gives the measured price). Default: off.
     */
    public Builder resilience4jCircuitBreakerMeters(boolean enabled) {
      this.resilience4jCircuitBreakerMeters = enabled;
      return this;
    }

    /** Quiet time after which a rejection/exhaustion episode signal resolves. Default 5 s. */
    public Builder episodeQuietPeriod(Duration quiet) {
      Objects.requireNonNull(quiet, "quiet");
      if (quiet.isNegative() || quiet.isZero()) {
        throw new IllegalArgumentException("episodeQuietPeriod must be positive: " + quiet);
      }
      this.episodeQuietPeriod = quiet;
      return this;
    }

    public Builder circuitBreaker(String name, CircuitBreakerConfig config) {
      policies.circuitBreakers.put(name(name), Objects.requireNonNull(config, "config"));
      return this;
    }

    /** A circuit breaker starting from {@link #defaultCircuitBreakerConfig()}. */
    public Builder circuitBreaker(String name, UnaryOperator<CircuitBreakerConfig.Builder> config) {
      return circuitBreaker(name, config.apply(defaultCircuitBreakerConfig()).build());
    }

    /**
     * Opts the named circuit breaker into heal's success batching (off by default): fast
     * successes of a warm CLOSED count window are recorded in batches, off resilience4j's window
     * lock, which is faster under contention but not linearizable (a failure may, rarely, be
     * judged before successes another thread is still handing over). What it gives up and what
     * it costs: docs/resilience.md, "Opt-in: batching successes". Same as the key {@code
     * heal.resilience.circuitbreaker.instances.<name>.batch-successes}. The breaker must be
     * declared; a breaker with a custom {@code transitionOnResult} is refused when built.
     */
    public Builder batchSuccesses(String name, boolean batch) {
      policies.batchSuccesses.put(name(name), batch);
      return this;
    }

    public Builder circuitBreaker(String name) {
      return circuitBreaker(name, UnaryOperator.identity());
    }

    public Builder retry(String name, RetryConfig config) {
      policies.retries.put(name(name), Objects.requireNonNull(config, "config"));
      return this;
    }

    /** A retry starting from {@link #defaultRetryConfig()}. */
    public Builder retry(String name, UnaryOperator<RetryConfig.Builder<Object>> config) {
      return retry(name, config.apply(defaultRetryConfig()).build());
    }

    public Builder bulkhead(String name, BulkheadConfig config) {
      policies.bulkheads.put(name(name), Objects.requireNonNull(config, "config"));
      return this;
    }

    public Builder bulkhead(String name, UnaryOperator<BulkheadConfig.Builder> config) {
      return bulkhead(name, config.apply(BulkheadConfig.custom()).build());
    }

    public Builder rateLimiter(String name, RateLimiterConfig config) {
      policies.rateLimiters.put(name(name), Objects.requireNonNull(config, "config"));
      return this;
    }

    public Builder rateLimiter(String name, UnaryOperator<RateLimiterConfig.Builder> config) {
      return rateLimiter(name, config.apply(RateLimiterConfig.custom()).build());
    }

    public Builder timeLimiter(String name, TimeLimiterConfig config) {
      policies.timeLimiters.put(name(name), Objects.requireNonNull(config, "config"));
      return this;
    }

    public Builder timeLimiter(String name, UnaryOperator<TimeLimiterConfig.Builder> config) {
      return timeLimiter(name, config.apply(TimeLimiterConfig.custom()).build());
    }

    public Builder retryBudget(String name, RetryBudgetConfig config) {
      policies.retryBudgets.put(name(name), Objects.requireNonNull(config, "config"));
      return this;
    }

    public Builder adaptiveLimit(String name, AdaptiveLimitConfig config) {
      policies.adaptiveLimits.put(name(name), Objects.requireNonNull(config, "config"));
      return this;
    }

    /** Declares who shares circuit breaker {@code name}'s dependency. Default SHARED. */
    public Builder dependencyScope(String name, DependencyScope scope) {
      policies.scopes.put(name(name), Objects.requireNonNull(scope, "scope"));
      return this;
    }

    /** Adds every policy a loaded configuration file declares. */
    public Builder config(ResilienceConfig config) {
      config.applyTo(this);
      return this;
    }

    private static String name(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("policy name must not be blank");
      }
      return name;
    }

    public Resilience build() {
      return new Resilience(this);
    }
  }
}
