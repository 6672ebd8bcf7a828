package dev.heal.resilience.internal;

import dev.heal.core.healer.Signal;
import dev.heal.core.time.HealClock;
import dev.heal.resilience.ResilienceSignals;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports the state changes of one circuit breaker that its front ({@link HealCircuitBreaker})
 * notices by comparing resilience4j's period (state and metrics identity) after every call,
 * explicit transition and poll, not through resilience4j's event publisher: a subscriber there
 * would make resilience4j build an event object on every recorded call. Each change becomes a
 * {@link Signal}, an OpenTelemetry span event, a log line and a call of the listeners. What this
 * misses is said on {@link HealCircuitBreaker}: a transition resilience4j makes on its own is
 * reported at the next call or poll, and with more than two concurrent callers repeated cycles
 * completed between two checks collapse into the shortest path.
 *
 * <p>Thread-safe, and no lock is held while signals and listeners run. The front queues a change
 * on the thread that noticed it; the observer delivers the queue on one
 * thread at a time, in the order the events were published, without ever waiting: a thread that
 * finds another one delivering leaves its transition to that thread. So a listener that blocks on
 * another thread which itself changes the breaker's state cannot deadlock, and a listener that
 * changes the state itself is not re-entered.
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
  private final Queue<State[]> published = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean delivering = new AtomicBoolean();
  private final LongAdder delivered = new LongAdder();

  public CircuitBreakerObserver(HealCircuitBreaker cb, SafeSink sink, HealClock clock) {
    this.cb = cb;
    this.sink = sink;
    this.clock = clock;
    cb.watch(new HealCircuitBreaker.Watcher() {
      @Override
      public void queue(State from, State to) {
        published.add(new State[] {from, to});
      }

      @Override
      public void deliver() {
        CircuitBreakerObserver.this.deliver();
      }
    });
  }

  public HealCircuitBreaker circuitBreaker() {
    return cb;
  }

  /** Adds a listener called with (from, to) on every transition, outside any heal lock. */
  public void addListener(BiConsumer<State, State> listener) {
    listeners.add(listener);
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

  /** Transitions delivered so far, cumulative. */
  public long transitions() {
    return delivered.sum();
  }

  /** Delivers what is queued unless another thread is delivering (it then delivers ours too). */
  private void deliver() {
    while (!published.isEmpty() && delivering.compareAndSet(false, true)) {
      try {
        for (State[] t; (t = published.poll()) != null; ) {
          report(t[0], t[1]);
        }
      } finally {
        delivering.set(false);
      }
    }
  }

  private void report(State from, State to) {
    delivered.increment();
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
