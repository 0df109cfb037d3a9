package io.inboard.bench.controlplane;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads one HTTP/1.1 response at a time from the bytes of a keep-alive connection, as they arrive in
 * pieces: the status, the headers a watch needs ({@code Content-Length}, {@code Content-Encoding},
 * {@code Transfer-Encoding: chunked}, {@code Connection: close}) and the body as sent (still
 * content-coded). Bodies framed by {@code Content-Length}, by chunks, or by the end of the connection
 * are all read; 1xx interim answers are skipped. Not thread-safe: one per connection, {@link #reset}
 * between responses.
 */
final class WatchResponseParser {
  /** Generous for a config server's answer head; a longer head means something other than it answered. */
  private static final int MAX_HEAD = 16 * 1024;
  private static final int MAX_LINE = 1024;
  /** A snapshot is tens of kilobytes; far more means the framing was misread. */
  private static final int MAX_BODY = 64 * 1024 * 1024;

  private enum State { HEAD, LENGTH_BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILER, UNTIL_CLOSE, DONE }

  private State state = State.HEAD;
  private final byte[] head = new byte[MAX_HEAD];
  private int headLength;
  private final byte[] line = new byte[MAX_LINE];
  private int lineLength;
  private byte[] body = new byte[8 * 1024];
  private int bodyLength;
  private long remaining;
  private long wireBytes;
  private int status;
  private boolean gzip;
  private boolean closing;

  /** Forgets the last response, keeping the buffers, to read the next one on the same connection. */
  void reset() {
    state = State.HEAD;
    headLength = 0;
    lineLength = 0;
    bodyLength = 0;
    remaining = 0;
    wireBytes = 0;
    status = 0;
    gzip = false;
    closing = false;
  }

  /** Whether no byte of the current response has arrived yet. */
  boolean idle() {
    return state == State.HEAD && headLength == 0 && wireBytes == 0;
  }

  /**
   * Consumes bytes from {@code in} up to the end of the current response.
   *
   * @return true when the response is complete; bytes after it are left in {@code in}
   * @throws IOException when the bytes are not an HTTP/1.1 response (says which part and why)
   */
  boolean feed(ByteBuffer in) throws IOException {
    while (in.hasRemaining() && state != State.DONE) {
      int before = in.position();
      switch (state) {
        case HEAD -> readHead(in);
        case LENGTH_BODY -> {
          if (appendCounted(in)) {
            state = State.DONE;
          }
        }
        case CHUNK_SIZE -> {
          if (readLine(in, "chunk size")) {
            remaining = chunkSize();
            state = remaining == 0 ? State.TRAILER : State.CHUNK_DATA;
          }
        }
        case CHUNK_DATA -> {
          if (appendCounted(in)) {
            state = State.CHUNK_END;
          }
        }
        case CHUNK_END -> {
          if (readLine(in, "chunk end")) {
            if (lineLength != 0) {
              throw new IOException("chunked body: expected CRLF after a chunk's data, got '" + lineText() + "'");
            }
            state = State.CHUNK_SIZE;
          }
        }
        case TRAILER -> {
          // Trailer fields, if any, end with an empty line; a watch needs none of them.
          if (readLine(in, "trailer")) {
            if (lineLength == 0) {
              state = State.DONE;
            }
            lineLength = 0;
          }
        }
        case UNTIL_CLOSE -> append(in, in.remaining());
        default -> throw new IllegalStateException(state.name());
      }
      wireBytes += in.position() - before;
    }
    return state == State.DONE;
  }

  /**
   * The connection ended. A body read until the close is complete now; anything else cut short is an
   * error.
   *
   * @return true when that completed the response
   */
  boolean endOfStream() throws IOException {
    if (state == State.UNTIL_CLOSE) {
      state = State.DONE;
      return true;
    }
    if (state == State.DONE) {
      return true;
    }
    throw new IOException(idle() ? "the server closed the connection before answering"
        : "the server closed the connection in the middle of a response (" + state.name().toLowerCase(java.util.Locale.ROOT)
            + ", " + wireBytes + " bytes read)");
  }

  int status() {
    return status;
  }

  /** Whether the body is gzip'd ({@code Content-Encoding: gzip}). */
  boolean gzip() {
    return gzip;
  }

  /** Whether the server will close the connection after this response. */
  boolean closing() {
    return closing || state == State.UNTIL_CLOSE;
  }

  /** The body as sent (content coding not undone), in {@code body()[0, bodyLength())}; shared, reused. */
  byte[] body() {
    return body;
  }

  int bodyLength() {
    return bodyLength;
  }

  /** Bytes of this response on the wire: head, framing and body. */
  long wireBytes() {
    return wireBytes;
  }

  private void readHead(ByteBuffer in) throws IOException {
    while (in.hasRemaining()) {
      if (headLength == MAX_HEAD) {
        throw new IOException("response head longer than " + MAX_HEAD + " bytes without an empty line: "
            + new String(head, 0, Math.min(200, headLength), StandardCharsets.ISO_8859_1));
      }
      head[headLength++] = in.get();
      if (headLength >= 4 && head[headLength - 1] == '\n' && head[headLength - 2] == '\r'
          && head[headLength - 3] == '\n' && head[headLength - 4] == '\r') {
        parseHead();
        return;
      }
    }
  }

  /**
   * Reads the status and the few headers a watch needs straight from the head's bytes: this runs once
   * per answer for hundreds of watchers on one thread, so no strings or regular expressions unless
   * something is wrong.
   */
  private void parseHead() throws IOException {
    int end = headLength - 4; // without the empty line's CRLF CRLF
    int lineEnd = indexOfCrlf(0, end);
    if (lineEnd < 12 || !startsWith(0, "HTTP/1.") || head[8] != ' ' || !digits(9, 3)
        || (lineEnd > 12 && head[12] != ' ')) {
      throw new IOException("not an HTTP/1.x status line: '" + text(0, lineEnd) + "'");
    }
    status = (head[9] - '0') * 100 + (head[10] - '0') * 10 + (head[11] - '0');
    boolean http10 = head[7] == '0';
    long contentLength = -1;
    boolean chunked = false;
    boolean keepAlive = false;
    for (int p = lineEnd + 2; p < end; p = lineEnd + 2) {
      lineEnd = indexOfCrlf(p, end);
      int colon = p;
      while (colon < lineEnd && head[colon] != ':') {
        colon++;
      }
      if (colon == p || colon == lineEnd) {
        throw new IOException("header line without a name: '" + text(p, lineEnd) + "' in the answer to a watch");
      }
      int v = colon + 1;
      int ve = lineEnd;
      while (v < ve && (head[v] == ' ' || head[v] == '\t')) {
        v++;
      }
      while (ve > v && (head[ve - 1] == ' ' || head[ve - 1] == '\t')) {
        ve--;
      }
      if (nameIs(p, colon, "content-length")) {
        if (ve == v || ve - v > 18 || !digits(v, ve - v)) {
          throw new IOException("Content-Length is not a number: '" + text(v, ve) + "'");
        }
        contentLength = 0;
        for (int i = v; i < ve; i++) {
          contentLength = contentLength * 10 + (head[i] - '0');
        }
      } else if (nameIs(p, colon, "content-encoding")) {
        gzip = valueIs(v, ve, "gzip") || valueIs(v, ve, "x-gzip");
        if (!gzip && !valueIs(v, ve, "identity")) {
          throw new IOException("Content-Encoding " + text(v, ve) + ", but a watch asks only for gzip");
        }
      } else if (nameIs(p, colon, "transfer-encoding")) {
        chunked = ve - v >= 7 && valueIs(ve - 7, ve, "chunked");
      } else if (nameIs(p, colon, "connection")) {
        for (String token : text(v, ve).split(",")) {
          closing |= token.trim().equalsIgnoreCase("close");
          keepAlive |= token.trim().equalsIgnoreCase("keep-alive");
        }
      }
    }
    closing |= http10 && !keepAlive;
    headLength = 0;
    if (status >= 100 && status < 200) {
      state = State.HEAD; // interim answer (100 Continue): the real one follows
      gzip = false;
      closing = false;
      return;
    }
    if (status == 204 || status == 304) {
      state = State.DONE;
    } else if (chunked) {
      state = State.CHUNK_SIZE;
    } else if (contentLength >= 0) {
      remaining = contentLength;
      state = contentLength == 0 ? State.DONE : State.LENGTH_BODY;
    } else {
      state = State.UNTIL_CLOSE;
    }
  }

  private int indexOfCrlf(int from, int end) {
    for (int i = from; i + 1 < end; i++) {
      if (head[i] == '\r' && head[i + 1] == '\n') {
        return i;
      }
    }
    return end;
  }

  private boolean startsWith(int p, String ascii) {
    for (int i = 0; i < ascii.length(); i++) {
      if (head[p + i] != ascii.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private boolean digits(int p, int n) {
    for (int i = p; i < p + n; i++) {
      if (head[i] < '0' || head[i] > '9') {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code head[from, to)} is {@code lowerCase}, ignoring ASCII case (header names and tokens). */
  private boolean valueIs(int from, int to, String lowerCase) {
    if (to - from != lowerCase.length()) {
      return false;
    }
    for (int i = 0; i < lowerCase.length(); i++) {
      int b = head[from + i];
      if (b >= 'A' && b <= 'Z') {
        b += 'a' - 'A';
      }
      if (b != lowerCase.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private boolean nameIs(int from, int colon, String lowerCase) {
    int to = colon;
    while (to > from && (head[to - 1] == ' ' || head[to - 1] == '\t')) {
      to--;
    }
    return valueIs(from, to, lowerCase);
  }

  private String text(int from, int to) {
    return new String(head, from, Math.max(0, to - from), StandardCharsets.ISO_8859_1);
  }

  /** Collects one CRLF-terminated line into {@link #line}; true when it is complete (without the CRLF). */
  private boolean readLine(ByteBuffer in, String what) throws IOException {
    while (in.hasRemaining()) {
      byte b = in.get();
      if (b == '\n') {
        if (lineLength > 0 && line[lineLength - 1] == '\r') {
          lineLength--;
        }
        return true;
      }
      if (lineLength == MAX_LINE) {
        throw new IOException("chunked body: " + what + " line longer than " + MAX_LINE + " bytes");
      }
      line[lineLength++] = b;
    }
    return false;
  }

  private long chunkSize() throws IOException {
    long size = 0;
    int digits = 0;
    for (int i = 0; i < lineLength; i++) {
      byte b = line[i];
      int d = Character.digit(b, 16);
      if (d < 0) {
        if (b == ';' || b == ' ' || b == '\t') {
          break; // chunk extensions: ignored
        }
        throw new IOException("chunked body: bad chunk size '" + lineText() + "'");
      }
      if (++digits > 15) {
        throw new IOException("chunked body: chunk size too large '" + lineText() + "'");
      }
      size = size * 16 + d;
    }
    if (digits == 0) {
      throw new IOException("chunked body: empty chunk size line");
    }
    lineLength = 0;
    return size;
  }

  private String lineText() {
    String s = new String(line, 0, lineLength, StandardCharsets.ISO_8859_1);
    lineLength = 0;
    return s;
  }

  /** Takes up to {@code remaining} body bytes (of a Content-Length body or a chunk); true once all are in. */
  private boolean appendCounted(ByteBuffer in) throws IOException {
    int n = (int) Math.min(remaining, in.remaining());
    append(in, n);
    remaining -= n;
    return remaining == 0;
  }

  private void append(ByteBuffer in, int n) throws IOException {
    if ((long) bodyLength + n > MAX_BODY) {
      throw new IOException("response body longer than " + MAX_BODY + " bytes");
    }
    if (bodyLength + n > body.length) {
      body = Arrays.copyOf(body, Math.max(body.length * 2, bodyLength + n));
    }
    in.get(body, bodyLength, n);
    bodyLength += n;
  }
}
