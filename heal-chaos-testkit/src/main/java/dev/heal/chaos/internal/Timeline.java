package dev.heal.chaos.internal;

import dev.heal.chaos.ExperimentResult;
import dev.heal.chaos.RequestSample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Requests of an experiment bucketed over time, for the JSON timeline and the SVG. Not API. */
public final class Timeline {
  /** One bucket: requests and errors started in it, p50 and p99 latency (ms). */
  public record Bucket(long startNanos, long widthNanos, int requests, int errors, double p50Millis, double p99Millis) {}

  private Timeline() {}

  public static List<Bucket> of(ExperimentResult r, int buckets) {
    long total = Math.max(1, r.duration().toNanos());
    long width = Math.max(1, (total + buckets - 1) / buckets);
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
      out.add(new Bucket(i * width, width, p.size(), errors, quantile(lat, 0.5), quantile(lat, 0.99)));
    }
    return out;
  }

  private static double quantile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
  }
}
