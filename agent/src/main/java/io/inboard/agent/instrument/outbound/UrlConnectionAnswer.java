package io.inboard.agent.instrument.outbound;

import io.inboard.bridge.UrlAnswer;

/**
 * An answer the mesh gives an {@code HttpURLConnection} call itself (an injected abort, no route,
 * no instance, a redirect, a direct response, a {@code connectionPool} overflow), in the form the
 * bridge writes into the JDK connection: the {@link MeshAnswer} every client gets, under the status
 * line a server (Envoy) would send.
 */
final class UrlConnectionAnswer {
  private UrlConnectionAnswer() {}

  /**
   * The answer for {@code answered}; with {@code overloaded}, Envoy's {@code x-envoy-overloaded:
   * true} of a call a circuit breaker turned away. Where the connection cannot take it, the call
   * fails as it did before answers were written: with a {@link RefusedCall}.
   */
  static UrlAnswer of(CallPlan.Answered answered, boolean overloaded) {
    MeshAnswer answer = MeshAnswer.of(answered, overloaded);
    return new UrlAnswer(
        answer.status(), reasonPhrase(answer.status()), answer.headers(), answer.body(), new RefusedCall(answered));
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
