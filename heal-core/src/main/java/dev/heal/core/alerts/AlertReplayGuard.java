package dev.heal.core.alerts;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Alertmanager re-sends a firing alert every {@code repeat_interval} and retries failed webhooks:
 * this remembers which alert instances (fingerprint + {@code startsAt}) heal has already
 * <em>handled</em> — opened or joined an episode for — so that a repeat never runs an action twice.
 * An instance that was only seen (held back by a cooldown, refused by the budget, or matched by no
 * plan) is not recorded, so its repeats are judged anew.
 *
 * <p>Bounded in time and in memory. An instance is remembered for {@code window} after it was
 * handled. Beyond {@code capacity} instances, the one that started earliest is forgotten and its
 * start becomes a <em>watermark</em> (kept for one window): an unknown instance that started at or
 * before the watermark is treated as a replay. So eviction can make heal skip an old alert it never
 * saw, but never re-run an action inside the window.
 *
 * <p>Not thread-safe: the healer's episode machine owns it. Times are the healer clock's
 * monotonic nanoseconds.
 */
public final class AlertReplayGuard {
  /** Default memory: 24 hours. */
  public static final Duration DEFAULT_WINDOW = Duration.ofHours(24);
  /** Default capacity: 10,000 alert instances (~150 bytes each). */
  public static final int DEFAULT_CAPACITY = 10_000;

  private final long windowNanos;
  private final int capacity;
  private final Map<String, Entry> byInstance = new HashMap<>();
  private final TreeSet<Entry> byStart = new TreeSet<>();
  private final ArrayDeque<Entry> byExpiry = new ArrayDeque<>();
  private Instant watermark;
  private long watermarkUntil;
  private long sequence;
  private long evicted;

  /**
   * @throws IllegalArgumentException if the window is not positive or the capacity is below 1
   */
  public AlertReplayGuard(Duration window, int capacity) {
    Objects.requireNonNull(window, "window");
    if (window.isZero() || window.isNegative()) {
      throw new IllegalArgumentException("alert replay window must be positive: " + window);
    }
    if (capacity < 1) {
      throw new IllegalArgumentException("alert replay capacity must be at least 1: " + capacity);
    }
    this.windowNanos = window.toNanos();
    this.capacity = capacity;
  }

  /** Whether the instance was handled inside the window (or is older than the eviction watermark). */
  public boolean isReplay(String fingerprint, Instant startsAt, long nowNanos) {
    expire(nowNanos);
    if (byInstance.containsKey(instance(fingerprint, startsAt))) {
      return true;
    }
    return watermark != null && !startsAt.isAfter(watermark);
  }

  /** Records that the instance opened or joined an episode. */
  public void handled(String fingerprint, Instant startsAt, long nowNanos) {
    expire(nowNanos);
    String key = instance(fingerprint, startsAt);
    Entry old = byInstance.remove(key);
    if (old != null) {
      byStart.remove(old);
    }
    Entry e = new Entry(key, startsAt, nowNanos + windowNanos, sequence++);
    byInstance.put(key, e);
    byStart.add(e);
    byExpiry.addLast(e);
    while (byInstance.size() > capacity) {
      Entry first = byStart.pollFirst();
      byInstance.remove(first.key);
      evicted++;
      if (watermark == null || first.startsAt.isAfter(watermark)) {
        watermark = first.startsAt;
      }
      watermarkUntil = nowNanos + windowNanos;
    }
  }

  /** Instances remembered now. */
  public int size() {
    return byInstance.size();
  }

  /** Instances forgotten early because the capacity was reached. */
  public long evicted() {
    return evicted;
  }

  public int capacity() {
    return capacity;
  }

  public Duration window() {
    return Duration.ofNanos(windowNanos);
  }

  private void expire(long nowNanos) {
    while (!byExpiry.isEmpty() && byExpiry.peekFirst().expiresAt - nowNanos <= 0) {
      Entry e = byExpiry.pollFirst();
      if (byInstance.get(e.key) == e) {
        byInstance.remove(e.key);
        byStart.remove(e);
      }
    }
    // Stale deque entries (re-handled instances) are skipped above; keep the deque bounded too.
    if (byExpiry.size() > 2 * capacity + 16) {
      byExpiry.removeIf(e -> byInstance.get(e.key) != e);
    }
    if (watermark != null && watermarkUntil - nowNanos <= 0) {
      watermark = null;
    }
  }

  private static String instance(String fingerprint, Instant startsAt) {
    return fingerprint + "@" + startsAt;
  }

  private record Entry(String key, Instant startsAt, long expiresAt, long seq) implements Comparable<Entry> {
    @Override
    public int compareTo(Entry o) {
      int c = startsAt.compareTo(o.startsAt);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }
}
