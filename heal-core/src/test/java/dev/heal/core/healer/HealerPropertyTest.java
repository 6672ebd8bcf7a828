package dev.heal.core.healer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.heal.core.time.InlineExecutorService;
import dev.heal.core.time.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** Guardrail properties over random signal schedules, in virtual time. */
class HealerPropertyTest {
  /** One scheduled signal: after {@code delayMs}, target {@code target} fires or resolves. */
  record Tick(int delayMs, int target, boolean firing) {}

  private static final Gen<Tick> TICKS =
      integers().between(0, 20_000).zip(integers().between(0, 2), booleans().all(), Tick::new);
  private static final Gen<List<Tick>> SCHEDULES = lists().of(TICKS).ofSizeBetween(1, 40);
  private static final Gen<List<Boolean>> OUTCOMES = lists().of(booleans().all()).ofSizeBetween(1, 30);

  @Test
  void guardrailsHoldForAnySignalSchedule() {
    qt().withFixedSeed(424242L)
        .withExamples(2000)
        .forAll(SCHEDULES, OUTCOMES, integers().between(1, 6), booleans().all())
        .checkAssert(HealerPropertyTest::run);
  }

  private static void run(List<Tick> schedule, List<Boolean> outcomes, int budget, boolean dryRun) {
    ManualClock clock = new ManualClock();
    Duration window = Duration.ofMinutes(1);
    AtomicInteger executed = new AtomicInteger();
    AtomicInteger call = new AtomicInteger();
    Map<String, Set<String>> executedInEpisode = new HashMap<>();
    Set<String> openTargets = new HashSet<>();
    List<String> violations = new ArrayList<>();
    HealerListener guard = e -> {
      Episode ep = e.episode().orElse(null);
      if (e.type() == HealEvent.Type.EPISODE_OPENED && !openTargets.add(ep.target())) {
        violations.add("second open episode for " + ep.target());
      }
      if (e.type() == HealEvent.Type.EPISODE_CLOSED) {
        openTargets.remove(ep.target());
      }
    };
    Healer.Builder b = Healer.builder().clock(clock).executor(new InlineExecutorService()).listener(guard)
        .budget(budget, window).cooldown(Duration.ofSeconds(5)).maxEpisodeDuration(Duration.ofMinutes(2))
        .dryRun(dryRun).seed(1);
    for (int t = 0; t < 3; t++) {
      int target = t;
      RecoveryPlan.Builder p = RecoveryPlan.when(Trigger.signal("t" + t)).named("plan-" + t);
      for (int s = 0; s < 3; s++) {
        Action a = Action.of("step" + s, ctx -> {
          executed.incrementAndGet();
          executedInEpisode.computeIfAbsent(ctx.episodeId(), k -> new HashSet<>()).add(ctx.step());
          boolean ok = outcomes.get(Math.floorMod(call.getAndIncrement() + target, outcomes.size()));
          return ok ? ActionResult.succeeded("ok") : ActionResult.failed("no");
        });
        p = s == 0 ? p.then(a) : p.escalateTo(a);
        p.attempts(2).backoff(Duration.ofMillis(500)).timeout(Duration.ofSeconds(2)).verifyWithin(Duration.ofSeconds(3));
      }
      b.plan(p.build());
    }
    Healer healer = b.build();
    for (Tick tick : schedule) {
      clock.advance(Duration.ofMillis(tick.delayMs()));
      if (tick.firing()) {
        healer.raise("t" + tick.target(), "broken");
      } else {
        healer.resolve("t" + tick.target(), "fine");
      }
    }
    clock.advance(Duration.ofMinutes(3));

    assertThat(violations).isEmpty();
    long elapsedNanos = clock.nanoTime();
    long allowed = budget + (long) Math.floor((double) elapsedNanos * budget / window.toNanos());
    List<Episode> episodes = healer.journal().recent(1000);
    long attempted = episodes.stream().mapToLong(e -> e.steps().size()).sum();
    assertThat(attempted).as("actions attempted (or would-be, in dry run) within budget").isLessThanOrEqualTo(allowed);
    if (dryRun) {
      assertThat(executed).as("dry run executes nothing").hasValue(0);
    } else {
      assertThat((long) executed.get()).isEqualTo(attempted);
    }
    for (Episode e : episodes) {
      assertThat(e.outcome()).as("every episode ends: %s", e).isPresent();
      assertThat(e.endedAt()).isPresent();
      int lastStep = 0;
      int lastAttempt = 0;
      for (StepRecord r : e.steps()) {
        assertThat(r.endedAt()).as("every step ends").isPresent();
        assertThat(r.step()).as("escalation follows the plan's order").isGreaterThanOrEqualTo(lastStep);
        if (r.step() == lastStep) {
          assertThat(r.attempt()).isEqualTo(lastAttempt + 1);
        } else {
          assertThat(r.attempt()).isEqualTo(1);
        }
        assertThat(r.action()).isEqualTo("step" + r.step());
        assertThat(r.attempt()).isLessThanOrEqualTo(2);
        lastStep = r.step();
        lastAttempt = r.attempt();
      }
    }
    healer.close();
  }
}
