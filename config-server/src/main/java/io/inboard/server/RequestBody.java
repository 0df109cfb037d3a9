package io.inboard.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * Reads a request body as text, refusing what the server does not take: bodies over 1 MiB (by
 * their declared length and by counting while reading, for chunked bodies), content types other
 * than YAML/JSON/plain text, and bytes that are not UTF-8.
 */
final class RequestBody {
  static final int MAX_BYTES = 1024 * 1024;
  /**
   * A body left unread by the endpoint — a request refused before its body was read (401, 403, 404,
   * 405, 415, a bad name in the URL), or for its size (413) — is still read, and dropped, up to this
   * many bytes in all before the answer is sent (see {@link #discardRest}). Closing a connection
   * whose request bytes are still unread makes the kernel reset it, and a client still sending then
   * loses the answer that explains why (it sees "no bytes" instead); Tomcat swallows refused uploads
   * the same way. Past this size the answer says {@code Connection: close}.
   */
  static final long DRAIN_BYTES = 4L * 1024 * 1024;
  static final Set<String> TYPES =
      Set.of("application/yaml", "application/x-yaml", "application/json", "text/yaml", "text/plain");

  /** The body's text and whether it was declared JSON. */
  record Text(String text, boolean json) {}

  private RequestBody() {}

  static Text read(Request request) {
    String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    boolean json = checkContentType(contentType);
    long declared = request.getLength();
    if (declared > MAX_BYTES) {
      throw tooLarge(declared); // the answer drains what it may of the body
    }
    byte[] bytes = readBounded(request);
    return new Text(decodeUtf8(bytes), json);
  }

  private static boolean checkContentType(String contentType) {
    if (contentType == null || contentType.isBlank()) {
      return false; // taken as YAML, which also reads JSON
    }
    String[] parts = contentType.split(";");
    String type = parts[0].trim().toLowerCase(Locale.ROOT);
    if (!TYPES.contains(type)) {
      throw new ApiError(415, "unsupported content type '" + Names.printable(contentType)
          + "'; send application/yaml, application/x-yaml, application/json, text/yaml or text/plain");
    }
    for (int i = 1; i < parts.length; i++) {
      String[] kv = parts[i].trim().split("=", 2);
      if (kv.length == 2 && kv[0].trim().equalsIgnoreCase("charset")) {
        String cs = kv[1].trim().replace("\"", "");
        if (!cs.equalsIgnoreCase("utf-8") && !cs.equalsIgnoreCase("utf8")) {
          throw new ApiError(415, "unsupported charset '" + Names.printable(cs) + "'; send UTF-8");
        }
      }
    }
    return type.equals("application/json");
  }

  private static byte[] readBounded(Request request) {
    // Not closed: at the end of the body there is nothing to close, and closing the stream before
    // it would fail the request's content, which the answer still drains.
    InputStream in = Content.Source.asInputStream(request);
    try {
      byte[] buf = new byte[8192];
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      long total = 0;
      int n;
      while ((n = in.read(buf)) != -1) {
        total += n;
        if (total > MAX_BYTES) {
          drain(in, request); // from this stream, which holds the rest of the current chunk
          throw tooLarge(-1);
        }
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw ApiError.badRequest("cannot read the request body: " + e.getMessage());
    }
  }

  /**
   * Reads and drops whatever of the request body the endpoint left unread, up to {@link
   * #DRAIN_BYTES} read in all, so that the answer reaches a client that is still sending and the
   * connection can carry its next request. Blocks while the client sends: call it on the request's
   * thread, before the answer is committed.
   *
   * @return true when the body was read to its end; false when the connection must be closed after
   *     the answer (the body is larger than the bound, or could not be read)
   */
  static boolean discardRest(Request request) {
    long declared = request.getLength();
    if (declared == 0) {
      return true;
    }
    if (declared > DRAIN_BYTES && bytesRead(request) < declared) {
      return false; // too much to read just to refuse it
    }
    try {
      return drain(Content.Source.asInputStream(request), request);
    } catch (IOException e) {
      return false; // the client went away or sent a broken body
    }
  }

  /** Reads and drops until the end of the body (true) or until {@link #DRAIN_BYTES} have been read in all (false). */
  private static boolean drain(InputStream in, Request request) throws IOException {
    byte[] buf = new byte[8192];
    while (bytesRead(request) <= DRAIN_BYTES) {
      if (in.read(buf) == -1) {
        return true;
      }
    }
    return false;
  }

  private static long bytesRead(Request request) {
    return Math.max(0, Request.getContentBytesRead(request));
  }

  private static String decodeUtf8(byte[] bytes) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    try {
      return decoder.decode(in).toString();
    } catch (CharacterCodingException e) {
      throw new ApiError(400, "the request body is not valid UTF-8 (first bad byte at offset "
          + in.position() + "); save the file as UTF-8",
          java.util.List.of(ApiError.Detail.of("", "invalid UTF-8 at byte " + in.position())));
    }
  }

  private static ApiError tooLarge(long declared) {
    return new ApiError(413, "request body too large"
        + (declared > 0 ? " (" + declared + " bytes)" : "") + "; at most " + MAX_BYTES
        + " bytes (1 MiB) are accepted; split the apply into several smaller ones");
  }
}
