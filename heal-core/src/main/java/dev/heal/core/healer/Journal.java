package dev.heal.core.healer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The healer's in-process record of episodes: every open episode and the most recent closed ones.
 * Episodes that acted (ran or would have run a step) and refusals (triggers the action budget
 * refused, with no step) are kept apart, each up to the capacity, oldest closed dropped first, so a
 * storm of refusals cannot push real episodes out. Queryable by code and served as JSON at
 * {@code /heal/episodes} by heal-http, whose {@code JsonLinesJournal} keeps a durable copy. Thread-safe.
 */
public final class Journal {
  private final int capacity;
  private final LinkedHashMap<String, Entry> acted = new LinkedHashMap<>();
  private final LinkedHashMap<String, Entry> refused = new LinkedHashMap<>();
  private final java.util.ArrayDeque<HealEvent> notes = new java.util.ArrayDeque<>();
  private long sequence;

  private record Entry(long seq, Episode episode) {}

  Journal(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("journal capacity must be at least 1: " + capacity);
    }
    this.capacity = capacity;
  }

  synchronized void update(Episode e) {
    boolean refusal = e.steps().isEmpty() && e.outcome().filter(o -> o == Outcome.BUDGET_EXHAUSTED).isPresent();
    LinkedHashMap<String, Entry> ring = refusal && !acted.containsKey(e.id()) ? refused : acted;
    Entry old = ring.get(e.id());
    ring.put(e.id(), new Entry(old == null ? sequence++ : old.seq(), e));
    if (ring.size() > capacity) {
      Iterator<Entry> it = ring.values().iterator();
      while (ring.size() > capacity && it.hasNext()) {
        if (!it.next().episode().isOpen()) {
          it.remove();
        }
      }
    }
  }

  synchronized void note(HealEvent e) {
    notes.addFirst(e);
    while (notes.size() > 100) {
      notes.removeLast();
    }
  }

  /**
   * The last 100 signals the healer ignored (no plan matched, replayed alert, plan latched after
   * giving up) or held back (cooldown), newest first; one note per key per minute.
   */
  public synchronized List<HealEvent> notes() {
    return List.copyOf(notes);
  }

  /** Up to {@code limit} episodes, acted and refused together, newest first. */
  public synchronized List<Episode> recent(int limit) {
    List<Entry> all = new ArrayList<>(acted.values());
    all.addAll(refused.values());
    all.sort((a, b) -> Long.compare(b.seq(), a.seq()));
    return all.subList(0, Math.min(Math.max(0, limit), all.size())).stream().map(Entry::episode).toList();
  }

  /** Up to {@code limit} episodes that ran (or, in dry-run, would have run) a step, newest first. */
  public synchronized List<Episode> recentActed(int limit) {
    List<Episode> all = new ArrayList<>(acted.values().stream().map(Entry::episode).toList());
    Collections.reverse(all);
    return List.copyOf(all.subList(0, Math.min(Math.max(0, limit), all.size())));
  }

  /** All open episodes, oldest first. */
  public synchronized List<Episode> open() {
    return acted.values().stream().map(Entry::episode).filter(Episode::isOpen).toList();
  }

  public synchronized Optional<Episode> find(String id) {
    Entry e = acted.get(id);
    if (e == null) {
      e = refused.get(id);
    }
    return Optional.ofNullable(e).map(Entry::episode);
  }

  /** Number of episodes held, acted and refused. */
  public synchronized int size() {
    return acted.size() + refused.size();
  }
}
