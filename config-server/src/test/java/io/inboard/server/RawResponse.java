package io.inboard.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads HTTP/1.1 responses off a raw socket, for tests that need to see what happens to the
 * connection itself (kept or closed, reset before the answer) rather than what a client library
 * makes of it.
 */
final class RawResponse {
  private RawResponse() {}

  /** The status line and headers of one response; its body, by Content-Length, is read and dropped. */
  static List<String> read(InputStream in) throws IOException {
    List<String> head = new ArrayList<>();
    for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
      head.add(line);
    }
    int length = head.stream().filter(h -> h.toLowerCase(Locale.ROOT).startsWith("content-length:"))
        .map(h -> Integer.parseInt(h.substring(h.indexOf(':') + 1).trim())).findFirst().orElse(0);
    in.readNBytes(length);
    return head;
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b == -1) {
        throw new IOException("connection closed after: " + line);
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.US_ASCII);
  }
}
