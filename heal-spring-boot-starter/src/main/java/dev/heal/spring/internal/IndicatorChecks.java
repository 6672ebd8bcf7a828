package dev.heal.spring.internal;

import dev.heal.core.health.HealthRegistry;
import dev.heal.spring.HealProperties;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Turns the chosen Actuator indicators into heal background checks (named like their Actuator
 * contributor: bean name less {@code HealthIndicator} / {@code HealthContributor}), with
 * {@code heal.checks.<name>} over {@code heal.actuator.indicator-defaults}. Remembers which it
 * took, so the Actuator registry can be switched to cached answers for them. Composite
 * contributors are skipped (their members are not single indicators). Not API.
 */
public final class IndicatorChecks implements RegistryContributor {
  private static final Logger log = LoggerFactory.getLogger(IndicatorChecks.class);
  /** Contributors heal replaces itself (the probe state) or that are heal's own. */
  private static final Set<String> OWN = Set.of("livenessState", "readinessState");

  private final ListableBeanFactory beans;
  private final HealProperties properties;
  private final Map<String, String> taken = new LinkedHashMap<>();

  public IndicatorChecks(ListableBeanFactory beans, HealProperties properties) {
    this.beans = beans;
    this.properties = properties;
  }

  @Override
  public void contribute(HealthRegistry registry) {
    HealProperties.Actuator a = properties.getActuator();
    if (!a.isBackgroundAll() && a.getBackground().isEmpty()) {
      return;
    }
    List<String> missing = new ArrayList<>(a.getBackground());
    for (String bean : beans.getBeanNamesForType(HealthContributor.class, false, false)) {
      String name = contributorName(bean);
      Class<?> type = beans.getType(bean, false);
      if (OWN.contains(name) || (type != null && (ProbeHealthIndicator.class.isAssignableFrom(type)
          || CachedHealthIndicator.class.isAssignableFrom(type)))) {
        continue;
      }
      if (!a.isBackgroundAll() && !a.getBackground().contains(name)) {
        continue;
      }
      missing.remove(name);
      HealthContributor c = beans.getBean(bean, HealthContributor.class);
      if (!(c instanceof HealthIndicator indicator)) {
        log.info("heal: Actuator contributor '{}' is a composite; it is not run in heal's background", name);
        continue;
      }
      registry.register(ChecksFromProperties.config(name, properties.getChecks().get(name), a.getIndicatorDefaults()),
          () -> Statuses.toHeal(indicator.health(true)));
      taken.put(name, bean);
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException("heal.actuator.background names Actuator indicators that do not exist: "
          + missing + "; Actuator contributors: " + contributorNames());
    }
  }

  /** Contributor names heal runs in its background. */
  public Set<String> taken() {
    return taken.keySet();
  }

  private List<String> contributorNames() {
    List<String> names = new ArrayList<>();
    for (String bean : beans.getBeanNamesForType(HealthContributor.class, false, false)) {
      names.add(contributorName(bean));
    }
    return names;
  }

  /** Actuator's naming: the bean name without a {@code HealthIndicator} or {@code HealthContributor} suffix. */
  static String contributorName(String bean) {
    for (String suffix : List.of("HealthIndicator", "HealthContributor")) {
      if (bean.length() > suffix.length() && bean.toLowerCase(java.util.Locale.ROOT)
          .endsWith(suffix.toLowerCase(java.util.Locale.ROOT))) {
        return bean.substring(0, bean.length() - suffix.length());
      }
    }
    return bean;
  }
}
