package io.inboard.bridge;

import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLConnection;
import java.util.Map;

/**
 * An answer the mesh gives an {@code HttpURLConnection} call without a network call, written into
 * the JDK connection as if a server had sent it: its status line and headers become the
 * connection's response ({@code getResponseCode}, {@code getHeaderField}).
 *
 * <p>An error status (400 and up) is written as the JDK keeps a server's: opening the input stream
 * fails as it does for any error status ({@code Server returned HTTP response code: 503 for URL:
 * ...}, a {@code FileNotFoundException} for 404 and 410) and, once the connection is connected,
 * {@code getErrorStream()} gives the body. The connect that gives it throws that failure, because
 * the JDK's {@code getInputStream} connects half-way through and would otherwise go on to read from
 * a socket that does not exist. A connection that may send a body ({@code doOutput}) is left not
 * connected: its {@code getOutputStream} would otherwise reach for that socket (Java 17 remembers no
 * failure for it), so its body is not offered through {@code getErrorStream}.
 *
 * <p>Any other status (a redirect, a direct response) is written as the JDK keeps a response from
 * its {@code ResponseCache}: the connect succeeds and the input stream is the body. A connection
 * that may send a body cannot take such an answer (its output stream needs the socket).
 *
 * <p>Writing needs the JDK's private response fields, opened to the bridge by the agent; when they
 * cannot be written, or the answer cannot be given as above, the call fails with {@link #fallback}.
 */
public final class UrlAnswer {
  private static final String CONNECTION = "sun.net.www.protocol.http.HttpURLConnection";

  private final int status;
  private final String reason;
  private final Map<String, String> headers;
  private final byte[] body;
  private final IOException fallback;

  /**
   * @param reason the status line's reason phrase, or empty
   * @param headers the answer's headers, in order
   * @param body the answer's body (empty for none)
   * @param fallback what the connect throws when the answer cannot be written into the connection
   */
  public UrlAnswer(int status, String reason, Map<String, String> headers, byte[] body, IOException fallback) {
    this.status = status;
    this.reason = reason;
    this.headers = headers;
    this.body = body;
    this.fallback = fallback;
  }

  /**
   * Writes the answer into {@code connection} (about to connect to {@code url}) and returns what its
   * connect throws: the exception the JDK remembers for an error status, {@link #fallback} when the
   * answer cannot be written, or {@code null} when the connect succeeds (the connection is then
   * connected, and its {@code plainConnect} returns at once).
   */
  public IOException give(Object connection, URL url) {
    try {
      Class<?> type = connection.getClass();
      while (type != null && !type.getName().equals(CONNECTION)) {
        type = type.getSuperclass();
      }
      boolean error = status >= 400;
      boolean mayWrite = connection instanceof URLConnection c && c.getDoOutput();
      if (type == null || (!error && mayWrite)) {
        return fallback;
      }
      Object response = statusAndHeaders();
      // Every field is found before any is written: a connection is never left half-answered.
      Field connected = field(URLConnection.class, "connected");
      if (error) {
        IOException failure = status == 404 || status == 410
            ? new FileNotFoundException(url.toString())
            : new IOException("Server returned HTTP response code: " + status + " for URL: " + url);
        Field responses = field(type, "responses");
        Field remembered = field(type, "rememberedException");
        Field errorStream = field(type, "errorStream");
        Field code = field(java.net.HttpURLConnection.class, "responseCode");
        Field message = field(java.net.HttpURLConnection.class, "responseMessage");
        responses.set(connection, response);
        remembered.set(connection, failure);
        if (!mayWrite) {
          // As the JDK leaves a connection that read an error status: getErrorStream gives the body.
          errorStream.set(connection, new ByteArrayInputStream(body));
          code.setInt(connection, status);
          message.set(connection, reason);
          connected.setBoolean(connection, true);
        }
        return failure;
      }
      Field cachedHeaders = field(type, "cachedHeaders");
      Field cachedInputStream = field(type, "cachedInputStream");
      cachedHeaders.set(connection, response);
      cachedInputStream.set(connection, new ByteArrayInputStream(body));
      connected.setBoolean(connection, true);
      return null;
    } catch (Throwable t) {
      return fallback;
    }
  }

  /** The JDK's {@code MessageHeader} of the status line and the headers. */
  private Object statusAndHeaders() throws ReflectiveOperationException {
    Object response = Class.forName("sun.net.www.MessageHeader").getConstructor().newInstance();
    Method add = response.getClass().getMethod("add", String.class, String.class);
    add.invoke(response, null, "HTTP/1.1 " + status + (reason.isEmpty() ? "" : " " + reason));
    for (Map.Entry<String, String> header : headers.entrySet()) {
      add.invoke(response, header.getKey(), header.getValue());
    }
    return response;
  }

  private static Field field(Class<?> type, String name) throws NoSuchFieldException {
    Field field = type.getDeclaredField(name);
    field.setAccessible(true);
    return field;
  }
}
