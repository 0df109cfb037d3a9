package io.inboard.agent.instrument.outbound;

import io.inboard.agent.instrument.OutboundRouting.MirrorResult;
import io.inboard.core.route.Decision;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.List;
import java.util.Map;

/**
 * Sends a rule's mirrors of a routed {@code HttpURLConnection} that sends no body: for each mirror
 * rolled, a request with the connection's method and headers as routed (propagated headers, header
 * operations) and the rewritten path, to that mirror's instance with {@code Host: <host>-shadow}, on
 * a mirror thread ({@link Mirrors#run}) through a connection of the agent's own; each answer is read
 * to its end and dropped, so its connection goes back to the JDK's keep-alive cache.
 *
 * <p>A connection that may send a body ({@code doOutput}) is not copied: the application writes its
 * body after the connect, into the connection's own stream, and no copy of it can be had.
 */
final class UrlConnectionMirror {
  private UrlConnectionMirror() {}

  /**
   * Sends the copies of {@code connection}, about to connect as {@code routed} plans, one per
   * mirror rolled; {@code file} is the routed path and query. Never throws.
   */
  static void send(Mirrors mirrors, HttpURLConnection connection, CallPlan.Routed routed, String file) {
    try {
      List<Decision.Mirror> targets = routed.decision().actions().mirrors();
      Map<String, List<String>> headers = null;
      for (Decision.Mirror mirror : targets) {
        if (!mirrors.reachable(mirror)) {
          continue;
        }
        if (connection.getDoOutput()) {
          mirrors.skipped(MirrorResult.BODY);
          continue;
        }
        if (headers == null) {
          headers = connection.getRequestProperties();
        }
        String address = mirror.instance().address();
        URL url = new URL("http", address.indexOf(':') >= 0 ? "[" + address + "]" : address,
            mirror.instance().port(), file);
        Copy copy = new Copy(url, connection.getRequestMethod(), headers,
            Decision.Mirror.shadowAuthority(routed.hostHeader()),
            (int) Math.min(Integer.MAX_VALUE, Math.max(1, Mirrors.timeout(routed).toMillis())));
        mirrors.run(() -> copy.exchange(mirrors));
      }
    } catch (Throwable t) {
      mirrors.failed("httpurlconnection.mirror", t);
    }
  }

  /** One copy to send: where, how, with which headers, within how long (connect and each read). */
  private record Copy(URL url, String method, Map<String, List<String>> headers, String host, int timeoutMillis) {
    void exchange(Mirrors mirrors) {
      MirrorResult result = MirrorResult.FAILED;
      try {
        HttpURLConnection copy = (HttpURLConnection) url.openConnection();
        copy.setRequestMethod(method);
        copy.setInstanceFollowRedirects(false);
        copy.setUseCaches(false);
        copy.setConnectTimeout(timeoutMillis);
        copy.setReadTimeout(timeoutMillis);
        headers.forEach((name, values) -> {
          if (name != null && !name.equalsIgnoreCase("Host")) {
            for (String value : values) {
              copy.addRequestProperty(name, value);
            }
          }
        });
        copy.setRequestProperty("Host", host);
        int status = copy.getResponseCode();
        result = MirrorResult.ANSWERED;
        try (InputStream body = status >= 400 ? copy.getErrorStream() : copy.getInputStream()) {
          if (body != null) {
            body.transferTo(OutputStream.nullOutputStream());
          }
        }
      } catch (IOException e) {
        // No answer, or it broke off while being read: nobody is waiting for it.
      } catch (Throwable t) {
        mirrors.failed("httpurlconnection.mirror", t);
      } finally {
        mirrors.finished(result);
      }
    }
  }
}
