package dev.heal.http;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A request as heal's endpoints see it. A route's {@link Route.Gate} sees it before any body byte
 * is read (its body is empty then); the endpoint sees it with the body, already size-checked.
 * Immutable; the body array is owned by the request and must not be modified. Thread-safe.
 */
public final class HttpRequest {
  private static final byte[] NO_BODY = new byte[0];

  /**
   * Case-insensitive header lookup, so a server can hand its own header store over without a
   * copy. Header values are strings whose chars are the received bytes (ISO-8859-1), as HTTP
   * servers decode them.
   */
  @FunctionalInterface
  public interface Headers {
    /** No headers at all. */
    Headers NONE = name -> Optional.empty();

    /** The first value of header {@code name}, ignoring case. */
    Optional<String> first(String name);

    /** Headers from a map; its keys are matched ignoring case. */
    static Headers of(Map<String, List<String>> headers) {
      Objects.requireNonNull(headers, "headers");
      return name -> {
        List<String> v = headers.get(name);
        if (v == null) {
          v = headers.get(name.toLowerCase(Locale.ROOT));
        }
        if (v == null) {
          for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name)) {
              v = e.getValue();
              break;
            }
          }
        }
        return v == null || v.isEmpty() ? Optional.empty() : Optional.ofNullable(v.get(0));
      };
    }
  }

  private final String method;
  private final String path;
  private final String query;
  private final Headers headers;
  private final byte[] body;

  /**
   * @param method upper-case HTTP method
   * @param path the request path, without query
   * @param query the raw query string, or empty
   * @param headers the request's headers
   * @param body the request body (empty before it is read)
   */
  public HttpRequest(String method, String path, String query, Headers headers, byte[] body) {
    this.method = Objects.requireNonNull(method, "method");
    this.path = Objects.requireNonNull(path, "path");
    this.query = query == null ? "" : query;
    this.headers = Objects.requireNonNull(headers, "headers");
    this.body = body == null ? NO_BODY : body;
  }

  /** A request with headers from a map (tests, other servers). */
  public static HttpRequest of(String method, String path, String query, Map<String, List<String>> headers,
      byte[] body) {
    return new HttpRequest(method, path, query, Headers.of(headers), body);
  }

  public String method() {
    return method;
  }

  public String path() {
    return path;
  }

  /** The raw query string, or empty. */
  public String query() {
    return query;
  }

  /** The first value of header {@code name} (case-insensitive). */
  public Optional<String> header(String name) {
    return headers.first(name);
  }

  public Headers headers() {
    return headers;
  }

  /** The body bytes; do not modify. */
  public byte[] body() {
    return body;
  }

  /** This request with {@code body}. */
  HttpRequest withBody(byte[] body) {
    return new HttpRequest(method, path, query, headers, body);
  }
}
