package io.inboard.gateway;

import io.inboard.core.route.Cors;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * A routed rule's {@code corsPolicy} at the gateway, as Envoy's CORS filter applies it: a preflight
 * from an allowed origin is answered here without reaching the destination, and every other answer
 * to an allowed origin gets {@code Access-Control-Allow-Origin} (the request's own {@code Origin}).
 * Like Envoy, it adds no {@code Vary: Origin}.
 */
final class CorsAnswers {
  static final String ALLOW_ORIGIN = "access-control-allow-origin";
  static final String ALLOW_CREDENTIALS = "access-control-allow-credentials";
  static final String ALLOW_METHODS = "access-control-allow-methods";
  static final String ALLOW_HEADERS = "access-control-allow-headers";
  static final String EXPOSE_HEADERS = "access-control-expose-headers";
  static final String MAX_AGE = "access-control-max-age";
  private static final String REQUEST_METHOD = "access-control-request-method";
  private static final String REQUEST_HEADERS = "access-control-request-headers";

  private CorsAnswers() {}

  /**
   * Answers a preflight (200, no body) unless it must go on to the destination: one from an origin
   * not allowed is forwarded under {@code unmatchedPreflights: FORWARD} (the default), and answered
   * here without {@code Access-Control-Allow-Origin} under {@code IGNORE}, as Envoy does.
   *
   * @return whether the request was answered
   */
  static boolean preflight(Cors cors, Request request, Response response, Callback callback) {
    HttpFields in = request.getHeaders();
    String origin = in.get(HttpHeader.ORIGIN);
    String requestMethod = in.get(REQUEST_METHOD);
    if (!Cors.isPreflight(request.getMethod(), origin, requestMethod)) {
      return false;
    }
    boolean allowed = cors.allowsOrigin(origin);
    if (!allowed && cors.forwardsUnmatchedPreflights()) {
      return false;
    }
    response.setStatus(200);
    HttpFields.Mutable out = response.getHeaders();
    if (allowed) {
      out.put(ALLOW_ORIGIN, origin);
    }
    // Envoy sends these whether or not the origin is allowed; a browser checks the origin first.
    if (cors.allowCredentials()) {
      out.put(ALLOW_CREDENTIALS, "true");
    }
    if (cors.allowMethods() != null) {
      out.put(ALLOW_METHODS, cors.allowMethods());
    }
    // "*" echoes what the browser asks for, as Envoy does (Istio accepts "*" here, not in methods).
    String allowHeaders = "*".equals(cors.allowHeaders()) ? in.get(REQUEST_HEADERS) : cors.allowHeaders();
    if (allowHeaders != null && !allowHeaders.isEmpty()) {
      out.put(ALLOW_HEADERS, allowHeaders);
    }
    if (cors.maxAge() != null) {
      out.put(MAX_AGE, cors.maxAge());
    }
    if (allowed && cors.exposeHeaders() != null) {
      // Envoy's filter also treats its own preflight answer as an answer to an allowed origin.
      out.put(EXPOSE_HEADERS, cors.exposeHeaders());
    }
    out.put(HttpHeader.CONTENT_LENGTH, 0);
    response.write(true, null, callback);
    return true;
  }

  /**
   * Adds the policy's headers to an answer (the destination's, or the gateway's own error) when the
   * request's {@code Origin} is allowed; overrides any the destination sent, as Envoy does.
   */
  static void onAnswer(Cors cors, Request request, HttpFields.Mutable out) {
    String origin = request.getHeaders().get(HttpHeader.ORIGIN);
    if (!cors.allowsOrigin(origin)) {
      return;
    }
    out.put(ALLOW_ORIGIN, origin);
    if (cors.allowCredentials()) {
      out.put(ALLOW_CREDENTIALS, "true");
    }
    if (cors.exposeHeaders() != null) {
      out.put(EXPOSE_HEADERS, cors.exposeHeaders());
    }
  }
}
