package io.inboard.bridge;

import java.lang.reflect.Field;

/**
 * Takes request headers out of an {@code HttpURLConnection} that has not sent its request yet, as
 * the JDK takes them out of a redirect's follow-up: {@code HttpURLConnection} has no public way to
 * remove one. Needs the JDK's private {@code requests} field, opened to the bridge by the agent.
 */
public final class UrlRequestHeaders {
  private static final String CONNECTION = "sun.net.www.protocol.http.HttpURLConnection";

  private UrlRequestHeaders() {}

  /**
   * Removes {@code names} from the headers {@code connection} will send, or all of them when
   * {@code names} is empty. Returns whether it could.
   */
  public static boolean remove(Object connection, String... names) {
    try {
      Class<?> type = connection.getClass();
      while (type != null && !type.getName().equals(CONNECTION)) {
        type = type.getSuperclass();
      }
      if (type == null) {
        return false;
      }
      Field requests = type.getDeclaredField("requests");
      requests.setAccessible(true);
      Object headers = requests.get(connection);
      if (names.length == 0) {
        requests.set(connection, headers.getClass().getConstructor().newInstance());
        return true;
      }
      for (String name : names) {
        headers.getClass().getMethod("remove", String.class).invoke(headers, name);
      }
      return true;
    } catch (Throwable t) {
      return false;
    }
  }
}
