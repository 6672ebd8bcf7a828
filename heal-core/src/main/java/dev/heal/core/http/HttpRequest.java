package dev.heal.core.http;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A request as heal's endpoints see it, already size-checked. Immutable once built; the body array
 * is owned by the request and must not be modified.
 *
 * @param method upper-case HTTP method
 * @param path the request path, without query
 * @param query the raw query string, or empty
 * @param headers the request's headers; look them up with {@link #header(String)}, which ignores
 *     case (served requests carry the JDK's case-insensitive headers, hand-built ones lower-case
 *     names)
 * @param body the request body, at most the endpoint's limit
 */
public record HttpRequest(
    String method, String path, String query, Map<String, List<String>> headers, byte[] body) {

  /** The first value of header {@code name} (case-insensitive). */
  public Optional<String> header(String name) {
    List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  public String bodyAsString() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
