package dev.heal.http.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Bearer tokens the way Alertmanager and Prometheus send them. A configured token is trimmed
 * exactly as their {@code credentials_file} is read (Go's {@code strings.TrimSpace}: Unicode
 * White_Space at both ends), then must keep at least {@value #MIN_LENGTH} characters; a received
 * one is compared in constant time as UTF-8 bytes. Thread-safe. Not API.
 */
public final class Tokens {
  /** The fewest characters a token may have after trimming. */
  public static final int MIN_LENGTH = 16;

  private Tokens() {}

  /** Whether Go's {@code unicode.IsSpace} holds for {@code cp} (the Unicode White_Space set). */
  static boolean isGoSpace(int cp) {
    return switch (cp) {
      case '\t', '\n', 0x0B, '\f', '\r', ' ', 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000 -> true;
      default -> cp >= 0x2000 && cp <= 0x200A;
    };
  }

  /** {@code s} without leading and trailing White_Space, as Go's {@code strings.TrimSpace}. */
  public static String trim(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && isGoSpace(s.codePointAt(start))) {
      start += Character.charCount(s.codePointAt(start));
    }
    while (end > start && isGoSpace(s.codePointBefore(end))) {
      end -= Character.charCount(s.codePointBefore(end));
    }
    return s.substring(start, end);
  }

  /**
   * The configured token as the bytes a request must carry.
   *
   * @param what what the token is for, for the error message
   * @throws IllegalStateException naming what is wrong: missing, or shorter than {@value
   *     #MIN_LENGTH} characters after trimming
   */
  public static byte[] configured(String token, String what) {
    if (token == null) {
      throw new IllegalStateException(what + " needs a bearer token");
    }
    String t = trim(token);
    if (t.isEmpty()) {
      throw new IllegalStateException(what + " needs a bearer token; the one given is empty or only whitespace");
    }
    int length = t.codePointCount(0, t.length());
    if (length < MIN_LENGTH) {
      throw new IllegalStateException(what + ": bearer token is too short (" + length
          + " characters after trimming surrounding whitespace); use at least " + MIN_LENGTH
          + " random characters");
    }
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new IllegalStateException(what + ": bearer token contains a control character at index " + i
            + "; an HTTP header cannot carry it");
      }
    }
    return t.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The credentials of an {@code Authorization: Bearer ...} header value as bytes, or null when the
   * header is absent or another scheme. The server decodes header bytes as ISO-8859-1, so each
   * char is one received byte; the bytes are compared as UTF-8 with the configured token.
   */
  public static byte[] bearer(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String credentials = authorization.substring(7).strip();
    byte[] raw = new byte[credentials.length()];
    for (int i = 0; i < raw.length; i++) {
      char c = credentials.charAt(i);
      if (c > 0xff) {
        // Decoded by a server as UTF-8 already: compare its UTF-8 form.
        return credentials.getBytes(StandardCharsets.UTF_8);
      }
      raw[i] = (byte) c;
    }
    return raw;
  }

  /** Constant-time comparison of received credentials with the configured bytes. */
  public static boolean matches(byte[] expected, byte[] given) {
    return given != null && MessageDigest.isEqual(expected, given);
  }
}
