package dev.heal.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.heal.core.time.InlineExecutorService;
import dev.heal.core.time.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TimedExecutorTest {
  /** Awaitility for the real pool threads: polls often, gives up after 10 s. */
  private static ConditionFactory soon() {
    return await().pollInterval(Duration.ofMillis(2)).atMost(Duration.ofSeconds(10));
  }

  private final ManualClock clock = new ManualClock();
  private final List<AutoCloseable> cleanup = new ArrayList<>();
  private final List<CountDownLatch> gates = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (CountDownLatch g : gates) {
      g.countDown();
    }
    for (AutoCloseable c : cleanup) {
      c.close();
    }
  }

  private TimedExecutor executor(int threads, int maxAbandoned, Duration abandonAfter) {
    TimedExecutor e = new TimedExecutor("test-timed", threads, maxAbandoned, abandonAfter, clock);
    cleanup.add(e);
    return e;
  }

  private CountDownLatch gate() {
    CountDownLatch g = new CountDownLatch(1);
    gates.add(g);
    return g;
  }

  /** A body that waits for {@code gate} and swallows every interrupt, like a blocking socket read. */
  static Callable<String> ignoringInterrupts(CountDownLatch gate) {
    return () -> {
      while (true) {
        try {
          gate.await();
          return "released";
        } catch (InterruptedException swallowed) {
          // deliberately ignored: this body does not honour interrupts
        }
      }
    };
  }

  /** A task that records every callback, in order, with the thread that made it. */
  static class Recorder<T> implements TimedExecutor.Task<T> {
    final Duration timeout;
    final Callable<T> body;
    final List<String> events = new CopyOnWriteArrayList<>();
    volatile T value;
    volatile Throwable error;
    volatile Duration took;
    volatile String finishedOn;
    volatile boolean start = true;

    Recorder(Duration timeout, Callable<T> body) {
      this.timeout = timeout;
      this.body = body;
    }

    @Override
    public boolean starting(TimedExecutor.Call call) {
      events.add("starting");
      return start;
    }

    @Override
    public Duration timeout() {
      return timeout;
    }

    @Override
    public T run() throws Exception {
      events.add("run");
      return body.call();
    }

    @Override
    public void finished(T value, Throwable error, Duration took) {
      this.value = value;
      this.error = error;
      this.took = took;
      this.finishedOn = Thread.currentThread().getName();
      events.add("finished");
    }

    @Override
    public void timedOut(Duration timeout) {
      events.add("timedOut " + timeout);
    }

    @Override
    public void rejected(String why) {
      events.add("rejected: " + why);
    }

    boolean finished() {
      return events.contains("finished");
    }
  }

  private static <T> Recorder<T> task(Duration timeout, Callable<T> body) {
    return new Recorder<>(timeout, body);
  }

  @Test
  void runsTheBodyOnANamedDaemonThreadAndReportsValueAndClockDuration() {
    TimedExecutor ex = executor(2, 1, Duration.ofSeconds(1));
    CountDownLatch gate = gate();
    AtomicInteger daemon = new AtomicInteger();
    Recorder<String> t =
        task(null, () -> {
          daemon.set(Thread.currentThread().isDaemon() ? 1 : 2);
          gate.await();
          return "ok";
        });
    TimedExecutor.Call call = ex.submit(t);
    soon().until(() -> ex.activeCalls() == 1);
    assertThat(call.started()).isTrue();
    assertThat(call.done()).isFalse();
    clock.advance(Duration.ofSeconds(3));
    gate.countDown();
    soon().until(t::finished);
    assertThat(t.value).isEqualTo("ok");
    assertThat(t.error).isNull();
    assertThat(t.took).isEqualTo(Duration.ofSeconds(3));
    assertThat(t.finishedOn).startsWith("test-timed-");
    assertThat(daemon.get()).isEqualTo(1);
    assertThat(t.events).containsExactly("starting", "run", "finished");
    assertThat(call.done()).isTrue();
    assertThat(ex.activeCalls()).isZero();
  }

  @Test
  void timeoutCountsFromWhenTheBodyStartsNotFromWhenItWasQueued() {
    TimedExecutor ex = executor(1, 1, Duration.ofSeconds(10));
    CountDownLatch first = gate();
    Recorder<String> busy = task(null, () -> {
      first.await();
      return "first";
    });
    Recorder<String> waiting = task(Duration.ofSeconds(1), () -> {
      new java.util.concurrent.CountDownLatch(1).await(); // interruptible; only the timeout ends it
      return "never";
    });
    ex.submit(busy);
    TimedExecutor.Call second = ex.submit(waiting);
    soon().until(() -> ex.activeCalls() == 1 && ex.queuedCalls() == 1);

    clock.advance(Duration.ofSeconds(5)); // five timeouts' worth spent in the queue
    assertThat(waiting.events).isEmpty();
    assertThat(second.started()).isFalse();

    first.countDown();
    soon().until(second::started);
    soon().until(() -> clock.pendingTasks() >= 1); // the timeout timer, armed at body start
    clock.advance(Duration.ofMillis(999));
    assertThat(waiting.events).containsExactly("starting", "run");
    clock.advance(Duration.ofMillis(1));
    assertThat(waiting.events).contains("timedOut PT1S");
    soon().until(waiting::finished);
    assertThat(waiting.error).isInstanceOf(InterruptedException.class);
    assertThat(waiting.events).containsExactly("starting", "run", "timedOut PT1S", "finished");
    assertThat(ex.abandonedThreads()).isZero();
  }

  @Test
  void aHungBodyThatIgnoresInterruptsIsReplacedSoOtherTasksKeepRunning() {
    TimedExecutor ex = executor(1, 2, Duration.ofSeconds(2));
    CountDownLatch hang = gate();
    Recorder<String> hung = task(Duration.ofSeconds(1), ignoringInterrupts(hang));
    ex.submit(hung);
    soon().until(() -> ex.activeCalls() == 1);
    soon().until(() -> clock.pendingTasks() == 1);
    List<Recorder<String>> others = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      int n = i;
      others.add(task(Duration.ofSeconds(1), () -> "other-" + n));
    }
    others.forEach(ex::submit);
    assertThat(ex.queuedCalls()).isEqualTo(3);

    clock.advance(Duration.ofSeconds(1)); // timeout: interrupted, ignores it
    assertThat(hung.events).contains("timedOut PT1S");
    assertThat(ex.abandonedThreads()).isZero();
    assertThat(ex.queuedCalls()).isEqualTo(3);

    clock.advance(Duration.ofMillis(1999));
    assertThat(ex.abandonedThreads()).isZero();
    clock.advance(Duration.ofMillis(1)); // abandonAfter since the interrupt
    assertThat(ex.abandonedThreads()).isEqualTo(1);
    assertThat(ex.replacedThreads()).isEqualTo(1);
    assertThat(ex.poolSize()).isEqualTo(2);

    soon().until(() -> others.stream().allMatch(Recorder::finished));
    assertThat(others).allSatisfy(o -> assertThat(o.error).isNull());
    assertThat(hung.finished()).isFalse();
    assertThat(ex.activeCalls()).isEqualTo(1);

    hang.countDown(); // the hung body finally returns
    soon().until(hung::finished);
    assertThat(hung.value).isEqualTo("released");
    assertThat(hung.took).isEqualTo(Duration.ofSeconds(3));
    assertThat(ex.abandonedThreads()).isZero();
    assertThat(ex.poolSize()).isEqualTo(1);
    assertThat(ex.replacedThreads()).isEqualTo(1);

    Recorder<String> after = task(null, () -> "after");
    ex.submit(after);
    soon().until(after::finished);
    assertThat(after.value).isEqualTo("after");
  }

  @Test
  void replacementThreadsAreBoundedByMaxAbandoned() {
    TimedExecutor ex = executor(1, 1, Duration.ofSeconds(1));
    CountDownLatch hang = gate();
    Recorder<String> a = task(Duration.ofSeconds(1), ignoringInterrupts(hang));
    Recorder<String> b = task(Duration.ofSeconds(1), ignoringInterrupts(hang));
    Recorder<String> c = task(null, () -> "c");
    ex.submit(a);
    ex.submit(b);
    ex.submit(c);
    soon().until(() -> ex.activeCalls() == 1 && clock.pendingTasks() == 1);
    clock.advance(Duration.ofSeconds(2)); // a: timed out, then abandoned; b starts on the replacement
    assertThat(ex.abandonedThreads()).isEqualTo(1);
    soon().until(() -> ex.activeCalls() == 2 && clock.pendingTasks() == 1);
    clock.advance(Duration.ofSeconds(2)); // b: timed out, then abandoned; no third thread
    assertThat(ex.abandonedThreads()).isEqualTo(2);
    assertThat(ex.replacedThreads()).isEqualTo(1);
    assertThat(ex.poolSize()).isEqualTo(2);
    assertThat(ex.queuedCalls()).isEqualTo(1);
    assertThat(c.events).isEmpty();

    hang.countDown();
    soon().until(c::finished);
    soon().until(() -> ex.abandonedThreads() == 0);
    assertThat(ex.poolSize()).isEqualTo(1);
  }

  @Test
  void interruptingARunningCallInterruptsItsThreadAndCountsItAbandonedIfItDoesNotReturn() {
    TimedExecutor ex = executor(1, 1, Duration.ofMillis(500));
    CountDownLatch hang = gate();
    AtomicInteger interrupts = new AtomicInteger();
    Recorder<String> t =
        task(null, () -> {
          while (true) {
            try {
              hang.await();
              return "done";
            } catch (InterruptedException e) {
              interrupts.incrementAndGet();
            }
          }
        });
    TimedExecutor.Call call = ex.submit(t);
    soon().until(call::started);
    call.interrupt();
    soon().until(() -> interrupts.get() == 1);
    clock.advance(Duration.ofMillis(500));
    assertThat(ex.abandonedThreads()).isEqualTo(1);
    call.interrupt(); // interrupts again, but abandons only once
    soon().until(() -> interrupts.get() == 2);
    clock.advance(Duration.ofSeconds(5));
    assertThat(ex.abandonedThreads()).isEqualTo(1);
    assertThat(ex.replacedThreads()).isEqualTo(1);
    assertThat(t.events).doesNotContain("timedOut PT0S");
    hang.countDown();
    soon().until(t::finished);
    assertThat(ex.abandonedThreads()).isZero();
  }

  @Test
  void aBodyThatReturnsOnInterruptIsNeverAbandoned() {
    TimedExecutor ex = executor(1, 1, Duration.ofMillis(100));
    Recorder<String> t = task(Duration.ofSeconds(1), () -> {
      new java.util.concurrent.CountDownLatch(1).await();
      return "never";
    });
    ex.submit(t);
    soon().until(() -> ex.activeCalls() == 1 && clock.pendingTasks() == 1);
    clock.advance(Duration.ofSeconds(1));
    soon().until(t::finished);
    clock.advance(Duration.ofSeconds(1));
    assertThat(ex.abandonedThreads()).isZero();
    assertThat(ex.replacedThreads()).isZero();
    assertThat(clock.pendingTasks()).isZero();
  }

  @Test
  void interruptingAQueuedCallRejectsItAndItNeverStarts() {
    TimedExecutor ex = executor(1, 0, Duration.ofSeconds(1));
    CountDownLatch first = gate();
    ex.submit(task(null, () -> first.await(1, java.util.concurrent.TimeUnit.DAYS)));
    Recorder<String> queued = task(null, () -> "no");
    TimedExecutor.Call call = ex.submit(queued);
    soon().until(() -> ex.activeCalls() == 1);
    call.interrupt();
    assertThat(queued.events).containsExactly("rejected: interrupted before it started");
    assertThat(call.done()).isTrue();
    assertThat(call.started()).isFalse();
    assertThat(ex.queuedCalls()).isZero();
    first.countDown();
    soon().until(() -> ex.activeCalls() == 0);
    assertThat(queued.events).hasSize(1);
  }

  @Test
  void startingFalseSkipsTheCallAndNothingElseIsCalled() {
    TimedExecutor ex = executor(1, 0, Duration.ofSeconds(1));
    Recorder<String> t = task(Duration.ofSeconds(1), () -> "no");
    t.start = false;
    TimedExecutor.Call call = ex.submit(t);
    soon().until(call::done);
    assertThat(t.events).containsExactly("starting");
    assertThat(call.started()).isFalse();
    assertThat(clock.pendingTasks()).isZero();
  }

  @Test
  void closeRejectsQueuedAndNewCallsAndInterruptsRunningOnes() throws Exception {
    TimedExecutor ex = executor(1, 0, Duration.ofSeconds(1));
    Recorder<String> running = task(null, () -> {
      new java.util.concurrent.CountDownLatch(1).await();
      return "never";
    });
    Recorder<String> queued = task(null, () -> "no");
    ex.submit(running);
    ex.submit(queued);
    soon().until(() -> ex.activeCalls() == 1);
    ex.close();
    assertThat(queued.events).containsExactly("rejected: test-timed closed before the call started");
    soon().until(running::finished);
    assertThat(running.error).isInstanceOf(InterruptedException.class);

    Recorder<String> late = task(null, () -> "no");
    TimedExecutor.Call call = ex.submit(late);
    assertThat(late.events).containsExactly("rejected: test-timed is closed");
    assertThat(call.done()).isTrue();
    ex.close(); // idempotent
    assertThat(ex.awaitTermination(Duration.ofSeconds(5))).isTrue();
  }

  @Test
  void aCallDequeuedConcurrentlyWithCloseNeverStartsItsBodyAfterCloseReturns() {
    // A caller's executor that holds the runnable, so the test decides when a worker "picks it up".
    List<Runnable> held = new ArrayList<>();
    TimedExecutor ex = new TimedExecutor("held", held::add, Duration.ofSeconds(1), clock);
    Recorder<String> t = task(null, () -> "no");
    ex.submit(t);
    assertThat(ex.queuedCalls()).isEqualTo(1);
    ex.close();
    held.forEach(Runnable::run); // the worker runs the call after close() returned
    assertThat(t.events).containsExactly("rejected: held closed before the call started");
  }

  @Test
  void closeWhileStartingRejectsInsteadOfRunningTheBody() {
    List<Runnable> held = new ArrayList<>();
    TimedExecutor[] ex = new TimedExecutor[1];
    ex[0] = new TimedExecutor("held", held::add, Duration.ofSeconds(1), clock);
    Recorder<String> t =
        new Recorder<>(null, () -> "no") {
          @Override
          public boolean starting(TimedExecutor.Call call) {
            ex[0].close();
            return super.starting(call);
          }
        };
    ex[0].submit(t);
    held.forEach(Runnable::run);
    assertThat(t.events).containsExactly("starting", "rejected: held closed before the call started");
  }

  @Test
  void everyThrowableGoesToFinishedAndAVirtualMachineErrorIsRethrownOnThePoolThread() {
    TimedExecutor ex = executor(1, 0, Duration.ofSeconds(1));
    Recorder<String> checked = task(null, () -> {
      throw new java.io.IOException("io");
    });
    Recorder<String> assertion = task(null, () -> {
      throw new AssertionError("assert");
    });
    Recorder<String> overflow = task(null, () -> {
      throw new StackOverflowError("deep");
    });
    Recorder<String> after = task(null, () -> "still working");
    ex.submit(checked);
    ex.submit(assertion);
    ex.submit(overflow);
    ex.submit(after);
    // The rethrown StackOverflowError ends its pool thread (Awaitility would report it as uncaught).
    soon().dontCatchUncaughtExceptions().until(after::finished);
    assertThat(checked.error).isInstanceOf(java.io.IOException.class);
    assertThat(assertion.error).isInstanceOf(AssertionError.class);
    assertThat(overflow.error).isInstanceOf(StackOverflowError.class).hasMessage("deep");
    assertThat(after.value).isEqualTo("still working");
    assertThat(after.finishedOn).isEqualTo("test-timed-2"); // the JDK pool replaced the thread the error killed
  }

  @Test
  void callbacksThatThrowDoNotBreakTheExecutor() {
    TimedExecutor ex = executor(1, 0, Duration.ofSeconds(1));
    TimedExecutor.Task<String> bad =
        new TimedExecutor.Task<>() {
          @Override
          public Duration timeout() {
            return null;
          }

          @Override
          public String run() {
            return "x";
          }

          @Override
          public void finished(String value, Throwable error, Duration took) {
            throw new IllegalStateException("listener bug");
          }
        };
    TimedExecutor.Task<String> badStart =
        new TimedExecutor.Task<>() {
          @Override
          public boolean starting(TimedExecutor.Call call) {
            throw new NoClassDefFoundError("gone");
          }

          @Override
          public Duration timeout() {
            return null;
          }

          @Override
          public String run() {
            throw new AssertionError("must not run");
          }

          @Override
          public void finished(String value, Throwable error, Duration took) {
            throw new AssertionError("must not finish");
          }
        };
    ex.submit(bad);
    TimedExecutor.Call skipped = ex.submit(badStart);
    Recorder<String> after = task(null, () -> "fine");
    ex.submit(after);
    soon().until(after::finished);
    assertThat(after.value).isEqualTo("fine");
    assertThat(skipped.done()).isTrue();
    assertThat(skipped.started()).isFalse();
    assertThat(ex.activeCalls()).isZero();
  }

  @Test
  void timedOutAlwaysComesBeforeFinishedEvenWhenTheBodyReturnsDuringTimedOut() {
    final TimedExecutor ex = executor(1, 0, Duration.ofSeconds(1));
    CountDownLatch bodyReturned = new CountDownLatch(1);
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    TimedExecutor.Task<String> t =
        new TimedExecutor.Task<>() {
          @Override
          public Duration timeout() {
            return Duration.ofMillis(10);
          }

          @Override
          public String run() {
            try {
              new java.util.concurrent.CountDownLatch(1).await();
              return "never";
            } catch (InterruptedException e) {
              return "interrupted";
            } finally {
              bodyReturned.countDown();
            }
          }

          @Override
          public void timedOut(Duration timeout) {
            // the interrupt is already delivered; wait until the body has returned
            try {
              bodyReturned.await();
            } catch (InterruptedException e) {
              throw new AssertionError(e);
            }
            // once the call is no longer active the pool thread has decided who calls finished();
            // without the hand-over it would call finished() itself, on the pool thread
            soon().until(() -> ex.activeCalls() == 0);
            order.add("timedOut");
          }

          @Override
          public void finished(String value, Throwable error, Duration took) {
            order.add("finished " + value + " on " + Thread.currentThread().getName());
          }
        };
    ex.submit(t);
    soon().until(() -> ex.activeCalls() == 1 && clock.pendingTasks() == 1);
    clock.advance(Duration.ofMillis(10)); // timedOut runs here, on the test thread
    assertThat(order).containsExactly("timedOut", "finished interrupted on " + Thread.currentThread().getName());
  }

  @Test
  void aCallersExecutorIsUsedButNeverResizedOrShutDown() {
    InlineExecutorService inline = new InlineExecutorService();
    TimedExecutor ex = new TimedExecutor("inline", inline, Duration.ofSeconds(1), clock);
    Recorder<String> t = task(Duration.ofSeconds(1), () -> Thread.currentThread().getName());
    ex.submit(t);
    assertThat(t.value).isEqualTo(Thread.currentThread().getName());
    assertThat(clock.pendingTasks()).isZero(); // timeout timer cancelled when the body returned
    ex.close();
    assertThat(inline.isShutdown()).isFalse();
    assertThat(ex.replacedThreads()).isZero();
    assertThat(ex.poolSize()).isZero();

    inline.shutdown();
    TimedExecutor ex2 = new TimedExecutor("inline2", inline, Duration.ofSeconds(1), clock);
    Recorder<String> refused = task(null, () -> "no");
    ex2.submit(refused);
    assertThat(refused.events).containsExactly("rejected: inline2 rejected the call: executor is shut down");
    assertThat(ex2.queuedCalls()).isZero();
  }

  @Test
  void badArgumentsAreRejectedNamingTheParameter() {
    assertThatThrownBy(() -> new TimedExecutor("x", 0, 1, Duration.ofSeconds(1), clock))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("threads must be at least 1: 0");
    assertThatThrownBy(() -> new TimedExecutor("x", 1, -1, Duration.ofSeconds(1), clock))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("maxAbandoned must not be negative: -1");
    assertThatThrownBy(() -> new TimedExecutor("x", 1, 1, Duration.ofSeconds(-1), clock))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("abandonAfter must not be negative: PT-1S");
    assertThatThrownBy(() -> new TimedExecutor("x", 1, 1, null, clock))
        .isInstanceOf(NullPointerException.class).hasMessage("abandonAfter");
    assertThatThrownBy(() -> new TimedExecutor("x", 1, 1, Duration.ZERO, null))
        .isInstanceOf(NullPointerException.class).hasMessage("clock");
  }
}
