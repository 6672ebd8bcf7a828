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
 * {@code /heal/episodes}; {@link JsonLinesJournal} keeps a durable copy. Thread-safe.
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

  /** Episodes as JSON-friendly maps: the journal format of {@code /heal/episodes} and JSON lines. */
  public static Map<String, Object> toMap(Episode e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", e.id());
    m.put("plan", e.plan());
    m.put("target", e.target());
    m.put("dryRun", e.dryRun());
    Map<String, Object> trigger = new LinkedHashMap<>();
    trigger.put("source", e.trigger().source());
    trigger.put("name", e.trigger().name());
    trigger.put("message", e.trigger().message());
    trigger.put("labels", e.trigger().labels());
    m.put("trigger", trigger);
    m.put("firstFailingAt", e.firstFailingAt().toString());
    m.put("detectedAt", e.detectedAt().toString());
    m.put("timeToDetectMs", e.timeToDetect().toMillis());
    m.put("outcome", e.outcome().map(Enum::name).orElse(null));
    m.put("endedAt", e.endedAt().map(Object::toString).orElse(null));
    m.put("timeToRecoverMs", e.timeToRecover().map(java.time.Duration::toMillis).orElse(null));
    List<Map<String, Object>> steps = new ArrayList<>();
    for (StepRecord s : e.steps()) {
      Map<String, Object> sm = new LinkedHashMap<>();
      sm.put("step", s.step());
      sm.put("name", s.name());
      sm.put("action", s.action());
      sm.put("attempt", s.attempt());
      sm.put("startedAt", s.startedAt().toString());
      sm.put("endedAt", s.endedAt().map(Object::toString).orElse(null));
      sm.put("status", s.status().map(Enum::name).orElse(null));
      sm.put("message", s.message());
      sm.put("verified", s.verified());
      sm.put("dryRun", s.dryRun());
      steps.add(sm);
    }
    m.put("steps", steps);
    m.put("joined", e.joined());
    return m;
  }
}
