package dev.heal.core.healer.internal;

import dev.heal.core.fleet.FleetGuard;
import dev.heal.core.fleet.SlotAnswer;
import dev.heal.core.healer.Action;
import dev.heal.core.healer.ActionContext;
import dev.heal.core.healer.ActionResult;
import dev.heal.core.healer.Episode;
import dev.heal.core.healer.HealEvent;
import dev.heal.core.healer.Signal;
import dev.heal.core.healer.Verification;
import dev.heal.core.healer.internal.Command.Loudness;
import dev.heal.core.time.HealClock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The action runner: feeds inputs to the {@link EpisodeMachine} under one decision lock and
 * carries out the commands it returns. Internal bookkeeping (journal, event queue, timers,
 * interrupts) happens under the lock, in decision order; everything that runs user code (actions,
 * verifications, releases, health re-checks, listeners) happens after the lock is released.
 *
 * <p>Attempts carry their token: a pool thread asks the machine for permission before it calls the
 * action ({@link Attempt#begin}), so an attempt whose episode ended while it was queued, or that was
 * queued before {@link #close()}, never runs; its result is reported by token, so a late result
 * changes no decision.
 *
 * <p>Thread-safe.
 */
public final class Engine {
  private static final Logger log = LoggerFactory.getLogger("dev.heal.core.healer.Healer");

  /** Where attempts run. May throw {@link RejectedExecutionException}. */
  @FunctionalInterface
  public interface Launcher {
    void launch(Attempt attempt);
  }

  /** Interrupts a running attempt (its thread, or the call of a timed executor). */
  @FunctionalInterface
  public interface Interruptor {
    void interrupt();
  }

  /** The in-memory journal, fed in decision order under the lock. */
  public interface JournalSink {
    void update(Episode episode);

    void note(HealEvent event);
  }

  private final Object lock = new Object();
  private final EpisodeMachine machine;
  private final HealClock clock;
  private final Launcher launcher;
  private final EventDispatcher events;
  private final JournalSink journal;
  private final Consumer<String> recheck;
  private final FleetGuard fleet;
  // Guarded by lock.
  private final Map<Long, Attempt> attempts = new HashMap<>();
  private final Map<Long, HealClock.Cancellable> timers = new HashMap<>();

  public Engine(EpisodeMachine machine, HealClock clock, Launcher launcher, EventDispatcher events,
      JournalSink journal, Consumer<String> recheck) {
    this(machine, clock, launcher, events, journal, recheck, null);
  }

  /** An engine whose machine asks {@code fleet} (may be null: none) for slots for disruptive steps. */
  public Engine(EpisodeMachine machine, HealClock clock, Launcher launcher, EventDispatcher events,
      JournalSink journal, Consumer<String> recheck, FleetGuard fleet) {
    this.fleet = fleet;
    if (fleet != null) {
      fleet.onSlotLost(episode -> decide(m -> m.slotLost(episode, now())));
    }
    this.machine = Objects.requireNonNull(machine, "machine");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.launcher = Objects.requireNonNull(launcher, "launcher");
    this.events = Objects.requireNonNull(events, "events");
    this.journal = Objects.requireNonNull(journal, "journal");
    this.recheck = Objects.requireNonNull(recheck, "recheck");
  }

  /** A signal arrived. Never blocks on user code, never throws for a well-formed signal. */
  public void signal(Signal s) {
    Objects.requireNonNull(s, "signal");
    decide(m -> m.signal(s, now()));
  }

  /** Reports a change of the degradation level. */
  public void degradationChanged(String message) {
    decide(m -> m.degradationChanged(message, now()));
  }

  /** Ends every open episode CANCELLED and interrupts running attempts; nothing starts afterwards. */
  public void close() {
    decide(m -> m.close(now()));
  }

  public boolean isClosed() {
    synchronized (lock) {
      return machine.isClosed();
    }
  }

  public long budgetRemaining() {
    synchronized (lock) {
      return machine.budgetRemaining(clock.nanoTime());
    }
  }

  public long budgetCapacity() {
    synchronized (lock) {
      return machine.budgetCapacity();
    }
  }

  public long refusedActions() {
    synchronized (lock) {
      return machine.refusedActions();
    }
  }

  /** Sizes of the machine's maps (see {@link EpisodeMachine#sizes()}). */
  public Map<String, Integer> sizes() {
    synchronized (lock) {
      Map<String, Integer> m = new java.util.LinkedHashMap<>(machine.sizes());
      m.put("engine.attempts", attempts.size());
      m.put("engine.timers", timers.size());
      return m;
    }
  }

  /**
   * An operator's change (enable/disable a plan, dry-run, budget refill/resize), decided under the
   * decision lock like every other input. An exception the machine throws for bad input (before it
   * changes anything) reaches the caller.
   */
  public void control(java.util.function.BiConsumer<EpisodeMachine, EpisodeMachine.Now> change) {
    Objects.requireNonNull(change, "change");
    decide(m -> change.accept(m, now()));
  }

  /** Reads the machine under the decision lock (for a consistent view of several values). */
  public <T> T read(java.util.function.BiFunction<EpisodeMachine, Long, T> view) {
    synchronized (lock) {
      return view.apply(machine, clock.nanoTime());
    }
  }

  public EventDispatcher events() {
    return events;
  }

  private EpisodeMachine.Now now() {
    return new EpisodeMachine.Now(clock.nanoTime(), clock.now());
  }

  private void decide(Consumer<EpisodeMachine> input) {
    List<Runnable> after = new ArrayList<>();
    synchronized (lock) {
      input.accept(machine);
      apply(machine.drain(), after);
    }
    runAfter(after);
  }

  private void runAfter(List<Runnable> after) {
    try {
      for (Runnable r : after) {
        r.run();
      }
    } finally {
      events.kick();
    }
  }

  /** Under the lock: bookkeeping now, user code collected for after the lock. */
  private void apply(List<Command> commands, List<Runnable> after) {
    for (Command c : commands) {
      if (c instanceof Command.Emit e) {
        HealEvent event = e.event();
        event.episode().ifPresent(journal::update);
        if (event.type() == HealEvent.Type.IGNORED || event.type() == HealEvent.Type.SUPPRESSED
            || event.type() == HealEvent.Type.BUDGET_EXHAUSTED) {
          journal.note(event);
        }
        events.offer(event);
        log(e.loudness(), event.message());
      } else if (c instanceof Command.Record r) {
        journal.update(r.episode());
      } else if (c instanceof Command.Log l) {
        log(l.loudness(), l.message());
      } else if (c instanceof Command.StartAttempt s) {
        Attempt a = new Attempt(s);
        attempts.put(s.token(), a);
        after.add(() -> launch(a));
      } else if (c instanceof Command.Dropped d) {
        attempts.remove(d.token());
      } else if (c instanceof Command.Interrupt i) {
        Attempt a = attempts.get(i.token());
        if (a != null && a.interruptor != null) {
          a.interruptor.interrupt();
        }
      } else if (c instanceof Command.Schedule s) {
        long id = s.id();
        timers.put(id, clock.schedule(s.delay(), () -> decide(m -> {
          timers.remove(id);
          m.timer(id, now());
        })));
      } else if (c instanceof Command.CancelTimer t) {
        HealClock.Cancellable timer = timers.remove(t.id());
        if (timer != null) {
          timer.cancel();
        }
      } else if (c instanceof Command.Recheck r) {
        after.add(() -> guarded("re-check " + r.check(), () -> recheck.accept(r.check())));
      } else if (c instanceof Command.Poll p) {
        after.add(() -> poll(p.episode(), p.generation(), p.verification()));
      } else if (c instanceof Command.Release r) {
        after.add(() -> guarded(r.action() + " releasing what it held for " + r.episodeId(),
            () -> r.action().episodeEnded(r.episodeId(), r.outcome())));
      } else if (c instanceof Command.AcquireSlot a) {
        after.add(() -> acquireSlot(a));
      } else if (c instanceof Command.ReleaseSlot r) {
        after.add(() -> guarded("fleet guard releasing the slot of " + r.episodeId(),
            () -> requireFleet().release(r.episodeId())));
      } else if (c instanceof Command.PublishSymptoms p) {
        after.add(() -> guarded("fleet guard publishing symptoms", () -> requireFleet().publish(p.failing())));
      }
    }
  }

  private void launch(Attempt a) {
    try {
      launcher.launch(a);
    } catch (RejectedExecutionException e) {
      if (a.begin(() -> { })) {
        a.returned(ActionResult.failed("action pool rejected the action: " + e.getMessage()));
      }
    }
  }

  private FleetGuard requireFleet() {
    if (fleet == null) {
      throw new IllegalStateException("the machine asked for a fleet guard but the engine has none");
    }
    return fleet;
  }

  /** Outside the lock: the guard may answer at once (in memory) or later (after its I/O). Exactly one answer. */
  private void acquireSlot(Command.AcquireSlot a) {
    java.util.concurrent.atomic.AtomicBoolean answered = new java.util.concurrent.atomic.AtomicBoolean();
    Consumer<SlotAnswer> answer = r -> {
      if (answered.compareAndSet(false, true)) {
        decide(m -> m.slotAnswered(a.ask(), r, now()));
      }
    };
    try {
      requireFleet().acquire(a.request()).whenComplete((r, t) -> answer.accept(r != null ? r
          : new SlotAnswer.Unreachable("the fleet guard failed: " + t)));
    } catch (VirtualMachineError e) {
      answer.accept(new SlotAnswer.Unreachable("the fleet guard threw " + e));
      throw e;
    } catch (Throwable t) {
      log.warn("heal: fleet guard threw on acquire; no slot", t);
      answer.accept(new SlotAnswer.Unreachable("the fleet guard threw " + t));
    }
  }

  private void poll(long episode, long generation, Verification v) {
    boolean healthy;
    try {
      healthy = v.isHealthy();
    } catch (VirtualMachineError e) {
      decide(m -> m.verified(episode, generation, false, now()));
      throw e;
    } catch (Throwable t) {
      log.debug("heal: verification threw; counted as not yet healthy", t);
      healthy = false;
    }
    boolean h = healthy;
    decide(m -> m.verified(episode, generation, h, now()));
  }

  private static void guarded(String what, Runnable r) {
    try {
      r.run();
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable t) {
      log.warn("heal: {} failed; healing continues", what, t);
    }
  }

  private static void log(Loudness loudness, String message) {
    switch (loudness) {
      case WARN -> log.warn("heal: {}", message);
      case INFO -> log.info("heal: {}", message);
      case DEBUG -> log.debug("heal: {}", message);
    }
  }

  /** What an action threw, as the result the machine journals. */
  public static ActionResult resultOf(Throwable t) {
    if (t instanceof InterruptedException) {
      return ActionResult.failed("interrupted");
    }
    String name = t.getClass().getName();
    return ActionResult.failed(t.getMessage() == null ? name : name + ": " + t.getMessage());
  }

  /**
   * One attempt of one step, as handed to the {@link Launcher}. {@link #run()} is the whole life
   * on a plain executor; a timed executor calls {@link #begin}, {@link #invoke()} and
   * {@link #returned} itself.
   */
  public final class Attempt implements Runnable {
    private final Command.StartAttempt command;
    private final ActionContext context;
    private Interruptor interruptor; // guarded by lock

    Attempt(Command.StartAttempt command) {
      this.command = command;
      this.context = new ActionContext(command.episodeId(), command.target(), command.trigger(), command.step(),
          command.attempt(), command.dryRun(), command.timeout(), clock);
    }

    public long token() {
      return command.token();
    }

    public Action action() {
      return command.action();
    }

    public ActionContext context() {
      return context;
    }

    /** Asks the machine whether this attempt may run now; if so, {@code interruptor} stops it. */
    public boolean begin(Interruptor interruptor) {
      boolean[] permitted = new boolean[1];
      decide(m -> {
        permitted[0] = m.attemptStarting(command.token(), now());
        if (permitted[0]) {
          this.interruptor = interruptor;
        } else {
          attempts.remove(command.token());
        }
      });
      return permitted[0];
    }

    /** Calls the action; what it throws (anything but a VirtualMachineError) becomes a FAILED result. */
    public ActionResult invoke() {
      try {
        ActionResult r = command.action().execute(context);
        return r != null ? r
            : ActionResult.failed(command.action().name() + " returned null instead of an ActionResult");
      } catch (VirtualMachineError e) {
        throw e;
      } catch (Throwable t) {
        return resultOf(t);
      }
    }

    /** Reports what the action returned; once. */
    public void returned(ActionResult result) {
      decide(m -> {
        attempts.remove(command.token());
        m.attemptReturned(command.token(), result, now());
      });
    }

    @Override
    public void run() {
      Thread thread = Thread.currentThread();
      if (!begin(thread::interrupt)) {
        return;
      }
      ActionResult result;
      try {
        result = invoke();
      } catch (VirtualMachineError e) {
        returned(resultOf(e));
        Thread.interrupted();
        throw e;
      }
      returned(result);
      // An interrupt that raced the return must not reach the pool's next task.
      Thread.interrupted();
    }

    @Override
    public String toString() {
      return "attempt " + command.token() + " of " + command.step() + " for " + command.target();
    }
  }
}
