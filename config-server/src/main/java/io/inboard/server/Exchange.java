package io.inboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * One request being answered: Jetty's request, response and callback, plus the route template it
 * matched, so that every answer — sent now or, for a held watch, later — is counted once in the
 * metrics under its route and status.
 */
final class Exchange implements WatchHub.Watch {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String JSON_TYPE = "application/json";

  // Headers every snapshot answer carries, encoded once rather than for each of many watchers.
  private static final HttpField NO_STORE = new PreEncodedHttpField(HttpHeader.CACHE_CONTROL, "no-store");
  private static final HttpField JSON_CONTENT = new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, JSON_TYPE);
  private static final HttpField GZIP = new PreEncodedHttpField(HttpHeader.CONTENT_ENCODING, "gzip");
  private static final HttpField VARY = new PreEncodedHttpField(HttpHeader.VARY, "Accept-Encoding");
  private static final HttpField CLOSE = new PreEncodedHttpField(HttpHeader.CONNECTION, "close");

  final Request request;
  final Response response;
  private final Callback callback;
  private final ServerMetrics metrics;
  private final long startNanos = System.nanoTime();
  private final AtomicBoolean answered = new AtomicBoolean();
  private volatile String route = "unmatched";
  private volatile Boolean acceptsGzip;
  private volatile Boolean bodyDrained;

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
      answer(status, JSON_CONTENT, null, JSON.writeValueAsBytes(body), false);
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

  /**
   * 304 to a watch; with {@code closing}, also {@code Connection: close}, so that the client's
   * next watch opens a new connection (to the restarted or next server) instead of reusing this one.
   */
  @Override
  public void sendNotModified(boolean closing) {
    answer(304, null, null, null, closing);
  }

  @Override
  public void prepareToHold() {
    acceptsGzip(); // decided now, on the request's thread, not during the fan-out
    bodyDrained(); // likewise: reading a body would block the fan-out
    // A held request must outlive the connector's idle timeout; the hub's sweep bounds it.
    request.addIdleTimeoutListener(t -> false);
  }

  @Override
  public void onFailure(java.util.function.Consumer<Throwable> listener) {
    request.addFailureListener(listener);
  }

  /**
   * Whether what the endpoint left unread of the request body has now been read to its end, so
   * that the connection can carry the next request (see {@link RequestBody#discardRest}). Worked
   * out once, on the request's thread, before the first answer; when false, the answer says
   * {@code Connection: close}.
   */
  private boolean bodyDrained() {
    Boolean drained = bodyDrained;
    if (drained == null) {
      drained = RequestBody.discardRest(request);
      bodyDrained = drained;
    }
    return drained;
  }

  /**
   * Whether the client accepts a gzip'd answer. Worked out once and kept, so that a held watch
   * reads its header on the request thread rather than in the middle of a fan-out.
   */
  boolean acceptsGzip() {
    Boolean gzip = acceptsGzip;
    if (gzip == null) {
      gzip = ContentCoding.acceptsGzip(request.getHeaders().get(HttpHeader.ACCEPT_ENCODING));
      acceptsGzip = gzip;
    }
    return gzip;
  }

  /**
   * A revision's snapshot, gzip'd for clients that accept it. Both forms are encoded once per
   * revision and shared by every watcher; gzip makes the answer several times smaller.
   */
  @Override
  public void sendSnapshot(Published p) {
    if (acceptsGzip()) {
      answer(200, JSON_CONTENT, GZIP, p.gzippedWire(), false);
    } else {
      answer(200, JSON_CONTENT, null, p.wire(), false);
    }
  }

  /** Answers the request; a second answer (a watch woken and timed out at once) is dropped. */
  void send(int status, String contentType, byte[] body) {
    answer(status, contentType == null ? null : new HttpField(HttpHeader.CONTENT_TYPE, contentType), null, body,
        false);
  }

  private void answer(int status, HttpField contentType, HttpField contentEncoding, byte[] body, boolean close) {
    if (!answered.compareAndSet(false, true)) {
      return;
    }
    // Every answer, refusals above all, first reads what is left of the body: a client still
    // sending it would otherwise be reset before it reads the answer.
    if (!bodyDrained()) {
      close = true;
    }
    response.setStatus(status);
    HttpFields.Mutable headers = response.getHeaders();
    boolean hasBody = body != null && status != 304;
    if (hasBody) {
      if (contentType != null) {
        headers.put(contentType);
      }
      headers.put(HttpHeader.CONTENT_LENGTH, body.length);
      if (contentEncoding != null) {
        headers.put(contentEncoding);
        headers.put(VARY);
      }
    }
    headers.put(NO_STORE);
    if (close) {
      headers.put(CLOSE);
    }
    metrics.request(route, request.getMethod(), status, System.nanoTime() - startNanos);
    // A HEAD request gets the headers a GET would, Content-Length included, and no body.
    boolean writeBody = hasBody && !HttpMethod.HEAD.is(request.getMethod());
    response.write(true, writeBody ? ByteBuffer.wrap(body) : org.eclipse.jetty.util.BufferUtil.EMPTY_BUFFER, callback);
  }

  /** Ends the exchange without a response (the client went away). */
  @Override
  public void abandon(Throwable cause) {
    if (answered.compareAndSet(false, true)) {
      callback.failed(cause);
    }
  }
}
