package dev.heal.http.internal;

import java.nio.charset.StandardCharsets;

/**
 * Request text quoted back in error bodies and logs, cut to at most {@value #MAX_BYTES} bytes of
 * UTF-8 so an oversized path, header or value can never make heal echo it whole. Thread-safe. Not
 * API.
 */
public final class Echo {
  /** The most bytes of request text an error body quotes. */
  public static final int MAX_BYTES = 256;

  private Echo() {}

  /** {@code s} when it fits in {@value #MAX_BYTES} UTF-8 bytes, else its head and how long it was. */
  public static String of(String s) {
    if (s == null) {
      return "";
    }
    if (s.length() <= MAX_BYTES / 3 || s.getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES) {
      return s;
    }
    int total = s.getBytes(StandardCharsets.UTF_8).length;
    String suffix = "… (" + total + " bytes)";
    int budget = MAX_BYTES - suffix.getBytes(StandardCharsets.UTF_8).length;
    StringBuilder head = new StringBuilder();
    int used = 0;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      int len = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
      if (used + len > budget) {
        break;
      }
      head.appendCodePoint(cp);
      used += len;
      i += Character.charCount(cp);
    }
    return head + suffix;
  }
}
