/**
 * heal-resilience public API: {@link dev.heal.resilience.Resilience} (named resilience4j policies,
 * retry budgets and adaptive limits wired to heal's clock, signals, health and metrics), {@link
 * dev.heal.resilience.HealProxy} and {@link dev.heal.resilience.Decoration} (annotation-driven and
 * programmatic pipelines), {@link dev.heal.resilience.ResilienceConfig} (resilience4j property
 * names from YAML or properties), the health rule in {@link
 * dev.heal.resilience.CircuitBreakerHealth} and the signal vocabulary in {@link
 * dev.heal.resilience.ResilienceSignals}. Everything under {@code internal} is not API.
 */
package dev.heal.resilience;
