package dev.heal.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.heal.core.fleet.FleetView;
import dev.heal.core.healer.Healer;
import dev.heal.http.internal.EpisodeJson;
import dev.heal.http.internal.Echo;
import dev.heal.http.internal.Json;
import java.util.List;

/**
 * {@code GET /heal/episodes[?limit=N]}: the healer's state and journal as JSON, newest first, at
 * most 200 episodes (default 50), and, when the healer has a fleet guard, the fleet as this
 * replica last saw it ({@code fleet}: desired, ready and serving replicas, slots, holders, held slots, shared symptoms). A read: it needs the read token unless the handler allows
 * anonymous reads (see {@link ProbeHandler}). Add it with {@code .route(EpisodesEndpoint.route(healer))}.
 * Thread-safe.
 */
public final class EpisodesEndpoint {
  public static final String PATH = "/heal/episodes";

  private EpisodesEndpoint() {}

  /** The route serving {@code healer}'s journal. */
  public static Route route(Healer healer) {
    return Route.get(PATH, request -> handle(healer, request));
  }

  /** The body of {@code /heal/episodes}; {@code fleet} only when the healer has a fleet guard. */
  record Body(boolean dryRun, long budgetRemaining, long budgetCapacity, long refusedActions, long droppedEvents,
      long listenerFailures, @JsonInclude(JsonInclude.Include.NON_NULL) Fleet fleet, List<EpisodeJson> episodes,
      List<EpisodeJson.Note> ignored) {}

  /** The fleet as this replica last saw it (see {@link FleetView}); times are RFC 3339. */
  record Fleet(String member, int replicas, int ready, int serving, int slots, List<String> holders, List<HeldSlot> held,
      List<Symptom> symptoms, String asOf) {
    static Fleet of(FleetView v) {
      return new Fleet(v.member(), v.replicas(), v.ready(), v.serving(), v.slots(), v.holders(),
          v.held().stream().map(s -> new HeldSlot(s.member(), s.episode(), s.since().toString(),
              s.expires().toString())).toList(),
          v.symptoms().stream().map(s -> new Symptom(s.symptom(), s.failing(), s.replicas(), s.share())).toList(),
          v.asOf().toString());
    }
  }

  /** A slot held for one episode of one replica. */
  record HeldSlot(String member, String episode, String since, String expires) {}

  /** A symptom the replicas share, with its share of the fleet in [0, 1]. */
  record Symptom(String symptom, int failing, int replicas, double share) {}

  static HttpResponse handle(Healer healer, HttpRequest request) {
    int limit = 50;
    String given = ProbeHandler.queryParameter(request.query(), "limit");
    if (given != null) {
      try {
        limit = Integer.parseInt(given);
      } catch (NumberFormatException e) {
        return HttpResponse.error(400, "limit must be a whole number from 1 to 200: '" + Echo.of(given) + "'");
      }
      if (limit < 1 || limit > 200) {
        return HttpResponse.error(400, "limit must be a whole number from 1 to 200: " + limit);
      }
    }
    Body body = new Body(healer.isDryRun(), healer.budgetRemaining(), healer.budgetCapacity(),
        healer.refusedActions(), healer.droppedEvents(), healer.listenerFailures(),
        healer.fleetView().map(Fleet::of).orElse(null),
        healer.journal().recent(limit).stream().map(EpisodeJson::of).toList(),
        healer.journal().notes().stream().map(EpisodeJson.Note::of).toList());
    return HttpResponse.json(200, Json.MAPPER.writeValueAsBytes(body));
  }
}
