package io.inboard.agent.instrument.outbound;

import io.inboard.bridge.UrlAnswer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An answer the mesh gives an {@code HttpURLConnection} call itself (an injected abort, no route,
 * no instance, a redirect, a direct response, a {@code connectionPool} overflow), in the form the
 * bridge writes into the JDK connection: the status, headers and body OkHttp's synthetic response
 * carries for the same answer, under the status line a server (Envoy) would send.
 */
final class UrlConnectionAnswer {
  private UrlConnectionAnswer() {}

  /**
   * The answer for {@code answered}; with {@code overloaded}, Envoy's {@code x-envoy-overloaded:
   * true} of a call a circuit breaker turned away. Where the connection cannot take it, the call
   * fails as it did before answers were written: with a {@link RefusedCall}.
   */
  static UrlAnswer of(CallPlan.Answered answered, boolean overloaded) {
    byte[] body = answered.body() == null ? new byte[0] : answered.body().getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "text/plain; charset=utf-8");
    headers.put("Content-Length", Integer.toString(body.length));
    if (overloaded) {
      headers.put(MeshCalls.OVERLOADED_HEADER, "true");
    }
    headers.put(InboardInterceptor.REASON_HEADER, oneLine(answered.reason()));
    if (answered.location() != null) {
      headers.put("Location", answered.location());
    }
    return new UrlAnswer(answered.status(), reasonPhrase(answered.status()), headers, body, new RefusedCall(answered));
  }

  /** A header value cannot span lines: a reason that does is written on one. */
  private static String oneLine(String reason) {
    return reason == null ? "" : reason.replaceAll("[\\r\\n]+", " ");
  }

  /**
   * The reason phrase a server writes after {@code status} (RFC 9110's, and 418's from RFC 2324, as
   * Envoy writes them); empty for a status without one, which the JDK reads as no message.
   */
  static String reasonPhrase(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 201 -> "Created";
      case 202 -> "Accepted";
      case 204 -> "No Content";
      case 301 -> "Moved Permanently";
      case 302 -> "Found";
      case 303 -> "See Other";
      case 304 -> "Not Modified";
      case 307 -> "Temporary Redirect";
      case 308 -> "Permanent Redirect";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 408 -> "Request Timeout";
      case 409 -> "Conflict";
      case 410 -> "Gone";
      case 418 -> "I'm a teapot";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 501 -> "Not Implemented";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> "";
    };
  }
}
