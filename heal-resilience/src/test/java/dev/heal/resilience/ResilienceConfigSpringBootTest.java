package dev.heal.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.common.CompositeCustomizer;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.springboot3.bulkhead.autoconfigure.BulkheadProperties;
import io.github.resilience4j.springboot3.circuitbreaker.autoconfigure.CircuitBreakerProperties;
import io.github.resilience4j.springboot3.ratelimiter.autoconfigure.RateLimiterProperties;
import io.github.resilience4j.springboot3.retry.autoconfigure.RetryProperties;
import io.github.resilience4j.springboot3.timelimiter.autoconfigure.TimeLimiterProperties;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;

/**
 * Issue 13, item 7: a resilience4j-spring-boot3 {@code application.yml} (kebab-case, every
 * section, configs, instances, baseConfig, the Spring Boot-only keys) gives exactly the configs
 * resilience4j's own binding produces: Spring Boot's {@link Binder} into resilience4j-spring-boot3's
 * {@code *Properties} classes, then their {@code create*Config} methods in the order
 * resilience4j-spring6's registry configuration calls them. Configs are compared getter by getter;
 * predicates and interval functions by what they answer.
 */
class ResilienceConfigSpringBootTest {

  /** A record-failure predicate class, as the {@code recordFailurePredicate} key names one. */
  public static final class TimeoutsOnly implements Predicate<Throwable> {
    @Override
    public boolean test(Throwable t) {
      return t instanceof TimeoutException;
    }
  }

  /** A result predicate: a {@code "retry"} result is retried. */
  public static final class RetryResult implements Predicate<Object> {
    @Override
    public boolean test(Object o) {
      return "retry".equals(o);
    }
  }

  static final String APPLICATION_YML = """
      server:
        port: 8080
      spring.application.name: orders
      resilience4j:
        circuitbreaker:
          circuit-breaker-aspect-order: 1
          tags:
            team: payments
          configs:
            default:
              sliding-window-size: 20
              minimum-number-of-calls: 10
              register-health-indicator: true
              event-consumer-buffer-size: 10
              record-exceptions:
                - java.io.IOException
                - java.util.concurrent.TimeoutException
            strict:
              failure-rate-threshold: 10
              slow-call-rate-threshold: 50
              slow-call-duration-threshold: 250ms
              ignore-exceptions: java.lang.IllegalArgumentException, java.lang.IllegalStateException
          instances:
            payments-api:
              failure-rate-threshold: 40
              wait-duration-in-open-state: 10s
              enable-exponential-backoff: true
              exponential-backoff-multiplier: 3
              exponential-max-wait-duration-in-open-state: 2m
              permitted-number-of-calls-in-half-open-state: 3
              allow-health-indicator-to-fail: false
              sliding-window-type: time-based
              automatic-transition-from-open-to-half-open-enabled: true
            ledger:
              base-config: strict
              max-wait-duration-in-half-open-state: PT5S
              record-failure-predicate: dev.heal.resilience.ResilienceConfigSpringBootTest$TimeoutsOnly
              writable-stack-trace-enabled: false
            inventory:
              initial-state: FORCED_OPEN
        retry:
          retry-aspect-order: 2
          configs:
            default:
              max-attempts: 4
              wait-duration: 200ms
            backoff:
              enable-exponential-backoff: true
              exponential-backoff-multiplier: 2
              exponential-max-wait-duration: 5s
              wait-duration: 100
          instances:
            payments-api:
              base-config: backoff
              retry-exceptions: [java.io.IOException]
              ignore-exceptions: java.lang.IllegalArgumentException
              result-predicate: dev.heal.resilience.ResilienceConfigSpringBootTest$RetryResult
              fail-after-max-attempts: true
            ledger:
              max-attempts: 2
        bulkhead:
          bulkhead-aspect-order: 3
          configs:
            default: { max-concurrent-calls: 9, max-wait-duration: 20ms }
          instances:
            payments-api: { max-wait-duration: 0 }
            ledger: { max-concurrent-calls: 2, writable-stack-trace-enabled: false }
        thread-pool-bulkhead:
          instances:
            payments-api: { max-thread-pool-size: 4, core-thread-pool-size: 2, queue-capacity: 10 }
        ratelimiter:
          rate-limiter-aspect-order: 4
          configs:
            default: { limit-for-period: 7, limit-refresh-period: 1s, timeout-duration: 0 }
          instances:
            payments-api: { limit-for-period: 50, subscribe-for-events: true }
            ledger: { timeout-duration: 25ms }
        timelimiter:
          time-limiter-aspect-order: 5
          configs:
            default: { timeout-duration: 3s }
          instances:
            payments-api: { cancel-running-future: false }
            ledger: { timeout-duration: 500ms }
      """;

  @Test
  void aSpringBootApplicationYmlGivesExactlyTheConfigsResilience4jsOwnBindingProduces() throws IOException {
    Binder binder = springBinder(APPLICATION_YML);
    ResilienceConfig heal = ResilienceConfig.fromYaml(APPLICATION_YML);
    int compared = 0;

    CircuitBreakerProperties cb = binder.bind("resilience4j.circuitbreaker", CircuitBreakerProperties.class).get();
    var cbNone = new CompositeCustomizer<io.github.resilience4j.common.circuitbreaker.configuration
        .CircuitBreakerConfigCustomizer>(List.of());
    cb.getConfigs().forEach((n, p) -> cb.createCircuitBreakerConfig(n, p, cbNone));
    for (String name : cb.getInstances().keySet()) {
      compared += same("circuitbreaker " + name,
          cb.createCircuitBreakerConfig(name, cb.getInstances().get(name), cbNone),
          heal.circuitBreaker(name).orElseThrow());
    }
    assertThat(heal.circuitBreakerNames()).containsExactlyInAnyOrder("payments-api", "ledger", "inventory");

    RetryProperties retry = binder.bind("resilience4j.retry", RetryProperties.class).get();
    var retryNone = new CompositeCustomizer<io.github.resilience4j.common.retry.configuration
        .RetryConfigCustomizer>(List.of());
    retry.getConfigs().forEach((n, p) -> retry.createRetryConfig(p, retryNone, n));
    for (String name : retry.getInstances().keySet()) {
      compared += same("retry " + name, retry.createRetryConfig(name, retryNone),
          heal.retry(name).orElseThrow());
    }

    BulkheadProperties bulkhead = binder.bind("resilience4j.bulkhead", BulkheadProperties.class).get();
    var bulkheadNone = new CompositeCustomizer<io.github.resilience4j.common.bulkhead.configuration
        .BulkheadConfigCustomizer>(List.of());
    for (String name : bulkhead.getInstances().keySet()) {
      compared += same("bulkhead " + name,
          bulkhead.createBulkheadConfig(bulkhead.getInstances().get(name), bulkheadNone, name),
          heal.bulkhead(name).orElseThrow());
    }

    RateLimiterProperties rate = binder.bind("resilience4j.ratelimiter", RateLimiterProperties.class).get();
    var rateNone = new CompositeCustomizer<io.github.resilience4j.common.ratelimiter.configuration
        .RateLimiterConfigCustomizer>(List.of());
    for (String name : rate.getInstances().keySet()) {
      compared += same("ratelimiter " + name,
          rate.createRateLimiterConfig(rate.getInstances().get(name), rateNone, name),
          heal.rateLimiter(name).orElseThrow());
    }

    TimeLimiterProperties time = binder.bind("resilience4j.timelimiter", TimeLimiterProperties.class).get();
    var timeNone = new CompositeCustomizer<io.github.resilience4j.common.timelimiter.configuration
        .TimeLimiterConfigCustomizer>(List.of());
    for (String name : time.getInstances().keySet()) {
      compared += same("timelimiter " + name,
          time.createTimeLimiterConfig(name, time.getInstances().get(name), timeNone),
          heal.timeLimiter(name).orElseThrow());
    }
    assertThat(compared).as("settings compared").isGreaterThan(90);

    // a few values spelled out, so a binding that dropped them on both sides would still fail
    var payments = heal.circuitBreaker("payments-api").orElseThrow();
    assertThat(payments.getSlidingWindowSize()).isEqualTo(20);
    assertThat(payments.getFailureRateThreshold()).isEqualTo(40f);
    assertThat(payments.getWaitIntervalFunctionInOpenState().apply(2)).isEqualTo(30_000L);
    var ledger = heal.circuitBreaker("ledger").orElseThrow();
    assertThat(ledger.getSlowCallDurationThreshold().toMillis()).isEqualTo(250);
    assertThat(ledger.getRecordExceptionPredicate().test(new TimeoutException())).isTrue();
    assertThat(ledger.getRecordExceptionPredicate().test(new IOException())).isFalse();
    assertThat(heal.retry("payments-api").orElseThrow().getIntervalBiFunction().apply(2, null)).isEqualTo(200L);
    assertThat(heal.retry("ledger").orElseThrow().getMaxAttempts()).isEqualTo(2);
    assertThat(heal.bulkhead("ledger").orElseThrow().getMaxWaitDuration().toMillis()).isEqualTo(20);
  }

  @Test
  void thePropertiesFormGivesTheSameConfigsAsTheYaml() throws IOException {
    Properties p = new Properties();
    for (PropertySource<?> s : new YamlPropertySourceLoader()
        .load("application.yml", new ByteArrayResource(APPLICATION_YML.getBytes(StandardCharsets.UTF_8)))) {
      var map = (Map<?, ?>) s.getSource();
      map.forEach((k, v) -> p.setProperty(k.toString(), v.toString()));
    }
    assertThat(p).containsKey("resilience4j.circuitbreaker.configs.default.record-exceptions[1]");
    ResilienceConfig fromYaml = ResilienceConfig.fromYaml(APPLICATION_YML);
    ResilienceConfig fromProperties = ResilienceConfig.fromProperties(p);
    for (String name : List.of("payments-api", "ledger", "inventory")) {
      same("circuitbreaker " + name, fromYaml.circuitBreaker(name).orElseThrow(),
          fromProperties.circuitBreaker(name).orElseThrow());
    }
    same("retry", fromYaml.retry("payments-api").orElseThrow(), fromProperties.retry("payments-api").orElseThrow());
  }

  private static Binder springBinder(String yaml) throws IOException {
    List<PropertySource<?>> sources = new YamlPropertySourceLoader()
        .load("application.yml", new ByteArrayResource(yaml.getBytes(StandardCharsets.UTF_8)));
    return new Binder(ConfigurationPropertySources.from(sources));
  }

  private static final List<Throwable> THROWABLES = List.of(new IOException(), new TimeoutException(),
      new IllegalArgumentException(), new IllegalStateException(), new RuntimeException(), new Exception());
  private static final List<Object> RESULTS = List.of("retry", "ok", 1);

  /**
   * Asserts two resilience4j configs answer every getter the same; returns how many getters were
   * compared.
   */
  static int same(String what, Object expected, Object actual) {
    assertThat(actual.getClass()).as(what).isEqualTo(expected.getClass());
    int n = 0;
    List<String> skipped = new ArrayList<>();
    for (Method m : sorted(expected.getClass().getMethods())) {
      if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers())
          || m.getDeclaringClass() == Object.class || m.getName().equals("toString")) {
        continue;
      }
      Object e = invoke(m, expected);
      Object a = invoke(m, actual);
      String as = what + " " + m.getName();
      if (e == a || e instanceof Clock) {
        n++;
      } else if (e instanceof IntervalFunction f) {
        for (int i = 1; i <= 5; i++) {
          assertThat(((IntervalFunction) a).apply(i)).as(as + "(" + i + ")").isEqualTo(f.apply(i));
        }
        n++;
      } else if (e instanceof IntervalBiFunction<?> f) {
        for (int i = 1; i <= 5; i++) {
          assertThat(((IntervalBiFunction<?>) a).apply(i, null)).as(as + "(" + i + ")").isEqualTo(f.apply(i, null));
        }
        n++;
      } else if (e instanceof Predicate<?> && m.getName().toLowerCase().contains("result")) {
        for (Object r : RESULTS) {
          assertThat(((Predicate<Object>) a).test(r)).as(as + "(" + r + ")").isEqualTo(((Predicate<Object>) e).test(r));
        }
        n++;
      } else if (e instanceof Predicate<?>) {
        for (Throwable t : THROWABLES) {
          assertThat(((Predicate<Throwable>) a).test(t)).as(as + "(" + t + ")")
              .isEqualTo(((Predicate<Throwable>) e).test(t));
        }
        n++;
      } else if (e instanceof Function<?, ?> || e instanceof java.util.function.BiConsumer<?, ?>) {
        skipped.add(m.getName()); // not settable from a file: both sides hold resilience4j's default
        assertThat(a.getClass()).as(as).isEqualTo(e.getClass());
      } else if (e != null && e.getClass().isArray()) {
        assertThat(Arrays.deepEquals(new Object[] {e}, new Object[] {a})).as(as).isTrue();
        n++;
      } else {
        assertThat(a).as(as).isEqualTo(e);
        n++;
      }
    }
    return n;
  }

  private static Method[] sorted(Method[] methods) {
    Map<String, Method> byName = new LinkedHashMap<>();
    for (String name : new TreeSet<>(Arrays.stream(methods).map(Method::getName).toList())) {
      for (Method m : methods) {
        if (m.getName().equals(name) && m.getParameterCount() == 0) {
          byName.put(name, m);
        }
      }
    }
    return byName.values().toArray(new Method[0]);
  }

  private static Object invoke(Method m, Object target) {
    try {
      m.setAccessible(true);
      return m.invoke(target);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(m + ": " + e, e);
    }
  }
}
