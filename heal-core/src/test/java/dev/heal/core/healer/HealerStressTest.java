package dev.heal.core.healer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.heal.core.time.HealClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The healer on the system clock with its real action pool, six threads signalling at once, and
 * actions that are quick, slow, past their timeout, and deaf to interrupts for a while. Bounded:
 * about two seconds of signals. Checked from the journal, the events and an instrumented action: at
 * most one attempt per target at any instant; every attempt started while its episode was open and
 * before close() returned; every STEP_STARTED has one STEP_FINISHED with the real result.
 */
class HealerStressTest {
  private static final List<String> TARGETS = List.of("t0", "t1", "t2", "t3");

  @Test
  void invariantsHoldWithRealThreadsAndTheSystemClock() throws Exception {
    Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
    AtomicInteger maxRunning = new AtomicInteger();
    AtomicLong lastStartNanos = new AtomicLong();
    List<String> violations = new CopyOnWriteArrayList<>();
    List<HealEvent> events = new CopyOnWriteArrayList<>();
    Healer[] ref = new Healer[1];
    Action action = Action.of("work", ctx -> {
      lastStartNanos.accumulateAndGet(System.nanoTime(), Math::max);
      Episode ep = ref[0].journal().find(ctx.episodeId()).orElseThrow();
      StepRecord mine = ep.steps().get(ep.steps().size() - 1);
      if (ep.endedAt().isPresent() && ep.endedAt().get().isBefore(mine.startedAt())) {
        violations.add("attempt of " + ctx.episodeId() + " started after its episode ended");
      }
      int now = running.computeIfAbsent(ctx.target(), t -> new AtomicInteger()).incrementAndGet();
      maxRunning.accumulateAndGet(now, Math::max);
      try {
        int kind = Math.floorMod(ctx.episodeId().hashCode() + ctx.attempt(), 5);
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(kind == 0 ? 120 : kind * 3L);
        while (System.nanoTime() < until) {
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // kind 0 ignores interrupts past its timeout
          if (kind != 0 && Thread.interrupted()) {
            throw new InterruptedException("interrupted");
          }
        }
        return kind == 4 ? ActionResult.failed("still broken") : ActionResult.succeeded("done");
      } finally {
        running.get(ctx.target()).decrementAndGet();
      }
    });
    Healer.Builder b = Healer.builder().clock(HealClock.system()).poolSize(2).cooldown(Duration.ofMillis(20))
        .budget(1_000_000, Duration.ofSeconds(1)).maxEpisodeDuration(Duration.ofMillis(400))
        .abandonAfter(Duration.ofMillis(50)).listener(events::add);
    for (String t : TARGETS) {
      b.plan(RecoveryPlan.when(Trigger.signal(t)).then(action).attempts(2).backoff(Duration.ofMillis(5))
          .timeout(Duration.ofMillis(60)).verifyWithin(Duration.ofMillis(50)).build());
      b.plan(RecoveryPlan.when(Trigger.signal(t + "-alt")).named(t + "-alt").target(t).then(action)
          .timeout(Duration.ofMillis(60)).verifyWithin(Duration.ofMillis(50)).build());
    }
    Healer healer = b.build();
    ref[0] = healer;
    int threads = 6;
    CountDownLatch done = new CountDownLatch(threads);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    List<Thread> signallers = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      SplittableRandom random = new SplittableRandom(i);
      Thread t = new Thread(() -> {
        try {
          while (System.nanoTime() < end) {
            String target = TARGETS.get(random.nextInt(TARGETS.size())) + (random.nextInt(4) == 0 ? "-alt" : "");
            if (random.nextInt(3) == 0) {
              healer.resolve(target, "fine");
            } else {
              healer.raise(target, "broken");
            }
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200 + random.nextInt(800)));
          }
        } finally {
          done.countDown();
        }
      });
      t.setDaemon(true);
      signallers.add(t);
      t.start();
    }
    assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
    healer.close();
    long closedAt = System.nanoTime();
    Instant closedWall = Instant.now();
    await().atMost(Duration.ofSeconds(20)).until(() -> running.values().stream().allMatch(a -> a.get() == 0)
        && healer.queuedEvents() == 0 && startedMinusFinished(events) == 0);
    assertThat(violations).isEmpty();
    assertThat(maxRunning).as("attempts on one target at once").hasValue(1);
    assertThat(lastStartNanos.get()).as("no attempt started after close() returned").isLessThan(closedAt);
    long started = events.stream().filter(e -> e.type() == HealEvent.Type.STEP_STARTED).count();
    assertThat(started).as("the stress test did real work").isGreaterThan(20);
    for (Episode e : healer.journal().recentActed(Integer.MAX_VALUE)) {
      assertThat(e.isOpen()).isFalse();
      for (StepRecord r : e.steps()) {
        assertThat(r.startedAt()).isBeforeOrEqualTo(e.endedAt().orElseThrow());
        assertThat(r.startedAt()).isBefore(closedWall);
      }
    }
    assertThat(healer.droppedEvents()).isZero();
  }

  private static long startedMinusFinished(List<HealEvent> events) {
    long s = events.stream().filter(e -> e.type() == HealEvent.Type.STEP_STARTED).count();
    long f = events.stream().filter(e -> e.type() == HealEvent.Type.STEP_FINISHED).count();
    return s - f;
  }
}
