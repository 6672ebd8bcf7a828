package dev.heal.k8s.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The persisted memory of the guardrails: when each workload was disrupted and until when each
 * (action, target) cools down. Wall-clock instants, because they must survive a restart of the
 * healer (monotonic time does not). Immutable; encodes to and from ConfigMap data.
 */
public record Ledger(Map<String, List<Instant>> disruptions, Map<String, Instant> cooldowns) {
  static final String DISRUPTIONS = "disruptions.";
  static final String COOLDOWN = "cooldown.";

  public static final Ledger EMPTY = new Ledger(Map.of(), Map.of());

  public Ledger {
    Map<String, List<Instant>> d = new TreeMap<>();
    disruptions.forEach((k, v) -> {
      if (!v.isEmpty()) {
        List<Instant> sorted = new ArrayList<>(v);
        sorted.sort(Comparator.naturalOrder());
        d.put(k, List.copyOf(sorted));
      }
    });
    disruptions = java.util.Collections.unmodifiableMap(d);
    cooldowns = java.util.Collections.unmodifiableMap(new TreeMap<>(cooldowns));
  }

  /** Disruptions of {@code workload} in the window {@code (now - window, now]}. */
  public int disruptionsWithin(String workload, Instant now, Duration window) {
    Instant from = now.minus(window);
    int n = 0;
    for (Instant t : disruptions.getOrDefault(workload, List.of())) {
      if (t.isAfter(from) && !t.isAfter(now)) {
        n++;
      }
    }
    return n;
  }

  public Ledger withDisruption(String workload, Instant at) {
    Map<String, List<Instant>> d = new TreeMap<>(disruptions);
    List<Instant> l = new ArrayList<>(d.getOrDefault(workload, List.of()));
    l.add(at);
    d.put(workload, l);
    return new Ledger(d, cooldowns);
  }

  /** Removes one disruption recorded at {@code at}, when the API refused to disrupt after all. */
  public Ledger withoutDisruption(String workload, Instant at) {
    Map<String, List<Instant>> d = new TreeMap<>(disruptions);
    List<Instant> l = new ArrayList<>(d.getOrDefault(workload, List.of()));
    l.remove(at);
    d.put(workload, l);
    return new Ledger(d, cooldowns);
  }

  public Ledger withCooldown(String key, Instant until) {
    Map<String, Instant> c = new TreeMap<>(cooldowns);
    c.put(key, until);
    return new Ledger(disruptions, c);
  }

  /** Drops what can no longer matter at {@code now}, so the ConfigMap stays small. */
  public Ledger pruned(Instant now, Duration window) {
    Instant from = now.minus(window);
    Map<String, List<Instant>> d = new TreeMap<>();
    disruptions.forEach((k, v) -> d.put(k, v.stream().filter(t -> t.isAfter(from)).toList()));
    Map<String, Instant> c = new TreeMap<>();
    cooldowns.forEach((k, v) -> {
      if (v.isAfter(now)) {
        c.put(k, v);
      }
    });
    return new Ledger(d, c);
  }

  /** ConfigMap data: keys {@code disruptions.<key>} and {@code cooldown.<key>}. */
  public Map<String, String> encode() {
    Map<String, String> data = new TreeMap<>();
    disruptions.forEach((k, v) -> data.put(DISRUPTIONS + encodeKey(k),
        String.join(",", v.stream().map(Instant::toString).toList())));
    cooldowns.forEach((k, v) -> data.put(COOLDOWN + encodeKey(k), v.toString()));
    return data;
  }

  /** Reads ConfigMap data written by {@link #encode()}; entries it cannot parse are skipped. */
  public static Ledger decode(Map<String, String> data) {
    if (data == null || data.isEmpty()) {
      return EMPTY;
    }
    Map<String, List<Instant>> d = new TreeMap<>();
    Map<String, Instant> c = new TreeMap<>();
    data.forEach((k, v) -> {
      try {
        if (k.startsWith(DISRUPTIONS)) {
          List<Instant> l = new ArrayList<>();
          for (String s : v.split(",")) {
            if (!s.isBlank()) {
              l.add(Instant.parse(s.trim()));
            }
          }
          d.put(decodeKey(k.substring(DISRUPTIONS.length())), l);
        } else if (k.startsWith(COOLDOWN)) {
          c.put(decodeKey(k.substring(COOLDOWN.length())), Instant.parse(v.trim()));
        }
      } catch (RuntimeException e) {
        // A hand-edited or foreign entry must not break healing; it is dropped at the next save.
      }
    });
    return new Ledger(d, c);
  }

  // ConfigMap keys allow [-._a-zA-Z0-9]; logical keys are Kind/name and action/Kind/name, and
  // neither kinds, DNS names nor heal's action names contain '_'.
  static String encodeKey(String key) {
    return key.replace('/', '_');
  }

  static String decodeKey(String key) {
    return key.replace('_', '/');
  }
}
