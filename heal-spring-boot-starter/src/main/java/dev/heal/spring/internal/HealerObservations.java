package dev.heal.spring.internal;

import dev.heal.core.healer.Episode;
import dev.heal.core.healer.HealEvent;
import dev.heal.core.healer.HealerListener;
import dev.heal.core.healer.StepRecord;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reports each healer episode as a Micrometer {@link Observation} ({@code heal.episode}) and each
 * step attempt as a child ({@code heal.step}), from the healer's events, so whatever handlers the
 * application's {@link ObservationRegistry} has (timers, spans, logs) see them. Low-cardinality
 * keys: {@code heal.plan}, {@code heal.outcome}, {@code heal.dry_run} (episodes); {@code heal.action},
 * {@code heal.outcome} (steps). High-cardinality: {@code heal.episode.id}, {@code heal.target},
 * {@code heal.attempt}. Escalations, verification failures, joins and budget exhaustion are
 * observation events. Times are the registry's clock (not heal's): an observation starts and stops
 * when the listener hears of the episode, on the healer's event thread. An outcome is never an
 * error on the observation: heal reports failure by outcome, and it is no exception thrown.
 *
 * <p>Thread-safe (the healer calls it on its event thread, in decision order; it synchronizes
 * itself). Not API.
 */
public final class HealerObservations implements HealerListener {
  public static final String EPISODE = "heal.episode";
  public static final String STEP = "heal.step";

  private final ObservationRegistry registry;
  private final Map<String, Observation> episodes = new HashMap<>();
  private final Map<String, Observation> steps = new HashMap<>();

  public HealerObservations(ObservationRegistry registry) {
    this.registry = registry;
  }

  @Override
  public synchronized void onEvent(HealEvent event) {
    Episode e = event.episode().orElse(null);
    if (e == null) {
      return;
    }
    switch (event.type()) {
      case EPISODE_OPENED -> episodes.put(e.id(), Observation.createNotStarted(EPISODE, registry)
          .contextualName(EPISODE + " " + e.plan())
          .lowCardinalityKeyValue("heal.plan", e.plan())
          .lowCardinalityKeyValue("heal.dry_run", Boolean.toString(e.dryRun()))
          .highCardinalityKeyValue("heal.episode.id", e.id())
          .highCardinalityKeyValue("heal.target", e.target())
          .start());
      case STEP_STARTED -> {
        Observation parent = episodes.get(e.id());
        StepRecord s = event.stepRecord().orElse(null);
        if (parent != null && s != null) {
          steps.put(e.id() + "#" + event.step(), Observation.createNotStarted(STEP, registry)
              .parentObservation(parent).contextualName(STEP + " " + s.name())
              .lowCardinalityKeyValue("heal.action", s.action())
              .highCardinalityKeyValue("heal.episode.id", e.id())
              .highCardinalityKeyValue("heal.attempt", Integer.toString(s.attempt()))
              .start());
        }
      }
      case STEP_FINISHED -> {
        Observation step = steps.remove(e.id() + "#" + event.step());
        StepRecord s = event.stepRecord().orElse(null);
        if (step != null && s != null) {
          step.lowCardinalityKeyValue("heal.outcome", s.status().map(Enum::name).orElse("UNKNOWN")).stop();
        }
      }
      case ESCALATED, VERIFICATION_FAILED, SIGNAL_JOINED, BUDGET_EXHAUSTED -> {
        Observation parent = episodes.get(e.id());
        if (parent != null) {
          parent.event(Observation.Event.of("heal." + event.type().name().toLowerCase(Locale.ROOT), event.message()));
        }
      }
      case EPISODE_CLOSED -> {
        // A step still running when its episode ends is stopped with the episode.
        steps.entrySet().removeIf(en -> {
          if (en.getKey().startsWith(e.id() + "#")) {
            en.getValue().lowCardinalityKeyValue("heal.outcome", "UNFINISHED").stop();
            return true;
          }
          return false;
        });
        Observation o = episodes.remove(e.id());
        if (o != null) {
          o.lowCardinalityKeyValue("heal.outcome", e.outcome().map(Enum::name).orElse("UNKNOWN")).stop();
        }
      }
      default -> { }
    }
  }

  /** Episodes and steps still open (for tests and diagnostics). */
  public synchronized int open() {
    return episodes.size() + steps.size();
  }
}
