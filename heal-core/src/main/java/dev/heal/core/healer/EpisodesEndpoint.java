package dev.heal.core.healer;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heal.core.http.HttpRequest;
import dev.heal.core.http.HttpResponse;
import dev.heal.core.http.Route;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /heal/episodes[?limit=N]}: the journal as JSON, newest first, at most 200 (default
 * 50). Add to a probe server with {@code .route(EpisodesEndpoint.route(healer))}. Thread-safe.
 */
public final class EpisodesEndpoint {
  public static final String PATH = "/heal/episodes";
  private static final ObjectMapper JSON = new ObjectMapper();

  private EpisodesEndpoint() {}

  public static Route route(Healer healer) {
    return Route.get(PATH, request -> handle(healer, request));
  }

  static HttpResponse handle(Healer healer, HttpRequest request) throws Exception {
    int limit = 50;
    for (String part : request.query().split("&")) {
      if (part.startsWith("limit=")) {
        try {
          limit = Integer.parseInt(part.substring(6));
        } catch (NumberFormatException e) {
          return HttpResponse.error(400, "limit must be a whole number from 1 to 200: '" + part.substring(6) + "'");
        }
        if (limit < 1 || limit > 200) {
          return HttpResponse.error(400, "limit must be a whole number from 1 to 200: " + limit);
        }
      }
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("dryRun", healer.isDryRun());
    body.put("budgetRemaining", healer.budgetRemaining());
    body.put("budgetCapacity", healer.budgetCapacity());
    body.put("refusedActions", healer.refusedActions());
    body.put("droppedEvents", healer.droppedEvents());
    body.put("listenerFailures", healer.listenerFailures());
    List<Map<String, Object>> episodes = healer.journal().recent(limit).stream().map(Journal::toMap).toList();
    body.put("episodes", episodes);
    body.put("ignored", healer.journal().notes().stream().map(n -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("type", n.type().name());
      m.put("at", n.at().toString());
      m.put("message", n.message());
      return m;
    }).toList());
    return HttpResponse.json(200, JSON.writeValueAsBytes(body));
  }
}
