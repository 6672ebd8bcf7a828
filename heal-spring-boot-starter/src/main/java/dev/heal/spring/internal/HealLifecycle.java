package dev.heal.spring.internal;

import dev.heal.core.health.HealthRegistry;
import org.springframework.context.SmartLifecycle;

/**
 * Starts heal's checks once every bean exists (Spring's lifecycle start, before the application is
 * ready) and lets the registry and healer beans close on shutdown (their destroy methods). Not API.
 */
public final class HealLifecycle implements SmartLifecycle {
  private final HealthRegistry registry;
  private volatile boolean running;

  public HealLifecycle(HealthRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void start() {
    registry.start();
    running = true;
  }

  @Override
  public void stop() {
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
