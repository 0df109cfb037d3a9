package io.inboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * One request being answered: Jetty's request, response and callback, plus the route template it
 * matched, so that every answer — sent now or, for a held watch, later — is counted once in the
 * metrics under its route and status.
 */
final class Exchange {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String JSON_TYPE = "application/json";

  final Request request;
  final Response response;
  private final Callback callback;
  private final ServerMetrics metrics;
  private final long startNanos = System.nanoTime();
  private final AtomicBoolean answered = new AtomicBoolean();
  private volatile String route = "unmatched";

  Exchange(Request request, Response response, Callback callback, ServerMetrics metrics) {
    this.request = request;
    this.response = response;
    this.callback = callback;
    this.metrics = metrics;
  }

  void route(String template) {
    this.route = template;
  }

  String method() {
    return request.getMethod();
  }

  boolean answered() {
    return answered.get();
  }

  void sendJson(int status, JsonNode body) {
    try {
      send(status, JSON_TYPE, JSON.writeValueAsBytes(body));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  void sendText(int status, String contentType, String body) {
    send(status, contentType, body.getBytes(StandardCharsets.UTF_8));
  }

  void sendError(ApiError e) {
    ObjectNode body = JSON.createObjectNode();
    body.put("error", e.getMessage());
    ArrayNode details = body.putArray("details");
    for (ApiError.Detail d : e.details()) {
      ObjectNode n = details.addObject();
      if (d.resource() != null && !d.resource().isEmpty()) {
        n.put("resource", d.resource());
      }
      n.put("path", d.path() == null ? "" : d.path());
      n.put("message", d.message());
    }
    sendJson(e.status(), body);
  }

  /** Answers the request; a second answer (a watch woken and timed out at once) is dropped. */
  void send(int status, String contentType, byte[] body) {
    if (!answered.compareAndSet(false, true)) {
      return;
    }
    response.setStatus(status);
    if (body != null && status != 304) {
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    }
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    metrics.request(route, request.getMethod(), status, System.nanoTime() - startNanos);
    if (body == null || status == 304) {
      response.write(true, org.eclipse.jetty.util.BufferUtil.EMPTY_BUFFER, callback);
    } else {
      response.write(true, ByteBuffer.wrap(body), callback);
    }
  }

  /** Ends the exchange without a response (the client went away). */
  void abandon(Throwable cause) {
    if (answered.compareAndSet(false, true)) {
      callback.failed(cause);
    }
  }
}
