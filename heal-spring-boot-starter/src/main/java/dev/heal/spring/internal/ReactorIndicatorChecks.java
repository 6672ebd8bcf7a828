package dev.heal.spring.internal;

import dev.heal.core.health.HealthRegistry;
import dev.heal.core.health.HealthResult;
import dev.heal.spring.HealProperties;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.health.contributor.CompositeReactiveHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthContributor;
import org.springframework.boot.health.contributor.ReactiveHealthContributors;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;

/**
 * Reactive Actuator contributors ({@link ReactiveHealthIndicator}s and composites of them) as heal
 * background checks, chosen and named like servlet ones ({@link IndicatorChecks}). heal subscribes
 * on its own check thread and blocks for the answer; heal's check timeout interrupts that thread,
 * which cancels the subscription (Reactor's {@code block()} disposes its subscriber when
 * interrupted), and the run is DOWN "timed out after …". Actuator answers from heal's cache through
 * {@link #cached}, keeping each composite's shape. Used only when Reactor is on the class path.
 * Not API.
 */
public final class ReactorIndicatorChecks implements ReactiveIndicators {
  private static final Logger log = LoggerFactory.getLogger(ReactorIndicatorChecks.class);

  private final ListableBeanFactory beans;
  private final HealProperties properties;
  private final Map<String, ReactiveHealthContributor> taken = new LinkedHashMap<>();
  private final Set<String> checks = new LinkedHashSet<>();

  public ReactorIndicatorChecks(ListableBeanFactory beans, HealProperties properties) {
    this.beans = beans;
    this.properties = properties;
  }

  @Override
  public void contribute(HealthRegistry registry, boolean all, Set<String> wanted, Set<String> missing,
      List<String> known) {
    for (String bean : beans.getBeanNamesForType(ReactiveHealthContributor.class, false, false)) {
      String name = IndicatorChecks.contributorName(bean);
      Class<?> type = beans.getType(bean, false);
      if (type != null && CachedReactiveHealthIndicator.class.isAssignableFrom(type)) {
        known.add(name);
        continue;
      }
      if (!all && wanted.stream().noneMatch(w -> w.equals(name) || w.startsWith(name + "."))) {
        known.add(name);
        continue; // not created here: only the contributors heal runs (all or part of) are
      }
      ReactiveHealthContributor c = beans.getBean(bean, ReactiveHealthContributor.class);
      int before = checks.size();
      walk(registry, c, name, null, all || wanted.contains(name), wanted, missing, known);
      if (checks.size() > before) {
        taken.put(name, c);
      }
    }
  }

  private void walk(HealthRegistry registry, ReactiveHealthContributor c, String check, HealProperties.Check parent,
      boolean chosen, Set<String> wanted, Set<String> missing, List<String> known) {
    known.add(check);
    boolean here = chosen || wanted.contains(check);
    if (here) {
      missing.remove(check);
    }
    HealProperties.Check own = IndicatorChecks.merge(properties.getChecks().get(check), parent);
    if (c instanceof ReactiveHealthIndicator indicator) {
      if (here) {
        registry.register(ChecksFromProperties.config(check, own, properties.getActuator().getIndicatorDefaults()),
            () -> run(indicator));
        checks.add(check);
      }
    } else if (c instanceof CompositeReactiveHealthContributor composite) {
      for (ReactiveHealthContributors.Entry e : composite) {
        walk(registry, e.contributor(), check + "." + e.name(), own, here, wanted, missing, known);
      }
    } else if (here) {
      log.info("heal: reactive Actuator contributor '{}' is a {}; heal runs only ReactiveHealthIndicators and "
          + "composites of them", check, c.getClass().getName());
    }
  }

  /** One run on heal's check thread: subscribes and waits; heal's timeout interrupts, which cancels. */
  static HealthResult run(ReactiveHealthIndicator indicator) {
    Health h = indicator.health(true).block();
    return h == null ? HealthResult.down("reactive indicator completed without a Health") : Statuses.toHeal(h);
  }

  /** Top-level reactive contributor names heal runs all or part of in its background. */
  public Set<String> taken() {
    return taken.keySet();
  }

  @Override
  public Set<String> checks() {
    return checks;
  }

  /**
   * What Actuator should answer for the taken reactive contributor {@code name}: heal's cached
   * result for a leaf heal runs, the same shape for a composite.
   */
  public ReactiveHealthContributor cached(HealthRegistry registry, String name) {
    ReactiveHealthContributor original = taken.get(name);
    if (original == null) {
      throw new IllegalArgumentException("heal does not run reactive Actuator contributor '" + name + "'; it runs "
          + taken());
    }
    return cached(registry, original, name);
  }

  private ReactiveHealthContributor cached(HealthRegistry registry, ReactiveHealthContributor c, String check) {
    if (c instanceof CompositeReactiveHealthContributor composite) {
      Map<String, ReactiveHealthContributor> members = new LinkedHashMap<>();
      for (ReactiveHealthContributors.Entry e : composite) {
        members.put(e.name(), cached(registry, e.contributor(), check + "." + e.name()));
      }
      return CompositeReactiveHealthContributor.fromMap(members);
    }
    return checks.contains(check) ? new CachedReactiveHealthIndicator(registry, check) : c;
  }
}
