package dev.heal.http;

import dev.heal.core.healer.Healer;
import dev.heal.http.internal.EpisodeJson;
import dev.heal.http.internal.Echo;
import dev.heal.http.internal.Json;
import java.util.List;

/**
 * {@code GET /heal/episodes[?limit=N]}: the healer's state and journal as JSON, newest first, at
 * most 200 episodes (default 50). A read: it needs the read token unless the handler allows
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

  /** The body of {@code /heal/episodes}. */
  record Body(boolean dryRun, long budgetRemaining, long budgetCapacity, long refusedActions, long droppedEvents,
      long listenerFailures, List<EpisodeJson> episodes, List<EpisodeJson.Note> ignored) {}

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
        healer.journal().recent(limit).stream().map(EpisodeJson::of).toList(),
        healer.journal().notes().stream().map(EpisodeJson.Note::of).toList());
    return HttpResponse.json(200, Json.MAPPER.writeValueAsBytes(body));
  }
}
