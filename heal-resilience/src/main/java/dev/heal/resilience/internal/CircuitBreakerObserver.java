package dev.heal.resilience.internal;

import dev.heal.core.healer.Signal;
import dev.heal.core.time.HealClock;
import dev.heal.resilience.ResilienceSignals;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one resilience4j circuit breaker without subscribing to its event publisher: a
 * subscriber there makes resilience4j allocate an event object (with a {@code ZonedDateTime}) on
 * every call. Instead heal compares the breaker's state after each call it protects (one volatile
 * read) and on every health check run, and turns a change into a transition: a {@link Signal}, an
 * OpenTelemetry span event, a log line and the listeners.
 *
 * <p>Thread-safe. Transitions are reported in order, once each.
 */
public final class CircuitBreakerObserver {
  private static final Logger log = LoggerFactory.getLogger(CircuitBreakerObserver.class);
  static final AttributeKey<String> NAME = AttributeKey.stringKey("heal.circuitbreaker.name");
  static final AttributeKey<String> FROM = AttributeKey.stringKey("heal.circuitbreaker.from");
  static final AttributeKey<String> TO = AttributeKey.stringKey("heal.circuitbreaker.to");

  private final HealCircuitBreaker cb;
  private final SafeSink sink;
  private final HealClock clock;
  private final CopyOnWriteArrayList<BiConsumer<State, State>> listeners = new CopyOnWriteArrayList<>();
  private volatile State lastSeen;

  public CircuitBreakerObserver(HealCircuitBreaker cb, SafeSink sink, HealClock clock) {
    this.cb = cb;
    this.sink = sink;
    this.clock = clock;
    this.lastSeen = cb.getState();
  }

  public HealCircuitBreaker circuitBreaker() {
    return cb;
  }

  /** Adds a listener called with (from, to) on every transition, on the observing thread. */
  public void addListener(BiConsumer<State, State> listener) {
    listeners.add(listener);
  }

  /** Checks the state; call after a protected call. Cheap when nothing changed. */
  public void check() {
    State now = cb.getState();
    if (now != lastSeen) {
      transition();
    }
  }

  public long successes() {
    return cb.successes();
  }

  public long failures() {
    return cb.failures();
  }

  public long rejections() {
    return cb.rejections();
  }

  private synchronized void transition() {
    State from = lastSeen;
    State to = cb.getState();
    if (to == from) {
      return;
    }
    lastSeen = to;
    boolean firing = to == State.OPEN || to == State.FORCED_OPEN || to == State.HALF_OPEN;
    String name = cb.getName();
    String message = "circuit breaker '" + name + "' changed from " + from + " to " + to;
    if (to == State.OPEN || to == State.FORCED_OPEN) {
      log.warn("heal: {} (failure rate {} %, slow call rate {} %)", message,
          cb.getMetrics().getFailureRate(), cb.getMetrics().getSlowCallRate());
    } else {
      log.info("heal: {}", message);
    }
    sink.accept(new Signal(ResilienceSignals.CIRCUIT_BREAKER, name, firing,
        Map.of(ResilienceSignals.STATE, to.name(), ResilienceSignals.FROM, from.name()),
        message, clock.now(), clock.nanoTime()));
    try {
      Span.current().addEvent("heal.circuitbreaker.state_transition",
          Attributes.of(NAME, name, FROM, from.name(), TO, to.name()));
    } catch (RuntimeException e) {
      log.debug("heal: could not add span event", e);
    }
    for (BiConsumer<State, State> l : listeners) {
      try {
        l.accept(from, to);
      } catch (RuntimeException e) {
        log.warn("heal: a circuit breaker transition listener threw", e);
      }
    }
  }
}
