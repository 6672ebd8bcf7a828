package dev.heal.core.healer;

import java.util.ArrayList;
import java.util.List;

/** Records every healer event, for assertions. Thread-safe. */
final class RecordingListener implements HealerListener {
  private final List<HealEvent> events = new ArrayList<>();

  @Override
  public synchronized void onEvent(HealEvent event) {
    events.add(event);
  }

  synchronized List<HealEvent> events() {
    return List.copyOf(events);
  }

  synchronized List<HealEvent.Type> types() {
    return events.stream().map(HealEvent::type).toList();
  }

  synchronized long count(HealEvent.Type type) {
    return events.stream().filter(e -> e.type() == type).count();
  }
}
