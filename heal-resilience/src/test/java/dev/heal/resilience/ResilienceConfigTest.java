package dev.heal.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heal.resilience.internal.HealCircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowSynchronizationStrategy;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ResilienceConfigTest {

  private static final String YAML = """
      server:
        port: 8080
      resilience4j.circuitbreaker:
        configs:
          default:
            slidingWindowSize: 50
          strict:
            failureRateThreshold: 10
        instances:
          payments:
            failureRateThreshold: 50
            waitDurationInOpenState: 30s
            slowCallDurationThreshold: 500ms
            slidingWindowType: TIME_BASED
            recordExceptions:
              - java.io.IOException
          ledger:
            baseConfig: strict
      resilience4j.retry:
        instances:
          payments:
            maxAttempts: 5
            waitDuration: PT0.2S
      resilience4j.bulkhead.instances.payments.maxConcurrentCalls: 7
      resilience4j.ratelimiter.instances.payments:
        limitForPeriod: 100
        limitRefreshPeriod: 1s
        timeoutDuration: 0
      resilience4j.timelimiter.instances.payments.timeoutDuration: 2s
      heal.resilience:
        retrybudget.instances.payments:
          ratio: 0.1
          minRetriesPerSecond: 3
          ttl: 5s
        adaptivelimit.instances.payments:
          minLimit: 2
          initialLimit: 4
          maxLimit: 40
        dependencyScope.ledger: INSTANCE
        circuitbreaker.instances.payments.slidingWindowSynchronizationStrategy: lock_free
      """;

  @Test
  void loadsResilience4jPropertyNamesFromYamlOnTopOfResilience4jsDefaults() {
    ResilienceConfig c = ResilienceConfig.fromYaml(YAML);
    CircuitBreakerConfig p = c.circuitBreaker("payments").orElseThrow();
    assertThat(p.getFailureRateThreshold()).isEqualTo(50f);
    assertThat(p.getSlidingWindowSize()).isEqualTo(50);
    assertThat(p.getSlidingWindowType()).isEqualTo(SlidingWindowType.TIME_BASED);
    assertThat(p.getSlowCallDurationThreshold()).isEqualTo(Duration.ofMillis(500));
    assertThat(p.getWaitIntervalFunctionInOpenState().apply(1)).isEqualTo(30_000L);
    assertThat(p.getSlidingWindowSynchronizationStrategy())
        .isEqualTo(SlidingWindowSynchronizationStrategy.LOCK_FREE);
    assertThat(p.getSlowCallRateThreshold()).isEqualTo(100f); // resilience4j's default, as in Spring Boot
    assertThat(p.getRecordExceptionPredicate().test(new java.io.IOException())).isTrue();

    CircuitBreakerConfig ledger = c.circuitBreaker("ledger").orElseThrow();
    assertThat(ledger.getFailureRateThreshold()).isEqualTo(10f);
    assertThat(ledger.getSlidingWindowSize()).isEqualTo(100); // baseConfig replaces default
    assertThat(ledger.getSlidingWindowSynchronizationStrategy())
        .isEqualTo(SlidingWindowSynchronizationStrategy.SYNCHRONIZED);

    assertThat(c.retry("payments").orElseThrow().getMaxAttempts()).isEqualTo(5);
    assertThat(c.retryBudget("payments").orElseThrow().ratio()).isEqualTo(0.1);
    assertThat(c.adaptiveLimit("payments").orElseThrow().maxLimit()).isEqualTo(40);

    Resilience r = Resilience.builder().config(c).build();
    assertThat(r.bulkhead("payments").orElseThrow().getBulkheadConfig().getMaxConcurrentCalls())
        .isEqualTo(7);
    assertThat(r.rateLimiter("payments").orElseThrow().getRateLimiterConfig().getLimitForPeriod())
        .isEqualTo(100);
    assertThat(r.timeLimiter("payments").orElseThrow().getTimeLimiterConfig().getTimeoutDuration())
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(r.dependencyScope("ledger")).isEqualTo(DependencyScope.INSTANCE);
    assertThat(r.dependencyScope("payments")).isEqualTo(DependencyScope.SHARED);
    // every breaker is heal's front, and the registry holds the front
    assertThat(r.circuitBreaker("ledger").orElseThrow()).isInstanceOf(HealCircuitBreaker.class);
    assertThat(r.circuitBreakerRegistry().circuitBreaker("ledger"))
        .isSameAs(r.circuitBreaker("ledger").orElseThrow());
  }

  /** The opt-in success batching: off by default, on per breaker by key or builder switch. */
  @Test
  void batchSuccessesIsAnOptInPerBreakerByKeyOrBuilder() {
    ResilienceConfig c = ResilienceConfig.fromYaml("""
        resilience4j.circuitbreaker.instances:
          payments: { sliding-window-size: 20 }
          ledger: { sliding-window-size: 20 }
        heal.resilience.circuitbreaker.instances.payments.batch-successes: true
        """);
    Resilience r = Resilience.builder().config(c).build();
    assertThat(((HealCircuitBreaker) r.circuitBreaker("payments").orElseThrow()).batching()).isTrue();
    assertThat(((HealCircuitBreaker) r.circuitBreaker("ledger").orElseThrow()).batching()).isFalse();
    Resilience built = Resilience.builder().circuitBreaker("a").circuitBreaker("b")
        .batchSuccesses("a", true).build();
    assertThat(((HealCircuitBreaker) built.circuitBreaker("a").orElseThrow()).batching()).isTrue();
    assertThat(((HealCircuitBreaker) built.circuitBreaker("b").orElseThrow()).batching()).isFalse();
    assertThatThrownBy(() -> Resilience.builder().circuitBreaker("a").batchSuccesses("z", true).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"z\"")
        .hasMessageContaining("names no circuit breaker");
    assertThatThrownBy(() -> ResilienceConfig.fromYaml("""
        resilience4j.circuitbreaker.instances.payments.sliding-window-size: 20
        heal.resilience.circuitbreaker.instances.payments.batch-successes: sometimes
        """)).hasMessageContaining("payments.batchSuccesses").hasMessageContaining("true or false");
    assertThatThrownBy(() -> ResilienceConfig.fromYaml("""
        resilience4j.circuitbreaker.instances.payments.sliding-window-size: 20
        heal.resilience.circuitbreaker.instances.payments.batchSucesses: true
        """)).hasMessageContaining("did you mean 'batchSuccesses'");
  }

  @Test
  void aRetryDeclaredInTheFileStartsFromResilience4jsDefaultsAndOneOnTheBuilderFromHeals() {
    ResilienceConfig c = ResilienceConfig.fromYaml(
        "resilience4j.retry.instances.x.maxAttempts: 4\n");
    var f = c.retry("x").orElseThrow().getIntervalBiFunction();
    assertThat(f.apply(1, null)).isEqualTo(500L); // resilience4j's fixed 500 ms
    assertThat(f.apply(3, null)).isEqualTo(500L);
    var heal = Resilience.defaultRetryConfig().build().getIntervalBiFunction();
    assertThat(heal.apply(1, null)).isBetween(50L, 150L);
    assertThat(heal.apply(3, null)).isBetween(200L, 600L);
  }

  @Test
  void loadsProperties() {
    Properties p = new Properties();
    p.setProperty("resilience4j.circuitbreaker.instances.payments.minimumNumberOfCalls", "5");
    p.setProperty("resilience4j.circuitbreaker.instances.payments.ignoreExceptions",
        "java.lang.IllegalArgumentException, java.lang.IllegalStateException");
    p.setProperty("unrelated.key", "x");
    CircuitBreakerConfig c = ResilienceConfig.fromProperties(p).circuitBreaker("payments")
        .orElseThrow();
    assertThat(c.getMinimumNumberOfCalls()).isEqualTo(5);
    assertThat(c.getIgnoreExceptionPredicate().test(new IllegalStateException())).isTrue();
  }

  @Test
  void aMisspelledPropertyIsRejectedNamingTheKey() {
    assertThatThrownBy(() -> ResilienceConfig.fromYaml(
        "resilience4j.circuitbreaker.instances.payments.failureRateTreshold: 50\n"))
        .isInstanceOf(ResilienceException.class)
        .hasMessageContaining(
            "unknown key 'resilience4j.circuitbreaker.instances.payments.failureRateTreshold'")
        .hasMessageContaining("failureRateThreshold");
  }

  @Test
  void aBadValueIsRejectedNamingTheKeyAndTheExpectedForm() {
    assertThatThrownBy(() -> ResilienceConfig.fromYaml(
        "resilience4j.circuitbreaker.instances.payments.waitDurationInOpenState: soon\n"))
        .isInstanceOf(ResilienceException.class)
        .hasMessage("resilience4j.circuitbreaker.instances.payments.waitDurationInOpenState:"
            + " expected a duration such as 500ms, 10s, 2m or PT10S, got 'soon'");
    assertThatThrownBy(() -> ResilienceConfig.fromYaml(
        "resilience4j.retry.instances.payments.maxAttempts: three\n"))
        .hasMessageContaining("resilience4j.retry.instances.payments.maxAttempts: expected an integer");
    assertThatThrownBy(() -> ResilienceConfig.fromYaml(
        "resilience4j.circuitbreaker.instances.p.slidingWindowType: SIDEWAYS\n"))
        .hasMessageContaining("one of [TIME_BASED, COUNT_BASED]");
    assertThatThrownBy(() -> ResilienceConfig.fromYaml(
        "resilience4j.circuitbreaker.instances.p.recordExceptions: [com.example.Nope]\n"))
        .hasMessageContaining("class com.example.Nope was not found");
    assertThatThrownBy(() -> ResilienceConfig.fromYaml(
        "resilience4j.circuitbreaker.instances.p.automaticTransitionFromOpenToHalfOpenEnabled: "
            + "sometimes\n"))
        .isInstanceOf(ResilienceException.class)
        .hasMessageStartingWith(
            "resilience4j.circuitbreaker.instances.p.automaticTransitionFromOpenToHalfOpenEnabled: expected");
  }

  @Test
  void anOutOfRangeValueIsRejectedNamingTheInstance() {
    assertThatThrownBy(() -> ResilienceConfig.fromYaml(
        "resilience4j.circuitbreaker.instances.payments.failureRateThreshold: 150\n"))
        .isInstanceOf(ResilienceException.class)
        .hasMessageStartingWith("resilience4j.circuitbreaker.instances.payments.failureRateThreshold: "
            + "failureRateThreshold must be between 1 and 100");
    assertThatThrownBy(() -> ResilienceConfig.fromYaml("""
        resilience4j.circuitbreaker.instances.payments:
          enable-exponential-backoff: true
          enable-randomized-wait: true
          wait-duration-in-open-state: 1s
        """))
        .isInstanceOf(ResilienceException.class)
        .hasMessageStartingWith("resilience4j.circuitbreaker.instances.payments: you can not enable");
    assertThatThrownBy(() -> ResilienceConfig.fromYaml(
        "heal.resilience.retrybudget.instances.db.ratio: 2\n"))
        .hasMessageStartingWith("heal.resilience.retrybudget.instances.db: ratio must be");
  }

  @Test
  void unknownStructureAndBaseConfigAreRejected() {
    assertThatThrownBy(() -> ResilienceConfig.fromYaml("resilience4j.circuitbraker.instances.x.a: 1\n"))
        .hasMessageContaining("unknown key 'resilience4j.circuitbraker.instances.x.a'");
    assertThatThrownBy(() -> ResilienceConfig.fromYaml(
        "resilience4j.circuitbreaker.instances.x.baseConfig: nope\n"))
        .hasMessageContaining("no resilience4j.circuitbreaker.configs.nope is defined");
    assertThatThrownBy(() -> Resilience.builder()
        .config(ResilienceConfig.fromYaml("heal.resilience.dependencyScope.ghost: SHARED\n"))
        .build())
        .hasMessageContaining("'ghost', which is not a configured circuit breaker");
    assertThatThrownBy(() -> ResilienceConfig.fromYaml("heal.resilience.batchSuccesses.p: false\n"))
        .isInstanceOf(ResilienceException.class)
        .hasMessageContaining("unknown key 'heal.resilience.batchSuccesses.p'");
  }

  @Test
  void builderDefaultsDetectSlowCallsAndKeepTheAllocationFreeWindow() {
    Resilience r = Resilience.builder().circuitBreaker("a")
        .circuitBreaker("b", b -> b.slidingWindowSynchronizationStrategy(
            SlidingWindowSynchronizationStrategy.LOCK_FREE))
        .build();
    assertThat(r.circuitBreaker("b").orElseThrow().getCircuitBreakerConfig()
        .getSlidingWindowSynchronizationStrategy())
        .isEqualTo(SlidingWindowSynchronizationStrategy.LOCK_FREE);
    CircuitBreakerConfig c = r.circuitBreaker("a").orElseThrow().getCircuitBreakerConfig();
    assertThat(c.getSlidingWindowSynchronizationStrategy())
        .isEqualTo(SlidingWindowSynchronizationStrategy.SYNCHRONIZED);
    assertThat(c.getSlowCallDurationThreshold()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.getSlowCallRateThreshold()).isEqualTo(80f);
  }

  /**
   * Issue 13, problem 7: a resilience4j-spring-boot3 style application.yml, kebab-case, with the
   * Spring Boot-only settings and every section, loads with every value it sets.
   */
  @Test
  void loadsASpringBootStyleApplicationYmlInKebabCase() {
    ResilienceConfig c = ResilienceConfig.fromYaml("""
        server.port: 8080
        resilience4j:
          circuitbreaker:
            circuit-breaker-aspect-order: 1
            configs:
              default:
                sliding-window-size: 20
                register-health-indicator: true
                event-consumer-buffer-size: 10
            instances:
              payments-api:
                base-config: default
                failure-rate-threshold: 40
                wait-duration-in-open-state: 10s
                permitted-number-of-calls-in-half-open-state: 3
                allow-health-indicator-to-fail: false
          retry:
            retry-aspect-order: 2
            instances:
              payments-api: { max-attempts: 4, wait-duration: 200ms }
          bulkhead.instances.payments-api.max-concurrent-calls: 9
          thread-pool-bulkhead.instances.payments-api.max-thread-pool-size: 4
          ratelimiter.instances.payments-api: { limit-for-period: 7, limit-refresh-period: 1s }
          timelimiter.instances.payments-api.timeout-duration: 3s
        heal.resilience:
          dependency-scope.payments-api: INSTANCE
          retrybudget.instances.payments-api.min-retries-per-second: 4
        """);
    CircuitBreakerConfig cb = c.circuitBreaker("payments-api").orElseThrow();
    assertThat(cb.getSlidingWindowSize()).isEqualTo(20);
    assertThat(cb.getFailureRateThreshold()).isEqualTo(40f);
    assertThat(cb.getWaitIntervalFunctionInOpenState().apply(1)).isEqualTo(10_000L);
    assertThat(cb.getPermittedNumberOfCallsInHalfOpenState()).isEqualTo(3);
    assertThat(c.retry("payments-api").orElseThrow().getMaxAttempts()).isEqualTo(4);
    assertThat(c.retryBudget("payments-api").orElseThrow().minRetriesPerSecond()).isEqualTo(4);
    Resilience r = Resilience.builder().config(c).build();
    assertThat(r.bulkhead("payments-api").orElseThrow().getBulkheadConfig()
        .getMaxConcurrentCalls()).isEqualTo(9);
    assertThat(r.rateLimiter("payments-api").orElseThrow().getRateLimiterConfig()
        .getLimitForPeriod()).isEqualTo(7);
    assertThat(r.timeLimiter("payments-api").orElseThrow().getTimeLimiterConfig()
        .getTimeoutDuration()).isEqualTo(Duration.ofSeconds(3));
    assertThat(r.dependencyScope("payments-api")).isEqualTo(DependencyScope.INSTANCE);
  }

  @Test
  void anUnknownKeyNamesItsPathAndTheNearestKnownKey() {
    assertThatThrownBy(() -> ResilienceConfig.fromYaml(
        "resilience4j.circuitbreaker.instances.p.failure-rate-treshold: 40\n"))
        .isInstanceOf(ResilienceException.class)
        .hasMessageContaining("unknown key 'resilience4j.circuitbreaker.instances.p.failureRateTreshold'")
        .hasMessageContaining("did you mean 'failureRateThreshold'?");
  }
}
