package dev.heal.http.internal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 decoding (RFC 3629): overlong forms ({@code C0 AF}), encoded surrogates
 * ({@code ED A0 80}), code points above U+10FFFF ({@code F4 90 80 80}), stray continuation bytes
 * and truncated sequences are rejected with the offset of the first bad byte. Thread-safe. Not
 * API.
 */
public final class Utf8 {
  private Utf8() {}

  /** A body that is not well-formed UTF-8. */
  public static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;
    private final int offset;

    Malformed(int offset, String message) {
      super(message, null, false, false);
      this.offset = offset;
    }

    /** Offset of the first byte that is not part of a well-formed sequence. */
    public int offset() {
      return offset;
    }
  }

  /** Decodes {@code bytes} or throws naming the first bad byte's offset and value. */
  public static String decode(byte[] bytes) throws Malformed {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult r = decoder.decode(in, out, true);
    if (r.isUnderflow()) {
      r = decoder.flush(out);
    }
    if (r.isError()) {
      int at = in.position();
      throw new Malformed(at, String.format(
          "body is not valid UTF-8: byte 0x%02X at offset %d starts no well-formed sequence"
              + " (overlong forms, surrogates and code points above U+10FFFF are rejected)",
          bytes[at] & 0xff, at));
    }
    out.flip();
    return out.toString();
  }
}
