package dev.heal.spring.internal;

import dev.heal.core.health.HealthRegistry;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import reactor.core.publisher.Mono;

/**
 * Stands in for a reactive Actuator indicator that heal runs in the background: answers at once
 * with the latest cached result of heal's check of the same name (a {@link Mono} that is already
 * complete), so {@code /actuator/health} never waits for the indicator itself. Thread-safe. Not API.
 */
public final class CachedReactiveHealthIndicator implements ReactiveHealthIndicator {
  private final CachedHealthIndicator cache;

  public CachedReactiveHealthIndicator(HealthRegistry registry, String check) {
    this.cache = new CachedHealthIndicator(registry, check);
  }

  @Override
  public Mono<Health> health() {
    return Mono.fromSupplier(cache::health);
  }

  public String check() {
    return cache.check();
  }
}
