package dev.heal.core.degradation;

import dev.heal.core.HealException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Named features that switch off, and back on, as the service degrades (brownout). The
 * application asks on its hot path ({@link #isEnabled(String)}: a map lookup and a volatile read,
 * or {@link Feature#isEnabled()}: one volatile read); plans and load signals change the level
 * through {@link #request(DegradationLevel, String)} leases or switch single features off with
 * {@link #disable(String, String)}.
 *
 * <p>The current level is the most severe level any open lease requests; when the last lease is
 * closed the service returns to {@link DegradationLevel#NORMAL}. Unknown feature names are
 * enabled (a typo must not switch a feature off) and reported once.
 *
 * <p>Thread-safe.
 */
public final class Features {
  private static final Logger log = LoggerFactory.getLogger(Features.class);

  private final Map<String, Feature> features = new ConcurrentHashMap<>();
  private final List<Lease> leases = new CopyOnWriteArrayList<>();
  private final Map<String, List<Lease>> disabled = new ConcurrentHashMap<>();
  private final List<BiConsumer<DegradationLevel, DegradationLevel>> listeners = new CopyOnWriteArrayList<>();
  private final Map<String, Boolean> warnedUnknown = new ConcurrentHashMap<>();
  private volatile DegradationLevel level = DegradationLevel.NORMAL;

  /**
   * Declares a feature switched off from {@code offFrom} upwards; returns its handle.
   *
   * @throws HealException if it was declared before with another level
   */
  public Feature define(String name, DegradationLevel offFrom) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(offFrom, "offFrom");
    if (offFrom == DegradationLevel.NORMAL) {
      throw new IllegalArgumentException(
          "feature '" + name + "' would be off at NORMAL; use REDUCED or ESSENTIAL_ONLY");
    }
    Feature f = features.computeIfAbsent(name, n -> new Feature(n, offFrom));
    if (f.offFrom() != offFrom) {
      throw new HealException("feature '" + name + "' is already defined as off from " + f.offFrom());
    }
    refresh(f);
    return f;
  }

  /** The handle of a defined feature. */
  public Feature feature(String name) {
    Feature f = features.get(name);
    if (f == null) {
      throw new HealException("no feature named '" + name + "'; define it first with define(name, level)");
    }
    return f;
  }

  /** Whether {@code name} is on. Unknown names are on (and reported once). */
  public boolean isEnabled(String name) {
    Feature f = features.get(name);
    if (f == null) {
      if (warnedUnknown.putIfAbsent(name, Boolean.TRUE) == null) {
        log.warn("heal: feature '{}' was never defined; treating it as enabled", name);
      }
      return true;
    }
    return f.enabled;
  }

  /** The current degradation level. One volatile read. */
  public DegradationLevel level() {
    return level;
  }

  /**
   * Requests at least {@code level} until the returned lease is closed (by a plan's degrade step
   * when its episode ends, or by a load controller when the load drops).
   */
  public Lease request(DegradationLevel level, String reason) {
    Lease l = new Lease(Objects.requireNonNull(level, "level"), Objects.requireNonNull(reason, "reason"), null);
    leases.add(l);
    recompute();
    return l;
  }

  /** Switches one feature off until the returned lease is closed, whatever the level. */
  public Lease disable(String name, String reason) {
    Feature f = feature(name);
    Lease l = new Lease(DegradationLevel.NORMAL, Objects.requireNonNull(reason, "reason"), name);
    disabled.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>()).add(l);
    refresh(f);
    return l;
  }

  /** Called with (from, to) whenever the level changes. Must be quick; exceptions are logged. */
  public void addLevelListener(BiConsumer<DegradationLevel, DegradationLevel> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** A view for {@code /health}: level, reasons, and each feature's state. */
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("level", level.name());
    List<String> reasons = new ArrayList<>();
    for (Lease l : leases) {
      reasons.add(l.level + ": " + l.reason);
    }
    disabled.forEach((name, ls) -> ls.forEach(l -> reasons.add(name + " off: " + l.reason)));
    m.put("reasons", reasons);
    Map<String, Boolean> states = new java.util.TreeMap<>();
    features.forEach((n, f) -> states.put(n, f.enabled));
    m.put("features", states);
    return m;
  }

  private synchronized void recompute() {
    DegradationLevel worst = DegradationLevel.NORMAL;
    for (Lease l : leases) {
      if (l.level.compareTo(worst) > 0) {
        worst = l.level;
      }
    }
    DegradationLevel old = level;
    level = worst;
    features.values().forEach(this::refresh);
    if (old != worst) {
      if (worst.compareTo(old) > 0) {
        log.warn("heal: degradation level {} -> {}", old, worst);
      } else {
        log.info("heal: degradation level {} -> {}", old, worst);
      }
      for (BiConsumer<DegradationLevel, DegradationLevel> l : listeners) {
        try {
          l.accept(old, worst);
        } catch (RuntimeException e) {
          log.warn("heal: a degradation listener failed", e);
        }
      }
    }
  }

  private void refresh(Feature f) {
    List<Lease> off = disabled.get(f.name());
    f.forcedOff = off != null && !off.isEmpty();
    f.enabled = !f.forcedOff && level.compareTo(f.offFrom()) < 0;
  }

  /** An open request for degradation; closing it withdraws the request. Idempotent, thread-safe. */
  public final class Lease implements AutoCloseable {
    private final DegradationLevel level;
    private final String reason;
    private final String feature;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Lease(DegradationLevel level, String reason, String feature) {
      this.level = level;
      this.reason = reason;
      this.feature = feature;
    }

    public DegradationLevel level() {
      return level;
    }

    public String reason() {
      return reason;
    }

    @Override
    public void close() {
      if (!closed.compareAndSet(false, true)) {
        return;
      }
      if (feature == null) {
        leases.remove(this);
        recompute();
      } else {
        List<Lease> ls = disabled.get(feature);
        if (ls != null) {
          ls.remove(this);
        }
        refresh(features.get(feature));
      }
    }
  }
}
