package io.inboard.bridge;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.URL;
import java.util.Map;

/**
 * An answer the mesh gives an {@code HttpURLConnection} call without a network call, written into
 * the JDK connection as if a server had sent it: its status line and headers become the
 * connection's response ({@code getResponseCode}, {@code getHeaderField}), and opening its input
 * stream fails as it does for any error status a server gives ({@code Server returned HTTP response
 * code: 503 for URL: ...}). Writing it needs the JDK's private response fields, opened to the
 * bridge by the agent; when they cannot be written, the call fails with {@link #fallback} instead.
 */
public final class UrlAnswer {
  private static final String CONNECTION = "sun.net.www.protocol.http.HttpURLConnection";

  private final int status;
  private final String reason;
  private final Map<String, String> headers;
  private final IOException fallback;

  /**
   * @param headers the answer's headers, in order
   * @param fallback what the connect throws when the answer cannot be written into the connection
   */
  public UrlAnswer(int status, String reason, Map<String, String> headers, IOException fallback) {
    this.status = status;
    this.reason = reason;
    this.headers = headers;
    this.fallback = fallback;
  }

  /**
   * Writes the answer into {@code connection} (about to connect to {@code url}) and returns what its
   * connect throws: the exception the JDK remembers for an error status, or {@link #fallback}.
   */
  public IOException give(Object connection, URL url) {
    try {
      Class<?> type = connection.getClass();
      while (type != null && !type.getName().equals(CONNECTION)) {
        type = type.getSuperclass();
      }
      if (type == null) {
        return fallback;
      }
      Object response = Class.forName("sun.net.www.MessageHeader").getConstructor().newInstance();
      Method add = response.getClass().getMethod("add", String.class, String.class);
      add.invoke(response, null, "HTTP/1.1 " + status + " " + reason);
      for (Map.Entry<String, String> header : headers.entrySet()) {
        add.invoke(response, header.getKey(), header.getValue());
      }
      // The JDK's own exception for an error status, which getInputStream throws from now on.
      IOException failure = new IOException("Server returned HTTP response code: " + status + " for URL: " + url);
      Field responses = type.getDeclaredField("responses");
      Field remembered = type.getDeclaredField("rememberedException");
      responses.setAccessible(true);
      remembered.setAccessible(true);
      responses.set(connection, response);
      remembered.set(connection, failure);
      return failure;
    } catch (Throwable t) {
      return fallback;
    }
  }
}
