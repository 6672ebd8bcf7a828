package dev.heal.spring.internal;

import dev.heal.core.health.HealthCheck;
import dev.heal.core.health.HealthResult;
import org.springframework.beans.factory.BeanFactory;

/**
 * A {@link HealthCheck} bean, looked up by name when the check first runs (on heal's check
 * threads, after the context started), so that registering it creates no bean. Thread-safe. Not API.
 */
public final class LazyCheck implements HealthCheck {
  private final BeanFactory beans;
  private final String name;
  private volatile HealthCheck check;

  public LazyCheck(BeanFactory beans, String name) {
    this.beans = beans;
    this.name = name;
  }

  @Override
  public HealthResult check() throws Exception {
    HealthCheck c = check;
    if (c == null) {
      c = beans.getBean(name, HealthCheck.class);
      check = c;
    }
    return c.check();
  }
}
