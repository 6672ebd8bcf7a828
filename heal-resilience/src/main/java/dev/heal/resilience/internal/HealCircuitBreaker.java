package dev.heal.resilience.internal;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * heal's front for a resilience4j {@link CircuitBreaker}: every call goes straight to
 * resilience4j's state machine, at the moment it is made, and the front counts each outcome on the
 * way for heal's meters (calls that returned, calls that threw, calls refused a permission), as
 * cumulative counters that never reset with the breaker's periods.
 *
 * <p>Earlier versions batched fast successes off resilience4j's window lock. That was faster under
 * contention, but not exact: a failure could be judged on a window missing successes that had
 * finished before it, successes completing after the breaker opened were dropped, and batches
 * handed over under heal's lock could run resilience4j's transition (and its event consumers) while
 * heal held that lock. The default front ({@link #wrap}) is a pure delegate; docs/resilience.md and
 * docs/benchmarks.md (run 7) give the measured cost. Batching is back as an opt-in ({@link
 * #wrapBatching}, protocol and relaxation on {@link Batching}) that holds no heal lock around
 * resilience4j and is exact in sequential schedules, but not linearizable.
 *
 * <p>What the front relies on from resilience4j is only its public {@link CircuitBreaker}
 * interface. {@code ResilienceContractTest} pins the resilience4j behaviour heal's meters and
 * observer rely on (per-period not-permitted counts, OPEN keeping the CLOSED window, transition
 * events on the transitioning thread) so an upgrade that changes it fails the build.
 *
 * <p><b>Transitions without events.</b> Subscribing anything to resilience4j's event publisher
 * makes resilience4j build an event object on every recorded call (about 144 B, docs/benchmarks.md
 * run 7). So the front does not subscribe. It uses a state epoch resilience4j keeps without
 * exposing it: every CLOSED, HALF_OPEN, DISABLED, FORCED_OPEN and METRICS_ONLY period gets a fresh
 * {@link Metrics} object and OPEN keeps the one of the period it was entered from, so (state,
 * metrics identity) changes on every period change ({@code ResilienceContractTest} pins it). After
 * every permission request, recorded outcome, explicit transition and {@link #getState()} it
 * compares that pair (two volatile reads) with the last one it reported and hands the watcher
 * every state entered in between, reconstructed by {@link #path} as the shortest sequence of
 * resilience4j's own transitions between the two periods. One operation makes at most one
 * transition and every operation checks after it, so between two checks at most one transition
 * per caller can be pending: with up to two callers no transition is missed; with more, repeated
 * cycles completed between two checks collapse into the shortest path (docs/resilience.md). A
 * transition resilience4j makes on its own (the timed OPEN → HALF_OPEN of {@code
 * automaticTransitionFromOpenToHalfOpenEnabled}, or a call made on {@link #delegate()} directly) is
 * reported at the next call through the front or the next poll. States, permissions, events and
 * metrics are untouched by this: they are resilience4j's.
 *
 * <p>Thread-safe: as thread-safe as resilience4j's state machine, which every call reaches
 * unchanged. heal takes no lock on the hot path; a noticed state change is queued under a short
 * lock of the front's own (no user code runs under it) and delivered after it is released. The
 * counters are {@link LongAdder}s incremented after resilience4j returns, so a count read while
 * calls are in flight may not include those calls yet; once they have returned, it does.
 */
public final class HealCircuitBreaker implements CircuitBreaker {
  private final CircuitBreaker delegate;
  private final LongAdder successes = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final LongAdder rejections = new LongAdder();

  private final Object noticing = new Object();
  /** The last period reported to the watcher; written under {@link #noticing}. */
  private volatile Seen seen;
  private volatile Watcher watcher;
  /** Explicit transitions through the front still running (their thread reports them). */
  private final AtomicInteger explicitRunning = new AtomicInteger();

  /**
   * One period of resilience4j's state machine as the front saw it: the state and the identity
   * of the {@link Metrics} object resilience4j gave that period. Together they change on every
   * period change (see the class comment), which the enum alone does not. A plain class, not a
   * record: Lincheck's model checker cannot instrument record fields.
   */
  static final class Seen {
    private final State state;
    private final Metrics metrics;

    Seen(State state, Metrics metrics) {
      this.state = state;
      this.metrics = metrics;
    }

    State state() {
      return state;
    }

    Metrics metrics() {
      return metrics;
    }

    @Override
    public String toString() {
      return state + "@" + Integer.toHexString(System.identityHashCode(metrics));
    }
  }

  /**
   * Receives the state changes the front notices. {@link #queue} is called under the front's
   * short lock, in the order the states were entered, and must only queue; {@link #deliver} is
   * called right after, outside that lock, and may run user code.
   */
  public interface Watcher {
    /** Queues the change from {@code from} to {@code to}; must not block or run user code. */
    void queue(State from, State to);

    /** Delivers what is queued. */
    void deliver();
  }

  /** The opt-in success batching, or null for the exact pass-through front. */
  private final Batching batching;

  private HealCircuitBreaker(CircuitBreaker delegate, boolean batch) {
    this.delegate = delegate;
    this.seen = snapshot(delegate);
    this.batching = batch ? new Batching(this, delegate) : null;
  }

  /** Sets the one watcher told about state changes (replacing any earlier one). */
  public void watch(Watcher w) {
    synchronized (noticing) {
      this.seen = snapshot(delegate);
      this.watcher = Objects.requireNonNull(w, "watcher");
    }
  }

  /**
   * A consistent (state, metrics) pair: the metrics read before and after the state are the same
   * object, so the state read belongs to a period holding that object (the periods holding one
   * metrics object are consecutive, see the class comment). Retries only while transitions happen.
   */
  static Seen snapshot(CircuitBreaker cb) {
    while (true) {
      Metrics m = cb.getMetrics();
      State s = cb.getState();
      if (cb.getMetrics() == m) {
        return new Seen(s, m);
      }
    }
  }

  /**
   * Compares resilience4j's period (state, then metrics identity) with the last one reported:
   * the hot path's only extra reads.
   */
  private void check() {
    Watcher w = watcher;
    if (w != null) {
      Seen was = seen;
      if (delegate.getState() != was.state() || delegate.getMetrics() != was.metrics()) {
        notice(w, null, false);
      }
    }
  }

  /**
   * Reports every period entered since the last report. {@code explicit} is the target of an
   * explicit transition this thread has just made through the front, or null if there is none or
   * it threw ({@code explicitThread} is then still true for that thread). While an explicit
   * transition is running on another thread, a thread without one leaves the report to it (it
   * cannot tell an explicit CLOSED → CLOSED from a CLOSED → OPEN → HALF_OPEN → CLOSED flap).
   */
  private void notice(Watcher w, State explicit, boolean explicitThread) {
    synchronized (noticing) {
      if (!explicitThread && explicitRunning.get() > 0) {
        return;
      }
      Seen now = snapshot(delegate);
      Seen was = seen;
      if (now.state() == was.state() && now.metrics() == was.metrics()) {
        return;
      }
      seen = now;
      State from = was.state();
      for (State to : path(was, now, explicit)) {
        w.queue(from, to);
        from = to;
      }
    }
    w.deliver();
  }

  /**
   * The states entered between two periods seen, in order: the shortest sequence of
   * resilience4j's own transitions leading from {@code was} to {@code now}, given that CLOSED and
   * HALF_OPEN periods get fresh metrics and OPEN keeps the metrics of the period it was entered
   * from. With {@code explicit}, the explicit transition to that state first, then the shortest
   * sequence of resilience4j's transitions from it to {@code now}. A pair no sequence of
   * resilience4j's own transitions explains (a transition made on the delegate directly) is
   * reported as the one change from {@code was} to {@code now}.
   */
  static List<State> path(Seen was, Seen now, State explicit) {
    if (explicit != null) {
      List<State> out = new ArrayList<>(3);
      if (explicit != was.state()) {
        out.add(explicit);
      }
      if (now.state() != explicit) {
        out.addAll(automatic(explicit, now.state()));
      }
      return out;
    }
    boolean fresh = now.metrics() != was.metrics();
    State to = now.state();
    List<State> auto = switch (was.state()) {
      case CLOSED -> !fresh
          ? (to == State.OPEN ? List.of(State.OPEN) : null)
          : switch (to) {
            case HALF_OPEN -> List.of(State.OPEN, State.HALF_OPEN);
            case OPEN -> List.of(State.OPEN, State.HALF_OPEN, State.OPEN);
            case CLOSED -> List.of(State.OPEN, State.HALF_OPEN, State.CLOSED);
            default -> null;
          };
      case OPEN -> !fresh ? null : switch (to) {
        case HALF_OPEN -> List.of(State.HALF_OPEN);
        case OPEN -> List.of(State.HALF_OPEN, State.OPEN);
        case CLOSED -> List.of(State.HALF_OPEN, State.CLOSED);
        default -> null;
      };
      case HALF_OPEN -> !fresh
          ? (to == State.OPEN ? List.of(State.OPEN) : null)
          : switch (to) {
            case CLOSED -> List.of(State.CLOSED);
            case OPEN -> List.of(State.CLOSED, State.OPEN);
            case HALF_OPEN -> List.of(State.OPEN, State.HALF_OPEN);
            default -> null;
          };
      default -> null;
    };
    if (auto != null) {
      return auto;
    }
    return to == was.state() ? List.of() : List.of(to);
  }

  /** The shortest sequence of resilience4j's own transitions from {@code from} to {@code to}. */
  private static List<State> automatic(State from, State to) {
    return switch (from) {
      case CLOSED -> switch (to) {
        case OPEN -> List.of(State.OPEN);
        case HALF_OPEN -> List.of(State.OPEN, State.HALF_OPEN);
        default -> List.of(to);
      };
      case OPEN -> switch (to) {
        case HALF_OPEN -> List.of(State.HALF_OPEN);
        case CLOSED -> List.of(State.HALF_OPEN, State.CLOSED);
        default -> List.of(to);
      };
      default -> List.of(to); // HALF_OPEN reaches OPEN and CLOSED in one step
    };
  }

  /** Runs an explicit transition to {@code target} and reports it as one. */
  private void explicitly(State target, Runnable transition) {
    Batching b = batching;
    if (b != null) {
      b.drain(); // pending successes belong to the period before the transition
    }
    check(); // what happened before belongs to resilience4j's own transitions
    explicitRunning.incrementAndGet();
    boolean made = false;
    try {
      transition.run();
      made = true;
    } finally {
      Watcher w = watcher;
      try {
        if (w != null) {
          notice(w, made ? target : null, true);
        }
      } finally {
        explicitRunning.decrementAndGet();
      }
      check(); // what another thread deferred while this one ran
    }
  }

  /** Fronts {@code delegate}, a resilience4j state machine nobody else records outcomes into. */
  public static HealCircuitBreaker wrap(CircuitBreaker delegate) {
    return new HealCircuitBreaker(Objects.requireNonNull(delegate, "delegate"), false);
  }

  /**
   * Fronts {@code delegate} with the opt-in success batching of {@link Batching} (not
   * linearizable; what it gives up is said there and in docs/resilience.md). A breaker whose
   * window is TIME_BASED is fronted exactly as {@link #wrap} does: batching needs a count window.
   *
   * @throws IllegalArgumentException if the breaker has a custom {@code transitionOnResult}
   *     (batched successes would skip it)
   */
  public static HealCircuitBreaker wrapBatching(CircuitBreaker delegate) {
    Objects.requireNonNull(delegate, "delegate");
    if (delegate.getCircuitBreakerConfig().getTransitionOnResult()
        != CircuitBreakerConfig.ofDefaults().getTransitionOnResult()) {
      throw new IllegalArgumentException("circuit breaker '" + delegate.getName()
          + "': batch-successes cannot be combined with a custom transitionOnResult (batched"
          + " successes would skip it); remove one of them");
    }
    return new HealCircuitBreaker(delegate, true);
  }

  /** Whether this front batches fast successes ({@link #wrapBatching}). */
  public boolean batching() {
    return batching != null && batching.on;
  }

  /**
   * Sends the calling thread back to stripe 0 of every batching front (where every thread
   * starts), for heal-benchmarks' stripe-collision row. Not API.
   */
  public static void startOnStripeZero() {
    Batching.startOnStripeZero();
  }

  /** The batching, for tests; null when off. */
  Batching batcher() {
    return batching;
  }

  /** resilience4j's state machine behind this front. */
  public CircuitBreaker delegate() {
    return delegate;
  }

  /** Calls that returned (recorded through {@code onResult} or {@code onSuccess}), cumulative. */
  public long successes() {
    return successes.sum();
  }

  /** Calls that threw (recorded through {@code onError}, ignored exceptions included), cumulative. */
  public long failures() {
    return failures.sum();
  }

  /** Calls refused a permission, cumulative (resilience4j's own count restarts every period). */
  public long rejections() {
    return rejections.sum();
  }

  // ------------------------------------------------------------------ recording

  @Override
  public void onSuccess(long duration, TimeUnit durationUnit) {
    Batching b = batching;
    if (b == null || !b.success(durationUnit.toNanos(duration))) {
      delegate.onSuccess(duration, durationUnit);
    }
    successes.increment();
    check();
  }

  @Override
  public void onResult(long duration, TimeUnit durationUnit, Object result) {
    Batching b = batching;
    if (b == null) {
      delegate.onResult(duration, durationUnit, result);
    } else if (b.recordsAsFailure(result)) {
      b.beforeDirectRecord();
      delegate.onResult(duration, durationUnit, result);
    } else if (!b.success(durationUnit.toNanos(duration))) {
      delegate.onResult(duration, durationUnit, result);
    }
    successes.increment();
    check();
  }

  @Override
  public void onError(long duration, TimeUnit durationUnit, Throwable throwable) {
    Batching b = batching;
    if (b != null) {
      b.beforeDirectRecord();
    }
    delegate.onError(duration, durationUnit, throwable);
    failures.increment();
    check();
  }

  @Override
  public boolean tryAcquirePermission() {
    boolean permitted = delegate.tryAcquirePermission();
    if (!permitted) {
      rejections.increment();
    }
    check();
    return permitted;
  }

  @Override
  public void acquirePermission() {
    try {
      delegate.acquirePermission();
    } catch (CallNotPermittedException e) {
      rejections.increment();
      throw e;
    } finally {
      check();
    }
  }

  // ------------------------------------------------------------------ everything else: resilience4j's

  @Override
  public void releasePermission() {
    delegate.releasePermission();
  }

  @Override
  public Metrics getMetrics() {
    Batching b = batching;
    if (b != null) {
      b.drain();
    }
    return delegate.getMetrics();
  }

  @Override
  public void reset() {
    explicitly(State.CLOSED, delegate::reset);
  }

  @Override
  public void transitionToClosedState() {
    explicitly(State.CLOSED, delegate::transitionToClosedState);
  }

  @Override
  public void transitionToOpenState() {
    explicitly(State.OPEN, delegate::transitionToOpenState);
  }

  @Override
  public void transitionToOpenStateFor(Duration waitDuration) {
    explicitly(State.OPEN, () -> delegate.transitionToOpenStateFor(waitDuration));
  }

  @Override
  public void transitionToOpenStateUntil(Instant waitUntil) {
    explicitly(State.OPEN, () -> delegate.transitionToOpenStateUntil(waitUntil));
  }

  @Override
  public void transitionToHalfOpenState() {
    explicitly(State.HALF_OPEN, delegate::transitionToHalfOpenState);
  }

  @Override
  public void transitionToDisabledState() {
    explicitly(State.DISABLED, delegate::transitionToDisabledState);
  }

  @Override
  public void transitionToMetricsOnlyState() {
    explicitly(State.METRICS_ONLY, delegate::transitionToMetricsOnlyState);
  }

  @Override
  public void transitionToForcedOpenState() {
    explicitly(State.FORCED_OPEN, delegate::transitionToForcedOpenState);
  }

  @Override
  public String getName() {
    return delegate.getName();
  }

  @Override
  public State getState() {
    State state = delegate.getState();
    Watcher w = watcher;
    if (w != null) {
      Seen was = seen;
      if (state != was.state() || delegate.getMetrics() != was.metrics()) {
        notice(w, null, false);
      }
    }
    return state;
  }

  @Override
  public CircuitBreakerConfig getCircuitBreakerConfig() {
    return delegate.getCircuitBreakerConfig();
  }

  @Override
  public Map<String, String> getTags() {
    return delegate.getTags();
  }

  @Override
  public EventPublisher getEventPublisher() {
    Batching b = batching;
    if (b != null) {
      b.stop(); // a subscriber sees resilience4j's events in call order, so nothing is batched
    }
    return delegate.getEventPublisher();
  }

  @Override
  public long getCurrentTimestamp() {
    return delegate.getCurrentTimestamp();
  }

  @Override
  public TimeUnit getTimestampUnit() {
    return delegate.getTimestampUnit();
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
