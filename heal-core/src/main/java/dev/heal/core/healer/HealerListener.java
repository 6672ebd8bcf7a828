package dev.heal.core.healer;

/**
 * Receives every {@link HealEvent}. Called on the healer's threads, in order, while the healer
 * holds its lock: implementations must be quick and must not block (hand slow work to a queue,
 * as the notifiers do). A listener that throws is logged once, counted and isolated.
 */
@FunctionalInterface
public interface HealerListener {
  void onEvent(HealEvent event);
}
