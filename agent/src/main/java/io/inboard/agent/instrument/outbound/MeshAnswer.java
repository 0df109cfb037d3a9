package io.inboard.agent.instrument.outbound;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An answer the mesh gives a call itself (an injected abort, no route, no instance, a redirect, a
 * direct response, a {@code connectionPool} overflow), described once for every client: OkHttp's
 * synthetic response, the answer written into an {@code HttpURLConnection} and the
 * {@code HttpClient} response all carry this status, these headers and this body, so an application
 * reads the same answer whichever client it uses.
 *
 * @param headers in the order a server would send them
 * @param body empty for none (an abort, no route, no instance, a redirect)
 *
 * <p>Public, with the members OkHttp's classes use: those classes are also defined in the class
 * loader of an application's own OkHttp, a package of another loader, while this one stays shared.
 */
public record MeshAnswer(int status, Map<String, String> headers, byte[] body) {
  static final String CONTENT_TYPE = "text/plain; charset=utf-8";

  /**
   * The answer for {@code answered}; with {@code overloaded}, Envoy's {@code x-envoy-overloaded:
   * true} of a call a circuit breaker turned away.
   */
  public static MeshAnswer of(CallPlan.Answered answered, boolean overloaded) {
    byte[] body = answered.body() == null ? new byte[0] : answered.body().getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", CONTENT_TYPE);
    headers.put("Content-Length", Integer.toString(body.length));
    if (overloaded) {
      headers.put(MeshCalls.OVERLOADED_HEADER, "true");
    }
    headers.put(InboardInterceptor.REASON_HEADER, oneLine(answered.reason()));
    if (answered.location() != null) {
      headers.put("Location", answered.location());
    }
    return new MeshAnswer(answered.status(), Collections.unmodifiableMap(headers), body);
  }

  /** A header value cannot span lines: a reason that does is written on one. */
  private static String oneLine(String reason) {
    return reason == null ? "" : reason.replaceAll("[\\r\\n]+", " ");
  }
}
