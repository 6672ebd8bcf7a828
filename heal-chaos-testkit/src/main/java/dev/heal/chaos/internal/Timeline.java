package dev.heal.chaos.internal;

import dev.heal.chaos.ExperimentResult;
import dev.heal.chaos.RequestSample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Requests of an experiment bucketed over time, for the JSON timeline and the SVG. Buckets start at
 * the experiment's start and have a 1-2-5 width (100 ms, 200 ms, 500 ms, 1 s, 2 s, 5 s, ...), at
 * least one second once the experiment lasts ten seconds or more, so bucket edges fall on whole
 * seconds and a steady load gives equal buckets (no aliasing). Not API. Thread-safe (stateless).
 */
public final class Timeline {
  /** At most this many buckets. */
  public static final int MAX_BUCKETS = 60;

  /**
   * One bucket: requests and errors started in it, p50 and p99 latency (ms, 0 without requests).
   *
   * @param coveredNanos how much of the bucket lies within the experiment (less than the width for
   *     a last, partial bucket); rates divide by this
   */
  public record Bucket(long startNanos, long widthNanos, long coveredNanos, int requests, int errors, double p50Millis,
      double p99Millis) {
    /** Requests per second started in this bucket. */
    public double rate() {
      return coveredNanos == 0 ? 0 : requests * 1e9 / coveredNanos;
    }

    /** Failed requests per second started in this bucket. */
    public double errorRate() {
      return coveredNanos == 0 ? 0 : errors * 1e9 / coveredNanos;
    }
  }

  private Timeline() {}

  /** The bucket width for an experiment of {@code durationNanos}: see the class comment. */
  public static long bucketWidth(long durationNanos) {
    long min = durationNanos >= 10_000_000_000L ? 1_000_000_000L : 100_000_000L;
    long target = Math.max(min, ceilDiv(durationNanos, MAX_BUCKETS));
    return Ticks.niceCeil(target);
  }

  public static List<Bucket> of(ExperimentResult r) {
    long total = Math.max(1, r.duration().toNanos());
    long width = bucketWidth(total);
    int buckets = (int) Math.max(1, ceilDiv(total, width));
    List<List<RequestSample>> parts = new ArrayList<>();
    for (int i = 0; i < buckets; i++) {
      parts.add(new ArrayList<>());
    }
    for (RequestSample s : r.requests()) {
      int i = (int) Math.min(buckets - 1, Math.max(0, s.offsetNanos() / width));
      parts.get(i).add(s);
    }
    List<Bucket> out = new ArrayList<>(buckets);
    for (int i = 0; i < buckets; i++) {
      List<RequestSample> p = parts.get(i);
      long[] lat = p.stream().mapToLong(RequestSample::latencyNanos).toArray();
      Arrays.sort(lat);
      int errors = (int) p.stream().filter(s -> !s.ok()).count();
      long start = i * width;
      out.add(new Bucket(start, width, Math.min(width, total - start), p.size(), errors, quantile(lat, 0.5),
          quantile(lat, 0.99)));
    }
    return out;
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }

  private static double quantile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
  }
}
