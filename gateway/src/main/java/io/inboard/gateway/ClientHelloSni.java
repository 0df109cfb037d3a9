package io.inboard.gateway;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reads the SNI host name from the first TLS record a client sends (its ClientHello), before any
 * TLS engine sees it, so that the connection can be handed to the engine of the server that name
 * reaches, with that server's versions, cipher suites and client-certificate demand, as Envoy picks
 * a filter chain before its handshake.
 */
final class ClientHelloSni {
  /** What {@link #read} found. */
  enum Outcome { NEED_MORE, FOUND, NONE }

  /** The largest first record worth waiting for: a TLS record holds at most 16 KiB (plus its header). */
  static final int MAX_RECORD = 5 + (1 << 14) + 2048;

  private Outcome outcome;
  private String host;

  Outcome outcome() {
    return outcome;
  }

  /** The host name, lower-case without a final dot, when {@link #outcome()} is {@code FOUND}. */
  String host() {
    return host;
  }

  /** Reads {@code buffer} (flush mode; not consumed): the SNI host, no SNI (or not TLS), or wait for more. */
  static ClientHelloSni read(ByteBuffer buffer) {
    ClientHelloSni result = new ClientHelloSni();
    result.outcome = result.parse(buffer.slice());
    return result;
  }

  private Outcome parse(ByteBuffer b) {
    if (b.remaining() < 5) {
      return Outcome.NEED_MORE;
    }
    if ((b.get(0) & 0xff) != 0x16) {
      return Outcome.NONE; // not a TLS handshake: the engine will say so
    }
    int recordEnd = 5 + ((b.get(3) & 0xff) << 8 | (b.get(4) & 0xff));
    if (b.remaining() < recordEnd) {
      return Outcome.NEED_MORE;
    }
    try {
      // Handshake header (type 1 = ClientHello, 3-byte length), version, random.
      if ((b.get(5) & 0xff) != 0x01) {
        return Outcome.NONE;
      }
      int at = 5 + 4 + 2 + 32;
      at += 1 + (b.get(at) & 0xff); // session id
      at += 2 + u16(b, at); // cipher suites
      at += 1 + (b.get(at) & 0xff); // compression methods
      if (at + 2 > recordEnd) {
        return Outcome.NONE; // no extensions
      }
      int extensionsEnd = Math.min(recordEnd, at + 2 + u16(b, at));
      at += 2;
      while (at + 4 <= extensionsEnd) {
        int type = u16(b, at);
        int length = u16(b, at + 2);
        at += 4;
        if (type == 0) { // server_name: list length, then (name type, length, name)...
          int end = at + length;
          int entry = at + 2;
          while (entry + 3 <= end) {
            int nameLength = u16(b, entry + 1);
            if ((b.get(entry) & 0xff) == 0) {
              byte[] name = new byte[nameLength];
              b.get(entry + 3, name);
              String text = new String(name, StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
              host = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
              return Outcome.FOUND;
            }
            entry += 3 + nameLength;
          }
          return Outcome.NONE;
        }
        at += length;
      }
      return Outcome.NONE;
    } catch (IndexOutOfBoundsException e) {
      return Outcome.NONE; // a ClientHello longer than its first record, or malformed: no SNI read
    }
  }

  private static int u16(ByteBuffer b, int at) {
    return (b.get(at) & 0xff) << 8 | (b.get(at + 1) & 0xff);
  }
}
