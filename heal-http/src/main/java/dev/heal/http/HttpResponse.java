package dev.heal.http;

import dev.heal.http.internal.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A response from one of heal's endpoints. Immutable; the body array must not be modified after
 * construction (heal reuses constant bodies on the probe path). Thread-safe.
 *
 * @param status HTTP status code
 * @param contentType the Content-Type header
 * @param body the body bytes
 * @param headers extra headers
 */
public record HttpResponse(int status, String contentType, byte[] body, Map<String, String> headers) {
  public static final String JSON = "application/json; charset=utf-8";

  public HttpResponse {
    headers = Map.copyOf(headers);
  }

  public static HttpResponse json(int status, byte[] body) {
    return new HttpResponse(status, JSON, body, Map.of());
  }

  public static HttpResponse json(int status, String body) {
    return json(status, body.getBytes(StandardCharsets.UTF_8));
  }

  /** The body of every error: {@code {"status":<code>,"error":"<message>"}}. */
  record ErrorBody(int status, String error) {}

  /**
   * A JSON error: {@code {"status":<code>,"error":"<message>"}}. Callers quote request text in
   * {@code message} only through heal's 256-byte echo limit.
   */
  public static HttpResponse error(int status, String message) {
    return json(status, Json.MAPPER.writeValueAsBytes(new ErrorBody(status, message)));
  }

  public HttpResponse withHeader(String name, String value) {
    Map<String, String> h = new java.util.LinkedHashMap<>(headers);
    h.put(name, value);
    return new HttpResponse(status, contentType, body, h);
  }

  /** The body as text (UTF-8), for tests and logs. */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
