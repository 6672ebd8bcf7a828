package dev.heal.core.healer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heal.core.fleet.FleetGuard;
import dev.heal.core.fleet.FleetState;
import dev.heal.core.fleet.InMemoryFleet;
import dev.heal.core.fleet.StoreFleetGuard;
import dev.heal.core.health.HealthCheckConfig;
import dev.heal.core.health.HealthRegistry;
import dev.heal.core.health.HealthResult;
import dev.heal.core.health.HealthStatus;
import dev.heal.core.healer.internal.Engine;
import dev.heal.core.time.ManualClock;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A deterministic model check of the whole healer — episode machine, action runner and event
 * dispatcher — over generated schedules. Nothing runs on another thread: time is a
 * {@link ManualClock}; the action pool is a launcher that only queues attempts, and the schedule
 * decides when a pool thread picks one up ({@code begin}), when and how it returns (a result,
 * {@code null}, a thrown exception or {@code Error}, an honoured interrupt), or that it hangs and
 * ignores its interrupt; the event thread is an executor whose drains the schedule runs when it
 * likes; listeners throw, and call back into the healer (raise, resolve, close) from the event
 * thread; {@code close()} comes at random points.
 *
 * <p>Invariants, checked after every step: at most one attempt running per target; no attempt
 * starts for a closed episode or after {@code close()}; every budget decision equals an exact
 * (BigInteger) token-bucket model and every granted token is one attempt; no open episode outlives
 * {@code maxEpisodeDuration}; an alert instance that was never handled, sent again when no
 * guardrail holds it, opens an episode, and a handled one never opens a second; a plan that gave up
 * does not reopen for its trigger before that trigger clears; every internal map stays within its
 * bound. At the end (close, every hung attempt returned, every event delivered): every started
 * attempt has exactly one STEP_STARTED and one STEP_FINISHED, carrying the result the action really
 * returned; every held resource was released once per episode; every map is empty.
 *
 * <p>The fleet guard (half the schedules): the healer is member {@code me} of an
 * {@link InMemoryFleet} of 4 replicas with 1 or 2 slots, whose store calls run when the schedule
 * drains them (so answers arrive late, after episodes ended, after close); three ghost members take
 * and give back slots and publish the symptom {@code b}, so slots are full and symptoms fleet-wide
 * at random moments. Invariants: a disruptive step never begins unless its episode holds a slot in
 * the fleet's state; no more members hold slots than the capacity; at the end every slot of
 * {@code me} is given back and no ask is left. {@link #aBrokenFleetVariantIsCaught()} builds the
 * machine that starts disruptive steps without waiting for the answer and requires the checker to
 * report "without a fleet slot".
 *
 * <p>How a broken variant is caught: {@link #aBrokenVariantIsCaught()} builds the healer with the
 * engine's token check switched off (a queued attempt of an ended episode is neither dropped nor
 * refused when a thread picks it up) and requires the checker to report "started for closed
 * episode" within a few hundred schedules.
 *
 * <p>{@code -Dheal.modelcheck.schedules=N} sets the number of schedules (default 100,000);
 * {@code -Dheal.modelcheck.seed=S} reruns one schedule and prints its journal and events.
 */
class HealerModelCheckTest {
  private static final int SCHEDULES = Integer.getInteger("heal.modelcheck.schedules", 100_000);
  private static final int STEPS = 48;
  /** Coverage of the fleet guard over a run: refusals because slots were full, because the symptom was fleet-wide. */
  private static final java.util.concurrent.atomic.AtomicLong FULL = new java.util.concurrent.atomic.AtomicLong();
  private static final java.util.concurrent.atomic.AtomicLong FLEET_WIDE = new java.util.concurrent.atomic.AtomicLong();
  private static final Instant S1 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant S2 = Instant.parse("2026-01-01T00:05:00Z");

  @Test
  void everyInvariantHoldsOverGeneratedSchedules() {
    Long only = Long.getLong("heal.modelcheck.seed");
    if (only != null) { // -Dheal.modelcheck.seed=S reruns one failing schedule and prints what it saw
      Schedule s = new Schedule(only, true);
      Optional<String> v = s.run();
      s.healer.journal().recent(100).forEach(e -> System.out.println("journal: " + e));
      s.seen.forEach(e -> System.out.println("event: " + e.type() + " " + e.message()));
      assertThat(v).isEmpty();
      return;
    }
    // Two halves on two threads: each schedule is independent and deterministic in its seed.
    List<String> failures = IntStream.range(0, 2).parallel()
        .mapToObj(half -> {
          for (int i = half; i < SCHEDULES; i += 2) {
            Optional<String> v = new Schedule(0xC0FFEEL + i, true).run();
            if (v.isPresent()) {
              return "seed " + (0xC0FFEEL + i) + ": " + v.get();
            }
          }
          return null;
        })
        .filter(java.util.Objects::nonNull).toList();
    assertThat(failures).as("violations (rerun one with -Dheal.modelcheck.seed=SEED)").isEmpty();
    if (SCHEDULES >= 1_000) {
      assertThat(FULL.get()).as("schedules reached a full fleet").isPositive();
      assertThat(FLEET_WIDE.get()).as("schedules reached a fleet-wide symptom").isPositive();
    }
  }

  @Test
  void aBrokenVariantIsCaught() {
    String found = null;
    for (int i = 0; i < 2_000 && found == null; i++) {
      found = new Schedule(0xBADL + i, false).run().orElse(null);
    }
    assertThat(found).as("the checker must catch the variant without the token check").isNotNull()
        .contains("started for closed episode");
  }

  @Test
  void aBrokenFleetVariantIsCaught() {
    String found = null;
    for (int i = 0; i < 2_000 && found == null; i++) {
      Schedule s = new Schedule(0xF1EE7L + i, true);
      s.brokenFleet = true;
      found = s.run().orElse(null);
    }
    assertThat(found).as("the checker must catch disruptive steps that do not wait for their slot").isNotNull()
        .contains("without a fleet slot");
  }

  @Test
  void schedulesAreReproducible() {
    for (long seed = 1; seed <= 50; seed++) {
      Schedule a = new Schedule(seed, true);
      Schedule b = new Schedule(seed, true);
      a.run();
      b.run();
      assertThat(a.log).isEqualTo(b.log);
    }
  }

  /** One generated schedule and its checker. */
  static final class Schedule {
    final SplittableRandom random;
    final boolean checkTokens;
    final List<String> log = new ArrayList<>();
    final ManualClock clock = new ManualClock();
    final List<Engine.Attempt> queued = new ArrayList<>();
    final Map<Long, Engine.Attempt> running = new LinkedHashMap<>();
    final Set<Long> interrupted = new HashSet<>();
    final List<Runnable> eventTasks = new ArrayList<>();
    final List<HealEvent> seen = new ArrayList<>();
    final Map<String, ActionResult> realResults = new HashMap<>();
    final Map<String, Integer> releases = new HashMap<>();
    final Map<String, Integer> heldBy = new HashMap<>();
    final Set<String> handled = new HashSet<>();
    final Set<String> latched = new HashSet<>();
    final Map<String, Signal> lastSent = new HashMap<>();
    final Set<String> knownEpisodes = new HashSet<>();
    final List<String> violations = new ArrayList<>();
    final AtomicInteger budgetDecisions = new AtomicInteger();
    long grants;
    boolean closed;
    Healer healer;
    List<RecoveryPlan> plans;
    Duration cooldown;
    Duration maxDuration;
    int budgetActions;
    Duration budgetWindow;
    // Exact token bucket: credit in units of 1/window tokens.
    BigInteger credit;
    long lastBudgetNanos;
    Behaviour next = Behaviour.SUCCEED;
    boolean brokenFleet;
    InMemoryFleet fleet;
    final List<Runnable> fleetTasks = new ArrayList<>();
    final List<String> ghostHeld = new ArrayList<>();

    enum Behaviour { SUCCEED, FAIL, NOT_NOW, UNAVAILABLE, NULL, THROW, ERROR, STACK_OVERFLOW, INTERRUPTED }

    final long seed;

    Schedule(long seed, boolean checkTokens) {
      this.seed = seed;
      this.random = new SplittableRandom(seed);
      this.checkTokens = checkTokens;
    }

    Optional<String> run() {
      build();
      for (int step = 0; step < STEPS && violations.isEmpty(); step++) {
        step();
        check();
      }
      if (violations.isEmpty()) {
        finish();
      }
      return violations.isEmpty() ? Optional.empty()
          : Optional.of(violations.get(0) + "\n  schedule: " + String.join("; ", log));
    }

    // -------------------------------------------------------------------------------------------
    // Building

    private Action action(String name, boolean holding) {
      return action(name, holding, false);
    }

    private Action action(String name, boolean holding, boolean disruptive) {
      class ModelAction implements Action, EpisodeAware {
        @Override
        public String name() {
          return name;
        }

        @Override
        public boolean disruptive() {
          return disruptive;
        }

        @Override
        public ActionResult execute(ActionContext ctx) throws Exception {
          if (holding) {
            heldBy.merge(ctx.episodeId() + "/" + name, 1, Integer::sum);
          }
          return switch (next) {
            case SUCCEED -> ActionResult.succeeded(name + " ok");
            case FAIL -> ActionResult.failed(name + " failed");
            case NOT_NOW -> ActionResult.notNow(name + " not now");
            case UNAVAILABLE -> ActionResult.unavailable(name + " unavailable");
            case NULL -> null;
            case THROW -> throw new IllegalStateException(name + " threw");
            case ERROR -> throw new AssertionError(name + " assertion");
            case STACK_OVERFLOW -> throw new StackOverflowError(name + " overflow");
            case INTERRUPTED -> throw new InterruptedException(name + " interrupted");
          };
        }

        @Override
        public void episodeEnded(String episodeId, Outcome outcome) {
          if (holding) {
            releases.merge(episodeId + "/" + name, 1, Integer::sum);
          }
        }
      }
      return new ModelAction();
    }

    private Duration ms(int lo, int hi) {
      return Duration.ofMillis(lo + random.nextInt(hi - lo + 1));
    }

    private void build() {
      HealthRegistry registry = HealthRegistry.builder().clock(clock).build();
      registry.register(HealthCheckConfig.builder("db").build(), HealthResult::up);
      plans = new ArrayList<>();
      // Drawn apart from the schedule's stream, so schedules without a fleet stay as they were.
      boolean withFleet = brokenFleet || new SplittableRandom(seed).nextInt(2) == 0;
      if (random.nextInt(4) != 0) {
        RecoveryPlan.Builder pa = RecoveryPlan.when(Trigger.signal("a")).named("p-a")
            .then(action("fixA", random.nextBoolean(), withFleet && random.nextBoolean()))
            .attempts(1 + random.nextInt(2)).backoff(ms(0, 400))
            .timeout(ms(100, 1500)).verifyWithin(ms(200, 2500))
            .escalateTo(action("fixA2", false, withFleet && random.nextBoolean()))
            .timeout(ms(100, 1500)).verifyWithin(ms(200, 2500));
        if (withFleet && random.nextBoolean()) {
          pa.waitForFleetSlot();
        }
        plans.add(pa.build());
      }
      if (random.nextInt(4) != 0) {
        plans.add(RecoveryPlan.when(Trigger.signal("c")).named("p-c").target("a")
            .then(action("fixC", false)).timeout(ms(100, 1500)).verifyWithin(ms(200, 2500)).build());
      }
      if (random.nextInt(3) != 0) {
        RecoveryPlan.Builder pb = RecoveryPlan.when(Trigger.signal("b").forAtLeast(ms(0, 1500))).named("p-b")
            .target("shared")
            .then(action("fixB", true)).attempts(1 + random.nextInt(3)).backoff(ms(0, 300)).timeout(ms(100, 1000))
            .verifyWithin(ms(200, 2000));
        if (withFleet) {
          pb.disruptive();
          if (random.nextBoolean()) {
            pb.unlessFleetWide(random.nextBoolean() ? 0.25 : 0.5);
          }
        }
        plans.add(pb.build());
      }
      if (random.nextInt(3) != 0) {
        boolean answer = random.nextBoolean();
        plans.add(RecoveryPlan.when(Trigger.check("db").forConsecutive(2)).named("p-db")
            .then(action("reconnect", false)).timeout(ms(100, 1500)).verifyWithin(ms(300, 2500))
            .verifyWith(() -> answer).build());
      }
      if (random.nextInt(4) != 0) {
        plans.add(RecoveryPlan.when(Trigger.alert("alertname=HighErrorRate")).named("p-alert").target("orders")
            .then(action("restartOrders", false)).attempts(1 + random.nextInt(2)).backoff(ms(0, 300))
            .timeout(ms(100, 1500)).verifyWithin(ms(200, 2500)).build());
      }
      cooldown = random.nextInt(3) == 0 ? Duration.ZERO : ms(100, 3000);
      maxDuration = ms(1500, 12_000);
      budgetActions = 1 + random.nextInt(4);
      budgetWindow = ms(500, 10_000);
      credit = BigInteger.valueOf(budgetActions).multiply(BigInteger.valueOf(budgetWindow.toNanos()));
      lastBudgetNanos = 0;
      boolean dryRun = random.nextInt(10) == 0;
      Healer.Builder b = Healer.builder().clock(clock).health(registry)
          .launcher(a -> {
            launched++;
            queued.add(a);
          })
          .eventExecutor(eventTasks::add)
          .eventQueueCapacity(100_000)
          .budget(budgetActions, budgetWindow).cooldown(cooldown).maxEpisodeDuration(maxDuration)
          .verifyEvery(ms(100, 800)).dryRun(dryRun).seed(random.nextLong())
          .budgetObserver(this::budgetDecided).checkTokens(checkTokens)
          .listener(seen::add)
          .listener(this::chaoticListener);
      if (withFleet) {
        fleet = InMemoryFleet.builder().replicas(4).share(random.nextBoolean() ? 0.25 : 0.5).clock(clock)
            .guard(g -> g.ttl(Duration.ofHours(1)).io(fleetTasks::add)).build();
        b.fleetGuard(fleet.member("me")).awaitSlot(!brokenFleet);
      }
      plans.forEach(b::plan);
      healer = b.build();
      log.add("plans " + plans.stream().map(RecoveryPlan::name).toList() + " cooldown " + cooldown.toMillis()
          + " max " + maxDuration.toMillis() + " budget " + budgetActions + "/" + budgetWindow.toMillis()
          + (dryRun ? " dry-run" : "") + (fleet != null ? " fleet of 4, " + fleet.capacity() + " slot(s)" : ""));
    }

    private void budgetDecided(long nowNanos, boolean granted) {
      BigInteger window = BigInteger.valueOf(budgetWindow.toNanos());
      BigInteger full = BigInteger.valueOf(budgetActions).multiply(window);
      BigInteger added = BigInteger.valueOf(nowNanos - lastBudgetNanos).multiply(BigInteger.valueOf(budgetActions));
      credit = credit.add(added).min(full);
      lastBudgetNanos = Math.max(lastBudgetNanos, nowNanos);
      boolean model = credit.compareTo(window) >= 0;
      if (model != granted) {
        violations.add("budget decided " + granted + " at " + nowNanos + " ns, the exact model says " + model);
      }
      if (granted) {
        credit = credit.subtract(window);
        grants++;
      }
      budgetDecisions.incrementAndGet();
    }

    private BigInteger modelTokensNow() {
      BigInteger window = BigInteger.valueOf(budgetWindow.toNanos());
      BigInteger full = BigInteger.valueOf(budgetActions).multiply(window);
      BigInteger added = BigInteger.valueOf(clock.nanoTime() - lastBudgetNanos)
          .multiply(BigInteger.valueOf(budgetActions));
      return credit.add(added).min(full).divide(window);
    }

    /** A listener that throws and calls back into the healer, as listeners do. */
    private void chaoticListener(HealEvent e) {
      int r = Math.floorMod(e.message().hashCode() + (int) (e.nanoTime() >>> 7), 50);
      switch (r) {
        case 0 -> throw new IllegalStateException("listener bug");
        case 1 -> throw new AssertionError("listener assertion");
        case 2 -> throw new NoClassDefFoundError("listener linkage");
        case 3 -> send(signal("a", false), "listener resolves a");
        case 4 -> send(signal("b", true), "listener raises b");
        case 5 -> {
          if (e.type() == HealEvent.Type.STEP_STARTED && r == 5 && random.nextInt(20) == 0) {
            log.add("listener closes the healer");
            healer.close();
            closed = true;
          }
        }
        default -> { }
      }
    }

    // -------------------------------------------------------------------------------------------
    // Steps

    private Signal signal(String name, boolean firing) {
      return new Signal(Signal.CUSTOM, name, firing, Map.of(), name + (firing ? " firing" : " resolved"), clock.now(),
          clock.nanoTime());
    }

    private void send(Signal s, String what) {
      log.add(what);
      lastSent.put(s.resolutionKey(), s);
      if (!closed) {
        for (int i = 0; i < plans.size(); i++) {
          RecoveryPlan p = plans.get(i);
          if (p.trigger().matches(s) && !p.trigger().isFiring(s)) {
            latched.remove(p.name() + "|" + s.resolutionKey());
          }
        }
      }
      healer.accept(s);
    }

    private void step() {
      int op = random.nextInt(100);
      if (op < 10) {
        String n = List.of("a", "b", "c").get(random.nextInt(3));
        boolean firing = random.nextInt(3) != 0;
        send(signal(n, firing), (firing ? "raise " : "resolve ") + n);
      } else if (op < 16) {
        int failures = random.nextInt(4);
        HealthStatus status = failures >= 2 ? HealthStatus.DOWN : failures == 1 ? HealthStatus.DEGRADED : HealthStatus.UP;
        send(Signal.health("db", status, failures > 0 ? HealthStatus.DOWN : HealthStatus.UP, failures, "db " + status,
            clock.now(), clock.nanoTime()), "db " + status + " x" + failures);
      } else if (op < 26) {
        alert();
      } else if (op < 44) {
        beginOne();
      } else if (op < 62) {
        returnOne();
      } else if (op < 84) {
        Duration d = Duration.ofMillis(random.nextInt(1500));
        log.add("advance " + d.toMillis());
        clock.advance(d);
      } else if (op < 97) {
        if (fleet != null && random.nextBoolean()) {
          fleetStep();
        } else {
          deliver();
        }
      } else if (random.nextInt(4) == 0) {
        log.add("close");
        healer.close();
        closed = true;
      }
    }

    private void alert() {
      int which = random.nextInt(4);
      String fp = which == 2 ? "f2" : "f1";
      Instant start = which == 1 ? S2 : S1;
      boolean firing = which != 3;
      Signal s = Signal.alert("HighErrorRate", firing, Map.of("alertname", "HighErrorRate"), Optional.of(fp), start,
          "alert " + fp + "@" + start, clock.now(), clock.nanoTime());
      String instance = fp + "@" + start;
      // Handled instances are read from the events (EPISODE_OPENED, SIGNAL_JOINED): deliver what is queued first.
      deliver();
      learnHandled();
      boolean planned = plans.stream().anyMatch(p -> p.name().equals("p-alert"));
      boolean mustOpen = planned && firing && !closed && !handled.contains(instance) && !openOn("orders")
          && cooledDown("orders") && !latched.contains("p-alert|" + s.resolutionKey()) && modelTokensNow().signum() > 0;
      boolean replay = planned && firing && handled.contains(instance);
      int before = episodesOn("orders");
      send(s, firing ? "alert " + instance : "alert " + fp + " resolved");
      if (replay && episodesOn("orders") != before) {
        violations.add("replayed alert " + instance + " opened a second episode");
      }
      if (mustOpen && !openOn("orders")) {
        violations.add("alert " + instance + " fired with no guardrail holding it, but opened no episode");
      }
    }

    private void learnHandled() {
      for (HealEvent e : seen) {
        if ((e.type() == HealEvent.Type.EPISODE_OPENED || e.type() == HealEvent.Type.SIGNAL_JOINED)
            && e.signal().isPresent() && e.signal().get().facts() instanceof Signal.Facts.Alert a) {
          handled.add(a.fingerprint().orElse("-") + "@" + a.startsAt());
        }
      }
    }

    private boolean openOn(String target) {
      return healer.journal().open().stream().anyMatch(e -> e.target().equals(target));
    }

    private int episodesOn(String target) {
      return (int) healer.journal().recentActed(Integer.MAX_VALUE).stream().filter(e -> e.target().equals(target))
          .count();
    }

    private boolean cooledDown(String target) {
      long now = clock.nanoTime();
      for (Episode e : healer.journal().recentActed(Integer.MAX_VALUE)) {
        if (e.target().equals(target) && e.endedAt().isPresent() && e.outcome().get() != Outcome.CANCELLED) {
          long ended = Duration.between(clock.now().minusNanos(now), e.endedAt().get()).toNanos();
          if (now < ended + cooldown.toNanos()) {
            return false;
          }
        }
      }
      return true;
    }

    private void beginOne() {
      if (queued.isEmpty()) {
        return;
      }
      Engine.Attempt a = queued.remove(random.nextInt(queued.size()));
      ActionContext ctx = a.context();
      long token = a.token();
      boolean ok = a.begin(() -> interrupted.add(token));
      log.add("begin " + token + (ok ? "" : " (refused)"));
      if (!ok) {
        return;
      }
      if (closed) {
        violations.add("attempt " + token + " started after close()");
      }
      Episode ep = healer.journal().find(ctx.episodeId()).orElse(null);
      if (ep == null || !ep.isOpen()) {
        violations.add("attempt " + token + " of " + ctx.step() + " started for closed episode " + ctx.episodeId());
      }
      if (fleet != null && !healer.isDryRun() && disruptive(ctx) && !fleet.state().holds("me", ctx.episodeId(),
          clock.now())) {
        violations.add("disruptive attempt " + token + " of " + ctx.step() + " started without a fleet slot for "
            + ctx.episodeId());
      }
      for (Engine.Attempt other : running.values()) {
        if (other.context().target().equals(ctx.target())) {
          violations.add("two attempts run on " + ctx.target() + ": " + other.token() + " and " + token);
        }
      }
      running.put(token, a);
    }

    private boolean disruptive(ActionContext ctx) {
      Episode ep = healer.journal().find(ctx.episodeId()).orElseThrow();
      RecoveryPlan plan = plans.stream().filter(p -> p.name().equals(ep.plan())).findFirst().orElseThrow();
      for (int i = 0; i < plan.steps().size(); i++) {
        if (plan.steps().get(i).name().equals(ctx.step())) {
          return plan.isDisruptive(i);
        }
      }
      throw new AssertionError("no step " + ctx.step() + " in " + plan);
    }

    private void returnOne() {
      if (running.isEmpty()) {
        return;
      }
      List<Long> tokens = new ArrayList<>(running.keySet());
      long token = tokens.get(random.nextInt(tokens.size()));
      if (interrupted.contains(token) && random.nextInt(3) == 0) {
        log.add("attempt " + token + " ignores its interrupt");
        return;
      }
      Behaviour b = interrupted.contains(token) ? Behaviour.INTERRUPTED
          : Behaviour.values()[random.nextInt(Behaviour.values().length - 1)];
      finishAttempt(token, b);
    }

    private void finishAttempt(long token, Behaviour b) {
      Engine.Attempt a = running.remove(token);
      next = b;
      ActionResult r;
      try {
        r = a.invoke();
      } catch (VirtualMachineError e) {
        r = Engine.resultOf(e);
      }
      log.add("return " + token + " " + b + " -> " + r.status());
      ActionContext ctx = a.context();
      realResults.put(ctx.episodeId() + "/" + ctx.step() + "/" + ctx.attempt(), r);
      a.returned(r);
    }

    /** The fleet's store answers some calls; or a ghost member takes, gives back or publishes. */
    private void fleetStep() {
      int op = random.nextInt(10);
      if (op < 6) {
        int n = fleetTasks.isEmpty() ? 0 : 1 + random.nextInt(fleetTasks.size());
        log.add("fleet answers " + n);
        for (int i = 0; i < n && !fleetTasks.isEmpty(); i++) {
          fleetTasks.remove(random.nextInt(fleetTasks.size())).run();
        }
      } else if (op < 8) {
        String ghost = "g" + (1 + random.nextInt(3));
        if (ghostHeld.contains(ghost)) {
          log.add(ghost + " releases");
          ghostHeld.remove(ghost);
          fleet.member(ghost).release("ep-g");
        } else {
          log.add(ghost + " asks for a slot");
          fleet.member(ghost).acquire(new FleetGuard.SlotRequest("ep-g", "x", "x", java.util.OptionalDouble.empty()))
              .thenAccept(a -> {
                if (a.granted()) {
                  ghostHeld.add(ghost);
                }
              });
        }
      } else {
        String ghost = "g" + (1 + random.nextInt(3));
        boolean on = random.nextBoolean();
        log.add(ghost + (on ? " reports b" : " clears b"));
        fleet.member(ghost).publish(on ? Set.of("b") : Set.of());
      }
    }

    private void deliver() {
      log.add("deliver events");
      while (!eventTasks.isEmpty()) {
        eventTasks.remove(0).run();
      }
    }

    // -------------------------------------------------------------------------------------------
    // Invariants

    private void check() {
      Map<String, Integer> sizes = healer.internalSizes();
      int targets = 4;
      bound(sizes, "latest", 6);
      bound(sizes, "pending", 1);
      bound(sizes, "open", targets);
      bound(sizes, "cooldowns", targets);
      bound(sizes, "latched", plans.size() * 3);
      bound(sizes, "busy", targets);
      bound(sizes, "attempts", targets);
      bound(sizes, "engine.attempts", targets);
      bound(sizes, "episodes", 2 * targets);
      bound(sizes, "timers", 32);
      bound(sizes, "engine.timers", 32);
      if (fleet != null) {
        List<String> holders = fleet.state().holders(clock.now());
        if (holders.size() > fleet.capacity()) {
          violations.add("fleet over-filled: " + holders + " hold slots, capacity " + fleet.capacity());
        }
      }
      Map<String, Long> perTarget = new HashMap<>();
      for (Engine.Attempt a : running.values()) {
        perTarget.merge(a.context().target(), 1L, Long::sum);
      }
      perTarget.forEach((t, n) -> {
        if (n > 1) {
          violations.add(n + " attempts running on " + t);
        }
      });
      for (Episode e : healer.journal().open()) {
        if (Duration.between(e.detectedAt(), clock.now()).compareTo(maxDuration) > 0) {
          violations.add("episode " + e.id() + " open past maxEpisodeDuration " + maxDuration);
        }
      }
      for (Episode e : healer.journal().recent(Integer.MAX_VALUE)) {
        String key = e.plan() + "|" + e.trigger().resolutionKey();
        if (knownEpisodes.add(e.id())) {
          if (!e.steps().isEmpty() || e.isOpen()) {
            if (latched.contains(key)) {
              violations.add("plan " + e.plan() + " reopened (" + e.id() + ") before its trigger cleared after giving up");
            }
          }
        }
        if (e.outcome().filter(o -> o == Outcome.GAVE_UP || o == Outcome.TIMED_OUT).isPresent()
            && knownClosed.add(e.id())) {
          Signal last = lastSent.get(e.trigger().resolutionKey());
          RecoveryPlan plan = plans.stream().filter(p -> p.name().equals(e.plan())).findFirst().orElseThrow();
          if (last != null && plan.trigger().isFiring(last) && !closed) {
            latched.add(key);
          }
        }
      }
    }

    final Set<String> knownClosed = new HashSet<>();

    private void bound(Map<String, Integer> sizes, String map, int max) {
      if (sizes.get(map) > max) {
        violations.add("map " + map + " holds " + sizes.get(map) + " entries, more than " + max);
      }
    }

    private void finish() {
      log.add("finish: close, return every hung attempt, deliver");
      healer.close();
      closed = true;
      for (Engine.Attempt a : List.copyOf(queued)) {
        if (a.begin(() -> { })) {
          violations.add("attempt " + a.token() + " started after close()");
        }
      }
      queued.clear();
      for (long token : List.copyOf(running.keySet())) {
        finishAttempt(token, Behaviour.INTERRUPTED);
      }
      // The store answers everything; retries after a conflict wait on the clock: let them run, then answer them.
      for (int round = 0; round < 50; round++) {
        while (!fleetTasks.isEmpty()) {
          fleetTasks.remove(0).run();
        }
        clock.advance(Duration.ofMinutes(1));
      }
      if (!fleetTasks.isEmpty()) {
        violations.add("the fleet store still has " + fleetTasks.size() + " calls after 50 rounds");
      }
      clock.advance(Duration.ofMinutes(30));
      deliver();
      if (fleet != null) {
        for (FleetState.Slot slot : fleet.state().slots().values()) {
          if (slot.member().equals("me")) {
            violations.add("after close, " + slot.key() + " still holds a fleet slot");
          }
        }
        if (!((StoreFleetGuard) fleet.member("me")).held().isEmpty()) {
          violations.add("after close the guard still holds " + ((StoreFleetGuard) fleet.member("me")).held());
        }
      }
      for (HealEvent e : seen) {
        if (e.type() == HealEvent.Type.FLEET_REFUSED) {
          if (e.message().contains("slots held by")) {
            FULL.incrementAndGet();
          } else if (e.message().contains("shared cause")) {
            FLEET_WIDE.incrementAndGet();
          }
        }
      }
      Map<String, Integer> started = new HashMap<>();
      long dryRuns = 0;
      for (HealEvent e : seen) {
        if (e.type() == HealEvent.Type.STEP_STARTED) {
          Episode ep = e.episode().orElseThrow();
          StepRecord last = ep.steps().get(ep.steps().size() - 1);
          started.merge(ep.id() + "/" + last.name() + "/" + last.attempt(), 1, Integer::sum);
          if (last.dryRun()) {
            dryRuns++;
          }
        }
      }
      long finishedEvents = seen.stream().filter(e -> e.type() == HealEvent.Type.STEP_FINISHED).count();
      long startedEvents = seen.stream().filter(e -> e.type() == HealEvent.Type.STEP_STARTED).count();
      if (startedEvents != finishedEvents) {
        violations.add(startedEvents + " STEP_STARTED but " + finishedEvents + " STEP_FINISHED");
      }
      for (Map.Entry<String, Integer> s : started.entrySet()) {
        if (s.getValue() != 1) {
          violations.add("attempt " + s.getKey() + " started " + s.getValue() + " times");
        }
        if (!s.getKey().contains("/fix") && !s.getKey().contains("/reconnect") && !s.getKey().contains("/restart")) {
          violations.add("unexpected step id " + s.getKey());
        }
      }
      for (Map.Entry<String, ActionResult> r : realResults.entrySet()) {
        Episode ep = healer.journal().find(r.getKey().split("/")[0]).orElse(null);
        if (ep == null) {
          continue; // dropped from the journal's ring
        }
        String[] k = r.getKey().split("/");
        StepRecord rec = ep.steps().stream().filter(x -> x.name().equals(k[1]) && x.attempt() == Integer.parseInt(k[2]))
            .findFirst().orElse(null);
        if (rec == null || rec.status().isEmpty() || rec.status().get() != r.getValue().status()
            || !rec.message().startsWith(r.getValue().message())) {
          violations.add("attempt " + r.getKey() + " returned " + r.getValue() + " but was journaled as " + rec);
        }
      }
      if (grants != launched + dryRuns) {
        violations.add(grants + " budget tokens granted for " + launched + " attempts queued and " + dryRuns
            + " dry runs");
      }
      if (realResults.size() != started.size() - dryRuns) {
        violations.add(started.size() + " attempts started (" + dryRuns + " dry runs) but " + realResults.size()
            + " returned");
      }
      for (Map.Entry<String, Integer> h : heldBy.entrySet()) {
        if (releases.getOrDefault(h.getKey(), 0) != 1) {
          violations.add("held " + h.getKey() + " released " + releases.getOrDefault(h.getKey(), 0) + " times");
        }
      }
      Map<String, Integer> sizes = healer.internalSizes();
      for (Map.Entry<String, Integer> s : sizes.entrySet()) {
        if (!s.getKey().equals("replays") && !s.getKey().equals("notes") && s.getValue() != 0) {
          violations.add("after close and every attempt returned, map " + s.getKey() + " still holds " + s.getValue());
        }
      }
    }

    long launched;

    private static StepRecord lastStarted(Episode ep) {
      return ep.steps().get(ep.steps().size() - 1);
    }
  }
}
