package dev.heal.core.healer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The healer's in-process record of episodes: every open episode and the most recent closed ones
 * (oldest closed dropped first beyond the capacity). Queryable by code and served as JSON at
 * {@code /heal/episodes}; {@link JsonLinesJournal} keeps a durable copy. Thread-safe.
 */
public final class Journal {
  private final int capacity;
  private final LinkedHashMap<String, Episode> episodes = new LinkedHashMap<>();
  private final java.util.ArrayDeque<HealEvent> notes = new java.util.ArrayDeque<>();

  Journal(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("journal capacity must be at least 1: " + capacity);
    }
    this.capacity = capacity;
  }

  synchronized void update(Episode e) {
    episodes.put(e.id(), e);
    if (episodes.size() > capacity) {
      Iterator<Episode> it = episodes.values().iterator();
      while (episodes.size() > capacity && it.hasNext()) {
        if (!it.next().isOpen()) {
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
   * The last 100 signals the healer ignored (no plan matched, replayed alert) or held back
   * (cooldown), newest first.
   */
  public synchronized List<HealEvent> notes() {
    return List.copyOf(notes);
  }

  /** Up to {@code limit} episodes, newest first. */
  public synchronized List<Episode> recent(int limit) {
    List<Episode> all = new ArrayList<>(episodes.values());
    Collections.reverse(all);
    return List.copyOf(all.subList(0, Math.min(Math.max(0, limit), all.size())));
  }

  /** All open episodes, oldest first. */
  public synchronized List<Episode> open() {
    return episodes.values().stream().filter(Episode::isOpen).toList();
  }

  public synchronized Optional<Episode> find(String id) {
    return Optional.ofNullable(episodes.get(id));
  }

  /** Number of episodes held. */
  public synchronized int size() {
    return episodes.size();
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
