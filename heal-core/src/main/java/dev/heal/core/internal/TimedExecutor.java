package dev.heal.core.internal;

import dev.heal.core.time.HealClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * heal's one timed-execution helper, shared by health checks and recovery actions: runs user code
 * on a bounded pool of daemon threads with a timeout that counts from when the body <em>starts</em>
 * (time spent waiting in the queue does not count), interrupts the body on timeout, on
 * {@link Call#interrupt()} and on {@link #close()}, and keeps queued work flowing when a body
 * ignores interrupts: if a body has still not returned {@code abandonAfter} after it was
 * interrupted, its thread counts as <em>abandoned</em> and the pool grows by one replacement
 * thread (at most {@code maxAbandoned} replacements at a time); when the abandoned body finally
 * returns, the pool shrinks back. Not API.
 *
 * <p>Every submitted task ends in exactly one of three ways: {@link Task#starting} returned false
 * (nothing else is called), {@link Task#finished} (the body ran), or {@link Task#rejected} (the
 * call never ran its body: the executor was closed, the underlying executor refused it, or it was
 * interrupted before its body started). After {@link #close()} returns no body starts.
 *
 * <p>Timers (the timeout and the abandon delay) run on the injected {@link HealClock}, so with a
 * {@link dev.heal.core.time.ManualClock} they fire only when the test advances time. Durations are
 * {@link Duration}s; counts are plain numbers of threads or calls.
 *
 * <p>Threads: {@link Task#starting}, {@link Task#run} and normally {@link Task#finished} run on the
 * pool thread; {@link Task#timedOut} runs on the clock's thread, and if the body returns while
 * {@code timedOut} is still running, {@code finished} runs right after it on that thread (so
 * {@code timedOut} always happens before {@code finished}). {@link Task#rejected} runs on the
 * thread that submitted, interrupted or closed. No callback runs under a lock of this class.
 *
 * <p>Thread-safe.
 */
public final class TimedExecutor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TimedExecutor.class);

  private final String name;
  private final HealClock clock;
  private final Executor executor;
  /** The pool this executor owns and resizes; null when running on a caller's executor. */
  private final ThreadPoolExecutor pool;
  private final int threads;
  private final int maxAbandoned;
  private final Duration abandonAfter;

  private final Object lock = new Object();
  // Guarded by lock.
  private final Set<CallImpl<?>> queued = new LinkedHashSet<>();
  private final Set<CallImpl<?>> running = new LinkedHashSet<>();
  private int abandoned;
  private int replacementsInPool;
  private long replaced;
  private boolean closed;

  /**
   * A pool of {@code threads} daemon threads named {@code threadName-1}, {@code threadName-2}, ...
   *
   * @param threadName prefix of the pool's thread names
   * @param threads threads in the pool when nothing is abandoned, at least 1
   * @param maxAbandoned most replacement threads added at a time for abandoned ones, at least 0
   * @param abandonAfter how long an interrupted body may take to return before its thread counts
   *     as abandoned, not negative
   * @param clock the clock for timeouts, the abandon delay and measured durations
   * @throws IllegalArgumentException naming the parameter that is out of range
   */
  public TimedExecutor(
      String threadName, int threads, int maxAbandoned, Duration abandonAfter, HealClock clock) {
    Objects.requireNonNull(threadName, "threadName");
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1: " + threads);
    }
    this.name = threadName;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.threads = threads;
    this.maxAbandoned = checkMaxAbandoned(maxAbandoned);
    this.abandonAfter = checkAbandonAfter(abandonAfter);
    this.pool =
        new ThreadPoolExecutor(
            threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
            DaemonThreads.named(threadName));
    this.executor = pool;
  }

  /**
   * Runs calls on a caller's {@code executor} (for example {@link
   * dev.heal.core.time.InlineExecutorService} in virtual-time tests, or an application's pool).
   * Timeouts, interrupts, {@link #close()} and abandon counting work as with the own pool, but the
   * executor is not resized (no replacement threads: {@link #replacedThreads()} stays 0) and not
   * shut down by {@link #close()}.
   */
  public TimedExecutor(String name, Executor executor, Duration abandonAfter, HealClock clock) {
    this.name = Objects.requireNonNull(name, "name");
    this.executor = Objects.requireNonNull(executor, "executor");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.abandonAfter = checkAbandonAfter(abandonAfter);
    this.pool = null;
    this.threads = 0;
    this.maxAbandoned = 0;
  }

  private static int checkMaxAbandoned(int maxAbandoned) {
    if (maxAbandoned < 0) {
      throw new IllegalArgumentException("maxAbandoned must not be negative: " + maxAbandoned);
    }
    return maxAbandoned;
  }

  private static Duration checkAbandonAfter(Duration abandonAfter) {
    Objects.requireNonNull(abandonAfter, "abandonAfter");
    if (abandonAfter.isNegative()) {
      throw new IllegalArgumentException("abandonAfter must not be negative: " + abandonAfter);
    }
    return abandonAfter;
  }

  /**
   * Queues {@code task}. Never throws: if the executor is closed or the underlying executor
   * refuses the call, {@link Task#rejected} is called (on this thread) instead.
   *
   * @return a handle to interrupt the call or ask whether it started or is done
   */
  public <T> Call submit(Task<T> task) {
    CallImpl<T> call = new CallImpl<>(Objects.requireNonNull(task, "task"));
    boolean accepted;
    synchronized (lock) {
      accepted = !closed;
      if (accepted) {
        queued.add(call);
      } else {
        call.state = State.DONE;
      }
    }
    if (!accepted) {
      call.reject(name + " is closed");
      return call;
    }
    try {
      executor.execute(call);
    } catch (RejectedExecutionException e) {
      if (call.dequeue()) {
        call.reject(name + " rejected the call: " + e.getMessage());
      }
    }
    return call;
  }

  /**
   * Threads currently held by calls that were interrupted and have not returned {@code
   * abandonAfter} later.
   */
  public int abandonedThreads() {
    synchronized (lock) {
      return abandoned;
    }
  }

  /** Replacement threads ever added to the pool for abandoned ones. */
  public long replacedThreads() {
    synchronized (lock) {
      return replaced;
    }
  }

  /** Calls currently running their body. */
  public int activeCalls() {
    synchronized (lock) {
      return running.size();
    }
  }

  /** Calls submitted whose body has not started yet and that have not been rejected. */
  public int queuedCalls() {
    synchronized (lock) {
      return queued.size();
    }
  }

  /** The threads of the own pool when nothing is abandoned (0 on a caller's executor). */
  public int threads() {
    return threads;
  }

  /** Current core size of the own pool (threads + replacements); 0 on a caller's executor. */
  int poolSize() {
    return pool == null ? 0 : pool.getCorePoolSize();
  }

  /** The most replacement threads added at a time (0 on a caller's executor). */
  public int maxAbandoned() {
    return maxAbandoned;
  }

  /**
   * Rejects new and queued calls ({@link Task#rejected}) and interrupts running ones; shuts the own
   * pool down (a caller's executor is left alone). After it returns no body starts. Idempotent.
   */
  @Override
  public void close() {
    List<CallImpl<?>> toReject;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      toReject = new ArrayList<>(queued);
      for (CallImpl<?> c : toReject) {
        c.state = State.DONE;
      }
      queued.clear();
      for (CallImpl<?> c : running) {
        c.interruptLocked();
      }
    }
    if (pool != null) {
      pool.shutdown();
      pool.getQueue().clear();
    }
    for (CallImpl<?> c : toReject) {
      c.reject(name + " closed before the call started");
    }
  }

  /**
   * Waits up to {@code timeout} (real time) for the own pool's threads to end after {@link
   * #close()}; on a caller's executor only reports whether no body is running.
   */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    if (pool == null) {
      return activeCalls() == 0;
    }
    return pool.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Pool size = threads + one replacement per abandoned thread, at most maxAbandoned. */
  private void resizeLocked() {
    if (pool == null || closed) {
      return;
    }
    int want = Math.min(abandoned, maxAbandoned);
    if (want > replacementsInPool) {
      replaced += want - replacementsInPool;
      pool.setMaximumPoolSize(threads + want);
      pool.setCorePoolSize(threads + want);
    } else if (want < replacementsInPool) {
      pool.setCorePoolSize(threads + want);
      pool.setMaximumPoolSize(threads + want);
    }
    replacementsInPool = want;
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "TimedExecutor[" + name + ", threads=" + threads + ", active=" + running.size()
          + ", queued=" + queued.size() + ", abandoned=" + abandoned + ", replaced=" + replaced
          + (closed ? ", closed" : "") + "]";
    }
  }

  /**
   * What to run, and the callbacks that report how it went. Implementations need not be
   * thread-safe beyond what the class comment says about which thread calls what.
   */
  public interface Task<T> {
    /**
     * Called on the pool thread just before the body; returning false skips the call (nothing
     * else is called). Lets the submitter drop work that became stale while it was queued.
     */
    default boolean starting(Call call) {
      return true;
    }

    /** Longest time the body may run, counted from when it starts; null = no timeout. */
    Duration timeout();

    /** The user code. */
    T run() throws Exception;

    /**
     * Called exactly once if the body started, when it returned: its value, or what it threw
     * (any {@link Throwable}; a {@link VirtualMachineError} is passed here first and then rethrown
     * on the pool thread), and how long it ran on the clock.
     */
    void finished(T value, Throwable error, Duration took);

    /**
     * Called at most once, on the clock's thread, when the timeout passes before the body returns.
     * The body is interrupted; {@link #finished} still follows when it returns.
     */
    default void timedOut(Duration timeout) {}

    /**
     * The body will never run: the executor was closed, the underlying executor refused the call,
     * or the call was interrupted before its body started. {@code why} says which.
     */
    default void rejected(String why) {}
  }

  /** A submitted call. Thread-safe. */
  public interface Call {
    /**
     * Interrupts the body if it is running (the thread counts as abandoned if it has not returned
     * {@code abandonAfter} later); a call that has not started yet will not start and is
     * {@linkplain Task#rejected rejected}. A no-op once done.
     */
    void interrupt();

    /** Whether the body has started. */
    boolean started();

    /** Whether the call is over: finished, skipped or rejected (finished() may still be running). */
    boolean done();
  }

  private enum State {
    QUEUED,
    STARTING,
    RUNNING,
    DONE
  }

  private final class CallImpl<T> implements Call, Runnable {
    final Task<T> task;
    // Guarded by lock.
    State state = State.QUEUED;
    boolean started;
    boolean interruptRequested;
    boolean interruptedOnce;
    boolean abandonedThread;
    boolean timedOutFired;
    boolean timedOutRunning;
    Runnable deferredFinish;
    Thread runner;
    long startNanos;
    HealClock.Cancellable timeoutTimer;
    HealClock.Cancellable abandonTimer;

    CallImpl(Task<T> task) {
      this.task = task;
    }

    /** QUEUED → DONE; true if this thread did it. */
    boolean dequeue() {
      synchronized (lock) {
        if (state != State.QUEUED) {
          return false;
        }
        state = State.DONE;
        queued.remove(this);
        return true;
      }
    }

    @Override
    public void run() {
      boolean closedBeforeStart;
      synchronized (lock) {
        if (state != State.QUEUED) {
          return;
        }
        queued.remove(this);
        closedBeforeStart = closed;
        state = closedBeforeStart ? State.DONE : State.STARTING;
      }
      if (closedBeforeStart) {
        reject(name + " closed before the call started");
        return;
      }
      boolean go;
      Duration timeout;
      try {
        go = task.starting(this);
        timeout = go ? task.timeout() : null;
      } catch (Throwable t) {
        synchronized (lock) {
          state = State.DONE;
        }
        log.warn("heal: {}: a task's starting()/timeout() threw; the call is skipped", name, t);
        rethrowIfFatal(t);
        return;
      }
      String refused = null;
      synchronized (lock) {
        if (!go) {
          state = State.DONE;
          return;
        }
        if (closed || interruptRequested) {
          state = State.DONE;
          refused = closed ? name + " closed before the call started" : "interrupted before it started";
        } else {
          state = State.RUNNING;
          started = true;
          runner = Thread.currentThread();
          running.add(this);
          startNanos = clock.nanoTime();
          if (timeout != null) {
            Duration t = timeout;
            timeoutTimer = clock.schedule(t, () -> onTimeout(t));
          }
        }
      }
      if (refused != null) {
        reject(refused);
        return;
      }
      T value = null;
      Throwable error = null;
      try {
        value = task.run();
      } catch (Throwable t) {
        error = t;
      }
      Duration took = clock.since(startNanos);
      boolean deferred;
      T v = value;
      Throwable e = error;
      synchronized (lock) {
        state = State.DONE;
        runner = null;
        running.remove(this);
        if (timeoutTimer != null) {
          timeoutTimer.cancel();
        }
        if (abandonTimer != null) {
          abandonTimer.cancel();
        }
        if (abandonedThread) {
          abandonedThread = false;
          abandoned--;
          resizeLocked();
          log.info("heal: {}: an abandoned call returned after {}; the pool shrinks back", name, took);
        }
        deferred = timedOutRunning;
        if (deferred) {
          deferredFinish = () -> finish(v, e, took);
        }
      }
      // The interrupt was meant for the body; the thread goes back to the pool clean.
      Thread.interrupted();
      if (!deferred) {
        finish(value, error, took);
      }
      if (error instanceof VirtualMachineError vme) {
        throw vme;
      }
    }

    private void finish(T value, Throwable error, Duration took) {
      try {
        task.finished(value, error, took);
      } catch (Throwable t) {
        log.warn("heal: {}: a task's finished() threw; ignored", name, t);
        rethrowIfFatal(t);
      }
    }

    private void onTimeout(Duration timeout) {
      synchronized (lock) {
        timeoutTimer = null;
        if (state != State.RUNNING || timedOutFired) {
          return;
        }
        timedOutFired = true;
        timedOutRunning = true;
        interruptLocked();
      }
      Throwable fatal = null;
      try {
        task.timedOut(timeout);
      } catch (Throwable t) {
        log.warn("heal: {}: a task's timedOut() threw; ignored", name, t);
        fatal = t;
      }
      Runnable deferred;
      synchronized (lock) {
        timedOutRunning = false;
        deferred = deferredFinish;
        deferredFinish = null;
      }
      if (deferred != null) {
        deferred.run();
      }
      if (fatal != null) {
        rethrowIfFatal(fatal);
      }
    }

    private void onAbandon() {
      synchronized (lock) {
        abandonTimer = null;
        if (state != State.RUNNING || abandonedThread) {
          return;
        }
        abandonedThread = true;
        abandoned++;
        resizeLocked();
        log.warn(
            "heal: {}: a call ignored its interrupt for {}; its thread is abandoned ({} abandoned, "
                + "{} replaced of at most {})",
            name, abandonAfter, abandoned, replacementsInPool, maxAbandoned);
      }
    }

    /** Caller holds lock and state is RUNNING. */
    void interruptLocked() {
      runner.interrupt();
      if (!interruptedOnce) {
        interruptedOnce = true;
        abandonTimer = clock.schedule(abandonAfter, this::onAbandon);
      }
    }

    @Override
    public void interrupt() {
      boolean reject = false;
      synchronized (lock) {
        switch (state) {
          case QUEUED -> {
            state = State.DONE;
            queued.remove(this);
            if (pool != null) {
              pool.remove(this);
            }
            reject = true;
          }
          case STARTING -> interruptRequested = true;
          case RUNNING -> interruptLocked();
          case DONE -> {}
        }
      }
      if (reject) {
        reject("interrupted before it started");
      }
    }

    void reject(String why) {
      try {
        task.rejected(why);
      } catch (Throwable t) {
        log.warn("heal: {}: a task's rejected() threw; ignored", name, t);
        rethrowIfFatal(t);
      }
    }

    @Override
    public boolean started() {
      synchronized (lock) {
        return started;
      }
    }

    @Override
    public boolean done() {
      synchronized (lock) {
        return state == State.DONE;
      }
    }

    @Override
    public String toString() {
      synchronized (lock) {
        return "Call[" + state + (abandonedThread ? ", abandoned" : "") + "]";
      }
    }
  }

  private static void rethrowIfFatal(Throwable t) {
    if (t instanceof VirtualMachineError vme) {
      throw vme;
    }
  }
}
