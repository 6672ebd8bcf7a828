package dev.heal.core.fleet;

import dev.heal.core.fleet.spi.FleetStore;
import dev.heal.core.time.HealClock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * A fleet in one process: one shared {@link FleetState} and a {@link StoreFleetGuard} per member,
 * for services whose replicas are threads or modules of one JVM, and for tests. A member can be
 * {@link #cut cut off} (every store call it makes fails), which is how a crashed or partitioned
 * replica looks to the others: its slot lapses after the TTL.
 *
 * <pre>{@code
 * InMemoryFleet fleet = InMemoryFleet.builder().replicas(4).share(0.25).build();
 * Healer healer = Healer.builder().fleetGuard(fleet.member("replica-1")) ... .build();
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class InMemoryFleet {
  private final Object lock = new Object();
  private final IntSupplier replicas;
  private final IntSupplier ready;
  private final Builder settings;
  private final Map<String, StoreFleetGuard> members = new ConcurrentHashMap<>();
  private final Map<String, Boolean> cut = new ConcurrentHashMap<>();
  private FleetState state = FleetState.EMPTY; // guarded by lock
  private long version;                        // guarded by lock
  private long saves;                          // guarded by lock

  private InMemoryFleet(Builder b) {
    this.replicas = b.replicas;
    this.ready = b.ready != null ? b.ready : b.replicas;
    this.settings = b;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The guard of member {@code name}, created on first use. */
  public StoreFleetGuard member(String name) {
    return members.computeIfAbsent(name, n -> {
      StoreFleetGuard.Builder b = StoreFleetGuard.builder().io(Runnable::run).publishEvery(Duration.ZERO)
          .backoff(Duration.ofMillis(50), Duration.ofSeconds(1));
      settings.guard.accept(b);
      return b.store(new MemberStore(n)).member(n).share(settings.share).clock(settings.clock).build();
    });
  }

  /** Cuts member {@code name} off (true) or reconnects it (false): its store calls fail while cut. */
  public void cut(String name, boolean off) {
    cut.put(name, off);
  }

  /** The shared state now. */
  public FleetState state() {
    synchronized (lock) {
      return state;
    }
  }

  /** Successful saves so far. */
  public long saves() {
    synchronized (lock) {
      return saves;
    }
  }

  /** The fleet size now: the desired replicas and the ready ones. */
  public FleetSize size() {
    return new FleetSize(replicas.getAsInt(), ready.getAsInt());
  }

  /**
   * Slots for the fleet now, with its live holders: {@link FleetSize#slots
   * max(1, floor(share × min(desired, max(ready, holders))))}.
   */
  public int capacity() {
    FleetState s = state();
    return size().slots(settings.share, s.holders(settings.clock.now()).size());
  }

  private final class MemberStore implements FleetStore {
    private final String name;

    MemberStore(String name) {
      this.name = name;
    }

    private void reachable() {
      if (cut.getOrDefault(name, false)) {
        throw new IllegalStateException("member " + name + " is cut off from the fleet store");
      }
    }

    @Override
    public Versioned load() {
      reachable();
      synchronized (lock) {
        return new Versioned(state, Long.toString(version));
      }
    }

    @Override
    public boolean save(FleetState next, String expectedVersion) {
      reachable();
      synchronized (lock) {
        if (!Long.toString(version).equals(expectedVersion)) {
          return false;
        }
        state = next;
        version++;
        saves++;
        return true;
      }
    }

    @Override
    public FleetSize size() {
      return InMemoryFleet.this.size();
    }
  }

  /** Builds an {@link InMemoryFleet}. Not thread-safe. */
  public static final class Builder {
    private IntSupplier replicas;
    private IntSupplier ready;
    private double share = 0.25;
    private HealClock clock = HealClock.system();
    private Consumer<StoreFleetGuard.Builder> guard = g -> { };

    private Builder() {}

    /** The fleet size. Required. */
    public Builder replicas(int replicas) {
      if (replicas < 1) {
        throw new IllegalArgumentException("replicas must be at least 1: " + replicas);
      }
      this.replicas = () -> replicas;
      return this;
    }

    /** The fleet size, read at every acquisition (it may change). Required unless {@link #replicas(int)}. */
    public Builder replicas(IntSupplier replicas) {
      this.replicas = Objects.requireNonNull(replicas, "replicas");
      return this;
    }

    /**
     * The replicas ready now, read at every acquisition: slots are a share of these (see
     * {@link FleetSize}). Default: every replica is ready ({@link #replicas}). A supplier that
     * answers a negative count makes the acquisition fail (and retry) with a message saying so.
     */
    public Builder ready(IntSupplier ready) {
      this.ready = Objects.requireNonNull(ready, "ready");
      return this;
    }

    /** Share of the serving replicas that may hold a slot at once, in (0, 1]. Default 0.25. */
    public Builder share(double share) {
      this.share = StoreFleetGuard.checkedShare(share);
      return this;
    }

    /** Timers for renewal and backoff. Default {@link HealClock#system()}. */
    public Builder clock(HealClock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The members' guard settings (ttl, publishEvery, maxAttempts, backoff, io, seed; see
     * {@link StoreFleetGuard.Builder}). In memory the defaults differ: store calls run inline in the
     * caller, symptoms are written at once, backoff 50 ms to 1 s.
     */
    public Builder guard(Consumer<StoreFleetGuard.Builder> settings) {
      this.guard = Objects.requireNonNull(settings, "settings");
      return this;
    }

    public InMemoryFleet build() {
      if (replicas == null) {
        throw new IllegalStateException("replicas must be set (the fleet size slots are computed from)");
      }
      return new InMemoryFleet(this);
    }
  }
}
