package io.inboard.gateway;

import io.inboard.core.route.Decision;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * An answer the gateway gives itself instead of proxying: unknown host, no route, no instance,
 * upstream failures, redirects, direct responses and injected aborts. Errors carry a short text
 * body and the same text in {@code x-inboard-reason}, so a client sees why without logs.
 */
final class LocalAnswer {
  static final String REASON_HEADER = "x-inboard-reason";

  private LocalAnswer() {}

  /** An error or refusal: {@code status}, the reason as body and in {@code x-inboard-reason}. */
  static void reason(Response response, Callback callback, int status, String reason) {
    String oneLine = reason == null ? "" : reason.replaceAll("[\\r\\n]+", " ");
    response.setStatus(status);
    HttpFields.Mutable headers = response.getHeaders();
    headers.put(REASON_HEADER, oneLine);
    headers.put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
    body(response, callback, oneLine + "\n");
  }

  /** A redirect: status and {@code Location}, no body. */
  static void redirect(Response response, Callback callback, int status, String location,
      Decision.HeaderOps responseHeaders) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.LOCATION, location);
    HeaderOperations.apply(responseHeaders, response.getHeaders());
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0);
    response.write(true, null, callback);
  }

  /** A direct response: the rule's status and body (plain text, as Envoy sends it). */
  static void direct(Response response, Callback callback, int status, String body,
      Decision.HeaderOps responseHeaders) {
    response.setStatus(status);
    if (body != null && !body.isEmpty()) {
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
    }
    HeaderOperations.apply(responseHeaders, response.getHeaders());
    body(response, callback, body == null ? "" : body);
  }

  private static void body(Response response, Callback callback, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
    response.write(true, ByteBuffer.wrap(bytes), callback);
  }
}
