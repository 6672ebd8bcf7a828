package dev.heal.core.fleet;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the replicas of one workload share: who holds a slot for a disruptive step (per member and
 * episode, each with an expiry), and which shared symptoms each member reports failing (also with
 * an expiry). Pure and immutable: every operation returns a new state, so the same rules hold in
 * memory, in a ConfigMap, or in a model check. Slots count replicas, not episodes: two episodes of
 * one member that both drain take one slot.
 *
 * <p>Instants are wall-clock time, because the state is shared between processes. Thread-safe.
 *
 * @param members per member name, its published symptoms and when they expire
 * @param slots per key {@code member/episode}, the slot
 */
public record FleetState(Map<String, Member> members, Map<String, Slot> slots) {

  /** The empty fleet. */
  public static final FleetState EMPTY = new FleetState(Map.of(), Map.of());

  /**
   * One member's published failing symptoms.
   *
   * @param expires when they stop counting unless republished
   */
  public record Member(String name, Set<String> symptoms, Instant expires) {
    public Member {
      Objects.requireNonNull(name, "name");
      symptoms = Collections.unmodifiableSet(new TreeSet<>(symptoms));
      Objects.requireNonNull(expires, "expires");
    }
  }

  /**
   * One held slot.
   *
   * @param member the replica that holds it (its pod name)
   * @param episode the episode that holds it
   * @param since when it was granted
   * @param expires when it lapses unless renewed (a crashed holder's slot frees itself)
   */
  public record Slot(String member, String episode, Instant since, Instant expires) {
    public Slot {
      Objects.requireNonNull(member, "member");
      Objects.requireNonNull(episode, "episode");
      Objects.requireNonNull(since, "since");
      Objects.requireNonNull(expires, "expires");
    }

    /** The slot's key in {@link FleetState#slots()}. */
    public String key() {
      return key(member, episode);
    }

    static String key(String member, String episode) {
      return member + "/" + episode;
    }
  }

  /** The result of {@link #acquire}: the state to write (if it changed) and the answer. */
  public record Acquisition(FleetState next, SlotAnswer answer, boolean changed) {}

  public FleetState {
    members = Collections.unmodifiableMap(new TreeMap<>(members));
    slots = Collections.unmodifiableMap(new TreeMap<>(slots));
  }

  /**
   * Slots for {@code replicas} serving replicas: {@code max(1, floor(share × replicas))}. Which
   * replicas count is {@link FleetSize#serving}'s to say.
   */
  public static int capacity(int replicas, double share) {
    return Math.max(1, (int) Math.floor(share * Math.max(0, replicas)));
  }

  /** Drops expired slots and members. */
  public FleetState pruned(Instant now) {
    Map<String, Member> m = new TreeMap<>();
    members.forEach((k, v) -> {
      if (v.expires().isAfter(now)) {
        m.put(k, v);
      }
    });
    Map<String, Slot> s = new TreeMap<>();
    slots.forEach((k, v) -> {
      if (v.expires().isAfter(now)) {
        s.put(k, v);
      }
    });
    return new FleetState(m, s);
  }

  /** Distinct members holding a live slot at {@code now}, in name order. */
  public List<String> holders(Instant now) {
    TreeSet<String> h = new TreeSet<>();
    slots.values().forEach(s -> {
      if (s.expires().isAfter(now)) {
        h.add(s.member());
      }
    });
    return List.copyOf(h);
  }

  /** Live members reporting {@code symptom} at {@code now}. */
  public int failing(String symptom, Instant now) {
    int n = 0;
    for (Member m : members.values()) {
      if (m.expires().isAfter(now) && m.symptoms().contains(symptom)) {
        n++;
      }
    }
    return n;
  }

  /** {@link #acquire(String, String, String, OptionalDouble, FleetSize, double, Instant, Duration)} with every replica ready. */
  public Acquisition acquire(String member, String episode, String symptom, OptionalDouble unlessFleetWide,
      int replicas, double share, Instant now, Duration ttl) {
    return acquire(member, episode, symptom, unlessFleetWide, FleetSize.allReady(replicas), share, now, ttl);
  }

  /**
   * {@code member} asks for a slot for {@code episode}. Granted if it already holds one (for this
   * or another of its episodes: a replica counts once; a holder keeps its slot whatever the fleet
   * size is now), else if fewer than {@link FleetSize#slots} members hold one; refused as fleet-wide
   * first if more than {@code unlessFleetWide} of the desired replicas report {@code symptom}. A
   * grant renews the member's slots to {@code now + ttl}.
   */
  public Acquisition acquire(String member, String episode, String symptom, OptionalDouble unlessFleetWide,
      FleetSize size, double share, Instant now, Duration ttl) {
    FleetState p = pruned(now);
    List<String> holders = p.holders(now);
    int slots = size.slots(share, holders.size());
    int replicas = size.desired();
    boolean own = p.slots.containsKey(Slot.key(member, episode));
    if (!own && unlessFleetWide.isPresent() && symptom != null) {
      int failing = p.failing(symptom, now);
      if (replicas > 0 && (double) failing / replicas > unlessFleetWide.getAsDouble()) {
        return new Acquisition(p, new SlotAnswer.FleetWide(symptom, failing, replicas, unlessFleetWide.getAsDouble()),
            false);
      }
    }
    if (!own && !holders.contains(member) && holders.size() >= slots) {
      return new Acquisition(p, new SlotAnswer.Full(holders.size(), slots, holders), false);
    }
    Map<String, Slot> s = new TreeMap<>(p.slots);
    Slot previous = s.get(Slot.key(member, episode));
    s.put(Slot.key(member, episode), new Slot(member, episode, previous == null ? now : previous.since(), now.plus(ttl)));
    FleetState next = new FleetState(p.members, s).renewed(member, now, ttl);
    int held = holders.contains(member) ? holders.size() : holders.size() + 1;
    return new Acquisition(next, new SlotAnswer.Granted(held, slots), true);
  }

  /** Gives back {@code member}'s slot for {@code episode}. */
  public FleetState released(String member, String episode) {
    if (!slots.containsKey(Slot.key(member, episode))) {
      return this;
    }
    Map<String, Slot> s = new TreeMap<>(slots);
    s.remove(Slot.key(member, episode));
    return new FleetState(members, s);
  }

  /** Extends every slot {@code member} holds to {@code now + ttl}. */
  public FleetState renewed(String member, Instant now, Duration ttl) {
    Map<String, Slot> s = new TreeMap<>(slots);
    slots.forEach((k, v) -> {
      if (v.member().equals(member) && v.expires().isAfter(now)) {
        s.put(k, new Slot(v.member(), v.episode(), v.since(), now.plus(ttl)));
      }
    });
    return new FleetState(members, s);
  }

  /** {@code member} reports {@code symptoms} failing until {@code now + ttl}; none removes it. */
  public FleetState published(String member, Set<String> symptoms, Instant now, Duration ttl) {
    Map<String, Member> m = new TreeMap<>(members);
    if (symptoms.isEmpty()) {
      m.remove(member);
    } else {
      m.put(member, new Member(member, symptoms, now.plus(ttl)));
    }
    return new FleetState(m, slots);
  }

  /** Whether {@code member} holds a live slot for {@code episode} at {@code now}. */
  public boolean holds(String member, String episode, Instant now) {
    Slot s = slots.get(Slot.key(member, episode));
    return s != null && s.expires().isAfter(now);
  }

  /** The fleet as {@code member} sees it at {@code now}, for a fleet of {@code replicas}, all ready. */
  public FleetView view(String member, int replicas, double share, Instant now) {
    return view(member, FleetSize.allReady(replicas), share, now);
  }

  /** The fleet as {@code member} sees it at {@code now}, for a fleet of {@code size}. */
  public FleetView view(String member, FleetSize size, double share, Instant now) {
    FleetState p = pruned(now);
    int replicas = size.desired();
    List<String> holders = p.holders(now);
    TreeMap<String, Integer> counts = new TreeMap<>();
    p.members.values().forEach(m -> m.symptoms().forEach(s -> counts.merge(s, 1, Integer::sum)));
    List<FleetView.SymptomShare> shares = new ArrayList<>();
    counts.forEach((s, n) -> shares.add(new FleetView.SymptomShare(s, n, replicas)));
    return new FleetView(member, replicas, size.ready(), size.serving(holders.size()),
        size.slots(share, holders.size()), holders, List.copyOf(p.slots.values()), shares, now);
  }
}
