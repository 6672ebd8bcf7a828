package dev.heal.spring.internal;

import dev.heal.core.health.HealthRegistry;
import dev.heal.spring.HealProperties;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Turns the chosen Actuator indicators into heal background checks (named like their Actuator
 * contributor: bean name less {@code HealthIndicator} / {@code HealthContributor}), with
 * {@code heal.checks.<name>} over {@code heal.actuator.indicator-defaults}. Each leaf of a
 * composite contributor (several DataSources: {@code db/primary}, {@code db/secondary}) is a check
 * of its own, named by its Actuator path with {@code .} for {@code /} (heal's check names have no
 * {@code /}): {@code db.primary}. A composite chosen by name takes all its leaves; a leaf can be
 * chosen alone ({@code db/primary} or {@code db.primary}). A leaf's settings are
 * {@code heal.checks.[db.primary]} over the composite's {@code heal.checks.db} over the defaults.
 * Remembers what it took, so the Actuator registry can be switched to cached answers for it
 * ({@link #cached}), keeping each composite's shape. Reactive contributors are chosen and named the
 * same way when Reactor is on the class path ({@link ReactiveIndicators}); an unknown name fails
 * naming the servlet and reactive contributors that exist. Not API.
 */
public final class IndicatorChecks implements RegistryContributor {
  private static final Logger log = LoggerFactory.getLogger(IndicatorChecks.class);
  /** Contributors heal replaces itself (the probe state) or that are heal's own. */
  private static final Set<String> OWN = Set.of("livenessState", "readinessState");

  private final ListableBeanFactory beans;
  private final HealProperties properties;
  /** Top-level contributor name to the original contributor, for those heal took (all or part of). */
  private final Map<String, HealthContributor> taken = new LinkedHashMap<>();
  /** heal check names of the leaves heal runs. */
  private final Set<String> checks = new LinkedHashSet<>();

  /** The reactive contributors' side, or null when Reactor is not on the class path. */
  private final ReactiveIndicators reactive;

  public IndicatorChecks(ListableBeanFactory beans, HealProperties properties) {
    this(beans, properties, null);
  }

  /** With {@code reactive} (may be null) for the {@code ReactiveHealthContributor}s. */
  public IndicatorChecks(ListableBeanFactory beans, HealProperties properties, ReactiveIndicators reactive) {
    this.beans = beans;
    this.properties = properties;
    this.reactive = reactive;
  }

  @Override
  public void contribute(HealthRegistry registry) {
    HealProperties.Actuator a = properties.getActuator();
    if (!a.isBackgroundAll() && a.getBackground().isEmpty()) {
      return;
    }
    Set<String> wanted = new LinkedHashSet<>();
    for (String w : a.getBackground()) {
      wanted.add(checkName(w));
    }
    Set<String> missing = new LinkedHashSet<>(wanted);
    List<String> known = new ArrayList<>();
    for (String bean : beans.getBeanNamesForType(HealthContributor.class, false, false)) {
      String name = contributorName(bean);
      Class<?> type = beans.getType(bean, false);
      if (OWN.contains(name) || (type != null && (ProbeHealthIndicator.class.isAssignableFrom(type)
          || CachedHealthIndicator.class.isAssignableFrom(type)))) {
        known.add(name);
        continue;
      }
      if (!a.isBackgroundAll() && wanted.stream().noneMatch(w -> w.equals(name) || w.startsWith(name + "."))) {
        known.add(name);
        continue; // not created here: only the contributors heal runs (all or part of) are
      }
      HealthContributor c = beans.getBean(bean, HealthContributor.class);
      int before = checks.size();
      walk(registry, c, name, null, a.isBackgroundAll() || wanted.contains(name), wanted, missing, known);
      if (checks.size() > before) {
        taken.put(name, c);
      }
    }
    if (reactive != null) {
      reactive.contribute(registry, a.isBackgroundAll(), wanted, missing, known);
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException("heal.actuator.background names Actuator indicators that do not exist: "
          + missing + "; Actuator contributors: " + known);
    }
  }

  private void walk(HealthRegistry registry, HealthContributor c, String check, HealProperties.Check parent,
      boolean chosen, Set<String> wanted, Set<String> missing, List<String> known) {
    known.add(check);
    boolean here = chosen || wanted.contains(check);
    if (here) {
      missing.remove(check);
    }
    HealProperties.Check own = merge(properties.getChecks().get(check), parent);
    if (c instanceof HealthIndicator indicator) {
      if (here) {
        registry.register(ChecksFromProperties.config(check, own, properties.getActuator().getIndicatorDefaults()),
            () -> Statuses.toHeal(indicator.health(true)));
        checks.add(check);
      }
    } else if (c instanceof CompositeHealthContributor composite) {
      for (HealthContributors.Entry e : composite) {
        walk(registry, e.contributor(), check + "." + e.name(), own, here, wanted, missing, known);
      }
    } else if (here) {
      log.info("heal: Actuator contributor '{}' is a {}; heal runs only HealthIndicators and composites of them",
          check, c.getClass().getName());
    }
  }

  /** Top-level contributor names heal runs all or part of in its background. */
  public Set<String> taken() {
    return taken.keySet();
  }

  /** heal check names of the indicators heal runs (composite leaves as {@code db.primary}). */
  public Set<String> checks() {
    return checks;
  }

  /**
   * What Actuator should answer for the taken contributor {@code name}: heal's cached result for a
   * leaf heal runs, the same shape for a composite (its leaves heal does not run stay as they were).
   */
  public HealthContributor cached(HealthRegistry registry, String name) {
    HealthContributor original = taken.get(name);
    if (original == null) {
      throw new IllegalArgumentException("heal does not run Actuator contributor '" + name + "'; it runs " + taken());
    }
    return cached(registry, original, name);
  }

  private HealthContributor cached(HealthRegistry registry, HealthContributor c, String check) {
    if (c instanceof CompositeHealthContributor composite) {
      Map<String, HealthContributor> members = new LinkedHashMap<>();
      for (HealthContributors.Entry e : composite) {
        members.put(e.name(), cached(registry, e.contributor(), check + "." + e.name()));
      }
      return CompositeHealthContributor.fromMap(members);
    }
    return checks.contains(check) ? new CachedHealthIndicator(registry, check) : c;
  }

  /** heal's check name for an Actuator path: {@code db/primary} is {@code db.primary}. */
  static String checkName(String actuatorPath) {
    return actuatorPath.replace('/', '.');
  }

  /** {@code own}'s keys over {@code parent}'s (either may be null). */
  static HealProperties.Check merge(HealProperties.Check own, HealProperties.Check parent) {
    if (own == null || parent == null) {
      return own == null ? parent : own;
    }
    HealProperties.Check m = new HealProperties.Check();
    m.setKinds(own.getKinds().isEmpty() ? parent.getKinds() : own.getKinds());
    m.setInterval(own.getInterval() != null ? own.getInterval() : parent.getInterval());
    m.setTimeout(own.getTimeout() != null ? own.getTimeout() : parent.getTimeout());
    m.setFailureThreshold(own.getFailureThreshold() != null ? own.getFailureThreshold() : parent.getFailureThreshold());
    m.setSuccessThreshold(own.getSuccessThreshold() != null ? own.getSuccessThreshold() : parent.getSuccessThreshold());
    m.setCritical(own.getCritical() != null ? own.getCritical() : parent.getCritical());
    return m;
  }

  /** Actuator's naming: the bean name without a {@code HealthIndicator} or {@code HealthContributor} suffix. */
  static String contributorName(String bean) {
    for (String suffix : List.of("HealthIndicator", "HealthContributor")) {
      if (bean.length() > suffix.length() && bean.toLowerCase(Locale.ROOT).endsWith(suffix.toLowerCase(Locale.ROOT))) {
        return bean.substring(0, bean.length() - suffix.length());
      }
    }
    return bean;
  }
}
