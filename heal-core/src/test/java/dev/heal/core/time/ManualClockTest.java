package dev.heal.core.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManualClockTest {
  @Test
  void runsDueTasksInDueOrderAtTheirOwnTime() {
    ManualClock clock = new ManualClock();
    List<String> ran = new ArrayList<>();
    clock.schedule(Duration.ofSeconds(3), () -> ran.add("c@" + clock.elapsed().toSeconds()));
    clock.schedule(Duration.ofSeconds(1), () -> ran.add("a@" + clock.elapsed().toSeconds()));
    clock.schedule(Duration.ofSeconds(1), () -> ran.add("b@" + clock.elapsed().toSeconds()));
    clock.advance(Duration.ofSeconds(2));
    assertThat(ran).containsExactly("a@1", "b@1");
    assertThat(clock.elapsed()).isEqualTo(Duration.ofSeconds(2));
    clock.advance(Duration.ofSeconds(5));
    assertThat(ran).containsExactly("a@1", "b@1", "c@3");
    assertThat(clock.nanoTime()).isEqualTo(Duration.ofSeconds(7).toNanos());
  }

  @Test
  void runsTasksScheduledByTasksWithinTheSameAdvance() {
    ManualClock clock = new ManualClock();
    List<Long> ticks = new ArrayList<>();
    Runnable[] tick = new Runnable[1];
    tick[0] = () -> {
      ticks.add(clock.elapsed().toMillis());
      clock.schedule(Duration.ofMillis(100), tick[0]);
    };
    clock.schedule(Duration.ZERO, tick[0]);
    clock.advance(Duration.ofMillis(350));
    assertThat(ticks).containsExactly(0L, 100L, 200L, 300L);
  }

  @Test
  void cancelledTasksDoNotRunAndFailingTasksDoNotStopTheClock() {
    ManualClock clock = new ManualClock();
    List<String> ran = new ArrayList<>();
    HealClock.Cancellable c = clock.schedule(Duration.ofSeconds(1), () -> ran.add("cancelled"));
    clock.schedule(Duration.ofSeconds(1), () -> {
      throw new IllegalStateException("boom");
    });
    clock.schedule(Duration.ofSeconds(2), () -> ran.add("after failure"));
    c.cancel();
    clock.advance(Duration.ofSeconds(3));
    assertThat(ran).containsExactly("after failure");
    assertThat(clock.pendingTasks()).isZero();
  }

  @Test
  void wallTimeMovesWithVirtualTime() {
    ManualClock clock = new ManualClock();
    var start = clock.now();
    clock.advance(Duration.ofMinutes(2));
    assertThat(Duration.between(start, clock.now())).isEqualTo(Duration.ofMinutes(2));
    assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative");
  }
}
