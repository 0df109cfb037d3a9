package io.inboard.gateway;

import io.inboard.core.model.GrpcStatus;
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
 * body and the same text in {@code x-inboard-reason}, so a client sees why without logs. A gRPC client
 * gets its errors as gRPC does ({@link #grpc}).
 */
final class LocalAnswer {
  static final String REASON_HEADER = "x-inboard-reason";
  static final String GRPC_STATUS = "grpc-status";

  private LocalAnswer() {}

  /** An error or refusal: {@code status}, the reason as body and in {@code x-inboard-reason}. */
  static void reason(Response response, Callback callback, int status, String reason) {
    String oneLine = reason == null ? "" : reason.replaceAll("[\\r\\n]+", " ");
    if (GrpcStatus.isGrpcContentType(response.getRequest().getHeaders().get(HttpHeader.CONTENT_TYPE))) {
      // As Envoy's local replies to a gRPC request: the HTTP status becomes a gRPC one.
      grpc(response, callback, GrpcStatus.fromHttp(status), oneLine);
      return;
    }
    response.setStatus(status);
    HttpFields.Mutable headers = response.getHeaders();
    headers.put(REASON_HEADER, oneLine);
    headers.put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
    body(response, callback, oneLine + "\n");
  }

  /**
   * A gRPC error as Envoy answers one itself, "trailers-only": HTTP 200, {@code content-type:
   * application/grpc}, {@code grpc-status} and {@code grpc-message} (percent-encoded as gRPC asks) in the
   * headers, which end the stream; {@code x-inboard-reason} says the same.
   */
  static void grpc(Response response, Callback callback, int code, String message) {
    String oneLine = message == null ? "" : message.replaceAll("[\\r\\n]+", " ");
    response.setStatus(200);
    HttpFields.Mutable headers = response.getHeaders();
    headers.put(HttpHeader.CONTENT_TYPE, "application/grpc");
    headers.put(GRPC_STATUS, Integer.toString(code));
    headers.put("grpc-message", grpcMessage(oneLine));
    headers.put(REASON_HEADER, oneLine);
    response.write(true, null, callback);
  }

  /** gRPC's percent-encoding of {@code grpc-message}: UTF-8, every byte outside printable ASCII and '%' escaped. */
  static String grpcMessage(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c >= 0x20 && c <= 0x7e && c != '%') {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
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
