package dev.heal.core.fleet;

import dev.heal.core.fleet.spi.FleetStore;
import dev.heal.core.internal.DaemonThreads;
import dev.heal.core.internal.Require;
import dev.heal.core.time.HealClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link FleetGuard} over any {@link FleetStore} with optimistic concurrency. Every change is a
 * read–modify–write of the whole {@link FleetState}: a conflict (someone saved in between) is
 * retried at once after a short jittered pause; a failure the store calls retryable (429 with
 * Retry-After, 5xx, timeouts, connection errors) is retried with exponential backoff (at least the
 * store's delay); at most {@code maxAttempts} tries per change, then an acquisition answers
 * {@link SlotAnswer.Unreachable}. A change reads the store's {@link FleetStore#size fleet size}
 * with the state; at most {@link FleetSize#slots max(1, floor(share × serving))} members hold a
 * slot, where {@code serving = min(desired, max(ready, holders))} (see {@link FleetSize} for why
 * that count and no larger one). A slot is granted only by a save that succeeded or by reading the
 * store and finding this member's slot already there (a save that failed ambiguously, e.g. applied
 * but answered 504), so a slot is never granted twice and no retry can over-fill the fleet.
 *
 * <p>While it holds slots or reports symptoms the guard renews them every {@code ttl / 3}; a
 * renewal also deletes this member's slots that it no longer holds (a release whose write was
 * lost). Symptom changes are written at most once per {@code publishEvery}.
 *
 * <p>Store calls run on the I/O executor (default: one daemon thread per guard); backoff waits are
 * timers of the {@link HealClock}, so the whole protocol runs in virtual time with a
 * {@code ManualClock}. Thread-safe.
 */
public final class StoreFleetGuard implements FleetGuard, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StoreFleetGuard.class);

  private final FleetStore store;
  private final String member;
  private final double share;
  private final Duration ttl;
  private final Duration publishEvery;
  private final int maxAttempts;
  private final Duration backoff;
  private final Duration maxBackoff;
  private final HealClock clock;
  private final Executor io;
  private final Object lock = new Object();
  private final AtomicLong conflicts = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  // Guarded by lock.
  /** Held episodes, each with the monotonic time of the last request that confirmed it (taken before it was sent). */
  private final Map<String, Long> held = new HashMap<>();
  private final List<Consumer<String>> lostListeners =
      new CopyOnWriteArrayList<>();
  private final SplittableRandom random;
  private Set<String> symptoms = Set.of();
  private Set<String> written = Set.of();
  private long lastPublishNanos = Long.MIN_VALUE;
  private boolean publishQueued;
  private HealClock.Cancellable renewal;
  private boolean closed;
  private volatile FleetView view;

  private StoreFleetGuard(Builder b) {
    this.store = b.store;
    this.member = b.member;
    this.share = b.share;
    this.ttl = b.ttl;
    this.publishEvery = b.publishEvery;
    this.maxAttempts = b.maxAttempts;
    this.backoff = b.backoff;
    this.maxBackoff = b.maxBackoff;
    this.clock = b.clock;
    this.io = b.io != null ? b.io : Executors.newSingleThreadExecutor(DaemonThreads.named("heal-fleet-" + b.member));
    this.random = new SplittableRandom(b.member.hashCode() * 31L + b.seed);
    this.view = FleetView.empty(member, clock.now());
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String member() {
    return member;
  }

  @Override
  public CompletionStage<SlotAnswer> acquire(SlotRequest r) {
    CompletableFuture<SlotAnswer> answer = new CompletableFuture<>();
    long asked = clock.nanoTime();
    Set<String> mine;
    synchronized (lock) {
      mine = symptoms;
    }
    change("acquire a slot for " + r.episode(), (state, size) -> {
      // This member's own symptoms go with the request, so its share counts even before a publish lands.
      FleetState.Member before = state.members().get(member);
      boolean stale = !(before == null ? mine.isEmpty() : before.symptoms().equals(mine));
      FleetState base = stale ? state.published(member, mine, clock.now(), ttl) : state;
      FleetState.Acquisition a = base.acquire(member, r.episode(), r.symptom(), r.unlessFleetWide(), size,
          share, clock.now(), ttl);
      return new Change<>(a.changed() || stale ? a.next() : null, a.answer());
    }, granted -> {
      if (granted.granted()) {
        boolean late;
        synchronized (lock) {
          late = closed;
          if (!late) {
            held.merge(r.episode(), asked, Math::max);
            armRenewal();
          }
        }
        if (late) {
          release(r.episode());
        }
      }
      answer.complete(granted);
    }, why -> answer.complete(new SlotAnswer.Unreachable(why)));
    return answer;
  }

  @Override
  public void release(String episode) {
    synchronized (lock) {
      held.remove(episode);
    }
    change("release the slot of " + episode, (state, size) -> {
      FleetState next = state.released(member, episode);
      return new Change<>(next == state ? null : next, Boolean.TRUE);
    }, done -> { }, why -> log.warn("heal: fleet guard could not release the slot of {} ({}); it lapses after {}",
        episode, why, ttl));
  }

  @Override
  public void publish(Set<String> failingSymptoms) {
    Set<String> s = Set.copyOf(failingSymptoms);
    Duration wait;
    synchronized (lock) {
      symptoms = s;
      if (closed || s.equals(written) || publishQueued) {
        return;
      }
      publishQueued = true;
      long next = lastPublishNanos == Long.MIN_VALUE ? Long.MIN_VALUE : lastPublishNanos + publishEvery.toNanos();
      long now = clock.nanoTime();
      wait = next == Long.MIN_VALUE || next - now <= 0 ? Duration.ZERO : Duration.ofNanos(next - now);
      armRenewal();
    }
    clock.schedule(wait, this::writeSymptoms);
  }

  private void writeSymptoms() {
    Set<String> s;
    synchronized (lock) {
      publishQueued = false;
      if (closed || symptoms.equals(written)) {
        return;
      }
      s = symptoms;
      lastPublishNanos = clock.nanoTime();
    }
    change("publish symptoms " + s, (state, size) -> new Change<>(state.published(member, s, clock.now(), ttl),
        Boolean.TRUE), done -> {
          synchronized (lock) {
            written = s;
          }
        }, why -> log.debug("heal: fleet guard could not publish symptoms: {}", why));
  }

  @Override
  public FleetView view() {
    return view;
  }

  /** Conflicts (another replica saved first) retried so far. */
  public long conflicts() {
    return conflicts.get();
  }

  /** Store failures (errors, timeouts) retried or given up on so far. */
  public long failures() {
    return failures.get();
  }

  /** Episodes this guard holds a slot for now. */
  public Set<String> held() {
    synchronized (lock) {
      return Set.copyOf(held.keySet());
    }
  }

  /** Gives back every slot and symptom and stops renewing. Idempotent. */
  @Override
  public void close() {
    Set<String> h;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      h = Set.copyOf(held.keySet());
      held.clear();
      if (renewal != null) {
        renewal.cancel();
        renewal = null;
      }
    }
    change("leave the fleet", (state, size) -> {
      FleetState next = state.published(member, Set.of(), clock.now(), ttl);
      for (String e : h) {
        next = next.released(member, e);
      }
      return new Change<>(next, Boolean.TRUE);
    }, done -> { }, why -> log.warn("heal: fleet guard could not leave the fleet ({}); its entries lapse after {}",
        why, ttl));
  }

  // Under lock.
  private void armRenewal() {
    if (renewal == null && !closed) {
      renewal = clock.schedule(ttl.dividedBy(3), this::renew);
    }
  }

  /**
   * Calls {@code listener} with an episode whose slot this guard could not renew for two thirds of
   * the TTL (the store was unreachable): the slot may lapse in the store within the last third, so
   * the healer ends the episode's disruption before another replica can take the slot.
   */
  @Override
  public void onSlotLost(Consumer<String> listener) {
    lostListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  private void renew() {
    Set<String> h;
    Set<String> s;
    long started = clock.nanoTime();
    List<String> lost = new ArrayList<>();
    synchronized (lock) {
      renewal = null;
      if (closed) {
        return;
      }
      long limit = ttl.toNanos() - ttl.toNanos() / 3;
      for (Iterator<Map.Entry<String, Long>> it = held.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<String, Long> e = it.next();
        if (started - e.getValue() >= limit) {
          lost.add(e.getKey());
          it.remove();
        }
      }
      h = Set.copyOf(held.keySet());
      s = symptoms;
      if (!(h.isEmpty() && s.isEmpty() && written.isEmpty())) {
        armRenewal();
      }
    }
    for (String episode : lost) {
      log.warn("heal: fleet guard could not renew the slot of {} for two thirds of its {} TTL; it is given up",
          episode, ttl);
      for (Consumer<String> l : lostListeners) {
        try {
          l.accept(episode);
        } catch (RuntimeException e) {
          log.warn("heal: a slot-lost listener failed", e);
        }
      }
    }
    if (h.isEmpty() && s.isEmpty() && written.isEmpty()) {
      return;
    }
    change("renew", (state, size) -> {
      FleetState next = state.renewed(member, clock.now(), ttl).published(member, s, clock.now(), ttl);
      for (FleetState.Slot slot : state.slots().values()) {
        if (slot.member().equals(member) && !h.contains(slot.episode())) {
          next = next.released(member, slot.episode());
        }
      }
      return new Change<>(next, Boolean.TRUE);
    }, done -> {
      synchronized (lock) {
        written = s;
        for (String e : h) {
          held.computeIfPresent(e, (k, v) -> Math.max(v, started));
        }
      }
    }, why -> log.debug("heal: fleet guard could not renew: {}", why));
  }

  // ---------------------------------------------------------------------------------------------

  /** What one read–modify–write decided: the state to save (null: nothing to save) and the result. */
  private record Change<T>(FleetState next, T result) {}

  @FunctionalInterface
  private interface Op<T> {
    Change<T> apply(FleetState state, FleetSize size);
  }

  private <T> void change(String what, Op<T> op, Consumer<T> done,
      Consumer<String> failed) {
    attempt(what, op, done, failed, 1);
  }

  private <T> void attempt(String what, Op<T> op, Consumer<T> done,
      Consumer<String> failed, int n) {
    try {
      io.execute(() -> tryOnce(what, op, done, failed, n));
    } catch (RuntimeException e) {
      failed.accept("I/O executor refused: " + e);
    }
  }

  /** Loads and decides, then saves in a second I/O task: other members' writes may land in between (a conflict). */
  private <T> void tryOnce(String what, Op<T> op, Consumer<T> done,
      Consumer<String> failed, int n) {
    FleetStore.Versioned v;
    FleetSize size;
    Change<T> c;
    try {
      v = store.load();
      size = store.size();
      c = op.apply(v.state(), size);
    } catch (RuntimeException e) {
      retryAfterFailure(what, op, done, failed, n, e);
      return;
    }
    if (c.next() == null) {
      view = v.state().view(member, size, share, clock.now());
      done.accept(c.result());
      return;
    }
    try {
      io.execute(() -> save(what, op, done, failed, n, v, size, c));
    } catch (RuntimeException e) {
      failed.accept("I/O executor refused: " + e);
    }
  }

  private <T> void save(String what, Op<T> op, Consumer<T> done,
      Consumer<String> failed, int n, FleetStore.Versioned v, FleetSize size, Change<T> c) {
    boolean saved;
    try {
      saved = store.save(c.next(), v.version());
    } catch (RuntimeException e) {
      // Maybe applied, maybe not: the retry reloads and finds this member's own entry if it was.
      retryAfterFailure(what, op, done, failed, n, e);
      return;
    }
    if (saved) {
      view = c.next().view(member, size, share, clock.now());
      done.accept(c.result());
      return;
    }
    conflicts.incrementAndGet();
    retry(what, op, done, failed, n, "conflict (another replica saved first)",
        jitter(Duration.ofMillis(10L << Math.min(n - 1, 6))));
  }

  private <T> void retryAfterFailure(String what, Op<T> op, Consumer<T> done,
      Consumer<String> failed, int n, RuntimeException e) {
    failures.incrementAndGet();
    Optional<Duration> after = store.retryDelay(e);
    if (after.isEmpty()) {
      failed.accept(what + " failed and retrying cannot help: " + e);
      return;
    }
    Duration exp = backoff.multipliedBy(1L << Math.min(n - 1, 20));
    Duration b = jitter(exp.compareTo(maxBackoff) > 0 ? maxBackoff : exp);
    retry(what, op, done, failed, n, e.toString(), after.get().compareTo(b) > 0 ? after.get() : b);
  }

  private <T> void retry(String what, Op<T> op, Consumer<T> done,
      Consumer<String> failed, int n, String why, Duration delay) {
    if (n >= maxAttempts) {
      failed.accept("gave up after " + n + " attempts to " + what + "; last: " + why);
      return;
    }
    log.debug("heal: fleet guard: {} failed ({}), retry {} in {}", what, why, n + 1, delay);
    clock.schedule(delay, () -> attempt(what, op, done, failed, n + 1));
  }

  private Duration jitter(Duration d) {
    double f;
    synchronized (lock) {
      f = 0.5 + random.nextDouble();
    }
    return Duration.ofNanos((long) (d.toNanos() * f));
  }

  /** {@code share}, unless it is outside (0, 1]. */
  static double checkedShare(double share) {
    if (!(share > 0.0 && share <= 1.0)) {
      throw new IllegalArgumentException("share must be in (0, 1], was " + share);
    }
    return share;
  }

  @Override
  public String toString() {
    return "StoreFleetGuard[" + member + ", share " + share + ", ttl " + ttl + "]";
  }

  /** Builds a {@link StoreFleetGuard}. Not thread-safe. */
  public static final class Builder {
    private FleetStore store;
    private String member;
    private double share = 0.25;
    private Duration ttl = Duration.ofSeconds(60);
    private Duration publishEvery = Duration.ofSeconds(10);
    private int maxAttempts = 10;
    private Duration backoff = Duration.ofMillis(200);
    private Duration maxBackoff = Duration.ofSeconds(5);
    private HealClock clock = HealClock.system();
    private Executor io;
    private long seed;

    private Builder() {}

    /** Where the fleet state lives. Required. */
    public Builder store(FleetStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /** This replica's name, unique in the fleet (its pod name). Required. */
    public Builder member(String member) {
      Objects.requireNonNull(member, "member");
      if (member.isBlank() || member.contains("/")) {
        throw new IllegalArgumentException("member must be a non-blank name without '/' (a pod name): '" + member + "'");
      }
      this.member = member;
      return this;
    }

    /**
     * Share of the serving replicas ({@link FleetSize#serving}) that may hold a slot at once, in
     * (0, 1]. Default 0.25.
     */
    public Builder share(double share) {
      this.share = StoreFleetGuard.checkedShare(share);
      return this;
    }

    /** How long a slot or a published symptom lasts without renewal. Default 60 s. */
    public Builder ttl(Duration ttl) {
      Objects.requireNonNull(ttl, "ttl");
      if (ttl.compareTo(Duration.ofMillis(30)) < 0) {
        throw new IllegalArgumentException("ttl must be at least 30 ms (it is renewed every ttl / 3): " + ttl);
      }
      this.ttl = ttl;
      return this;
    }

    /** Least time between two writes of changed symptoms. Default 10 s. */
    public Builder publishEvery(Duration every) {
      this.publishEvery = Require.notNegative("publishEvery", every);
      return this;
    }

    /** Tries per change (conflicts and failures together). Default 10. */
    public Builder maxAttempts(int attempts) {
      this.maxAttempts = Require.atLeast("maxAttempts", attempts, 1);
      return this;
    }

    /** Base and cap of the exponential backoff after a failure (±50 % jitter). Default 200 ms, 5 s. */
    public Builder backoff(Duration base, Duration max) {
      Require.notNegative("backoff", base);
      Require.notNegative("maxBackoff", max);
      if (max.compareTo(base) < 0) {
        throw new IllegalArgumentException("maxBackoff (" + max + ") must not be shorter than backoff (" + base + ")");
      }
      this.backoff = base;
      this.maxBackoff = max;
      return this;
    }

    /** Timers for backoff, renewal and rate limits. Default {@link HealClock#system()}. */
    public Builder clock(HealClock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Where store calls run. Default: one daemon thread per guard. {@code Runnable::run} runs them inline. */
    public Builder io(Executor io) {
      this.io = Objects.requireNonNull(io, "io");
      return this;
    }

    /** Seed of the backoff jitter. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    public StoreFleetGuard build() {
      if (store == null) {
        throw new IllegalStateException("store must be set (where the fleet state lives)");
      }
      if (member == null) {
        throw new IllegalStateException("member must be set (this replica's name, e.g. the pod name)");
      }
      return new StoreFleetGuard(this);
    }
  }
}
