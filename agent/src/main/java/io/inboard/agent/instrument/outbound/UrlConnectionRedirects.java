package io.inboard.agent.instrument.outbound;

import io.inboard.bridge.UrlRequestHeaders;
import java.net.HttpURLConnection;
import java.io.IOException;
import java.net.ProtocolException;
import java.net.URL;
import java.util.Locale;

/**
 * Follows a redirect the mesh answers an {@code HttpURLConnection} call with, as the JDK's own
 * {@code followRedirect} follows a server's: the answer is written into the connection as a cached
 * response, which the JDK never follows, while behind an Envoy sidecar it would have come from the
 * network and been followed. The JDK's rules: only with {@code getInstanceFollowRedirects()}, for
 * 300 to 307 but 304 and 306 (not 308), to a URL of the same protocol, at most
 * {@code http.maxRedirects} (default 20) times, after which the call fails with the JDK's
 * {@code ProtocolException}; a {@code POST} becomes a {@code GET} (but for a 307, or with
 * {@code http.strictPostRedirect}) and then sends none of the headers set before, as the JDK
 * starts its request anew; another destination gets no {@code Authorization} or {@code Cookie}.
 * A connection that may send a body ({@code doOutput}) is not followed: its answer is the redirect.
 */
final class UrlConnectionRedirects {
  /** The JDK's limit, read once as the JDK reads it. */
  static final int MAX_REDIRECTS = Integer.getInteger("http.maxRedirects", 20);

  private UrlConnectionRedirects() {}

  /**
   * The URL {@code connection} goes on to when the JDK would follow {@code answered}, its redirect
   * of {@code url} after {@code followed} redirects, with the connection's method and headers made
   * as the JDK makes them; {@code null} when the JDK would not follow it.
   */
  static URL followUp(HttpURLConnection connection, URL url, CallPlan.Answered answered)
      throws IOException {
    int status = answered.status();
    if (!connection.getInstanceFollowRedirects() || connection.getDoOutput() || answered.location() == null
        || status < 300 || status > 307 || status == 304 || status == 305 || status == 306) {
      return null;
    }
    URL location = new URL(url, answered.location());
    if (!location.getProtocol().equalsIgnoreCase(url.getProtocol())) {
      return null;
    }
    if (connection.getRequestMethod().equals("POST") && status != 307 && !Boolean.getBoolean("http.strictPostRedirect")) {
      UrlRequestHeaders.remove(connection);
      connection.setRequestMethod("GET");
    } else if (!sameDestination(url, location)) {
      UrlRequestHeaders.remove(connection, "Cookie", "Cookie2", "Authorization");
    }
    return location;
  }

  /** The JDK's failure for a call redirected {@code redirects} times, in its words. */
  static ProtocolException tooMany(int redirects) {
    // Java 17 and 21 say "too many  times", with two spaces; later versions one.
    String words = Runtime.version().feature() <= 21 ? "too many  times" : "too many times";
    return new ProtocolException("Server redirected " + words + " (" + redirects + ")");
  }

  private static boolean sameDestination(URL from, URL to) {
    return from.getProtocol().equalsIgnoreCase(to.getProtocol())
        && from.getHost().toLowerCase(Locale.ROOT).equals(to.getHost().toLowerCase(Locale.ROOT))
        && port(from) == port(to);
  }

  private static int port(URL url) {
    return url.getPort() == -1 ? url.getDefaultPort() : url.getPort();
  }
}
