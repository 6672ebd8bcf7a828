package dev.heal.examples.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Every request the demo made (steady load and the overload burst): offset from the start,
 * latency, success. Thread-safe.
 */
final class RequestLog {
  record Entry(long offsetNanos, long latencyNanos, boolean ok, boolean burst) {}

  private final ConcurrentLinkedQueue<Entry> entries = new ConcurrentLinkedQueue<>();

  void add(long offsetNanos, long latencyNanos, boolean ok, boolean burst) {
    entries.add(new Entry(offsetNanos, latencyNanos, ok, burst));
  }

  List<Entry> between(long fromNanos, long toNanos) {
    return between(fromNanos, toNanos, true);
  }

  /** Requests started in [from, to); with {@code withBurst=false} only the steady load. */
  List<Entry> between(long fromNanos, long toNanos, boolean withBurst) {
    List<Entry> out = new ArrayList<>();
    for (Entry e : entries) {
      if (e.offsetNanos >= fromNanos && e.offsetNanos < toNanos && (withBurst || !e.burst)) {
        out.add(e);
      }
    }
    return out;
  }

  static double availability(List<Entry> es) {
    if (es.isEmpty()) {
      return Double.NaN;
    }
    return es.stream().filter(Entry::ok).count() / (double) es.size();
  }

  static Duration percentile(List<Entry> es, double q) {
    if (es.isEmpty()) {
      return Duration.ZERO;
    }
    long[] l = es.stream().mapToLong(Entry::latencyNanos).toArray();
    Arrays.sort(l);
    int idx = (int) Math.min(l.length - 1, Math.max(0, Math.ceil(q * l.length) - 1));
    return Duration.ofNanos(l[idx]);
  }
}
