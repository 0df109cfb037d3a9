package io.inboard.bridge;

import java.io.IOException;

/**
 * What advice inlined into HTTP client classes calls. Implemented by the agent; parameters are
 * typed {@code Object} because the bridge sits on the bootstrap class path and must not depend on
 * the clients' classes.
 *
 * <p>Implementations never throw: any internal failure leaves the call as the application made it.
 * A deliberate refusal (the mesh answers 404 or 503 without a network call) is returned as an
 * {@link IOException} for the advice to raise.
 */
public interface OutboundHook {
  /** Does nothing: in force until the agent has started. */
  OutboundHook NONE = new OutboundHook() {};

  /**
   * {@code java.net.http}: called with the application's {@code HttpRequest} on the calling thread
   * before it is sent. Returns the request to send (the same one when untouched), an
   * {@link IOException} to fail the call with, or a token that {@link #jdkHttpSent} receives.
   */
  default Object jdkHttpRequest(Object request) {
    return request;
  }

  /**
   * As {@link #jdkHttpRequest(Object)}, with the application's body handler: the hook may also
   * return a {@code CompletableFuture} of a response the mesh made itself (an injected abort, no
   * route, no instance, a redirect, a direct response, a call a {@code connectionPool} turned away),
   * to give the application instead of sending anything.
   */
  default Object jdkHttpRequest(Object request, Object bodyHandler) {
    return jdkHttpRequest(request);
  }

  /**
   * As {@link #jdkHttpRequest(Object, Object)}, with the client the request is sent with, its push
   * promise handler, and the executor of {@code sendAsync} ({@code null} for {@code send}, whose
   * caller waits for the answer anyway): the hook may send the request later, or send its follow-up,
   * through that client, and give the future of that.
   */
  default Object jdkHttpRequest(Object request, Object bodyHandler, Object client, Object pushHandler,
      Object executor) {
    return jdkHttpRequest(request, bodyHandler);
  }

  /**
   * {@code java.net.http}: called with what {@link #jdkHttpRequest} returned and the response
   * future the client produced (or {@code null} when the call was refused); returns the future to
   * give the application.
   */
  default Object jdkHttpSent(Object token, Object future) {
    return future;
  }

  /**
   * As {@link #jdkHttpSent(Object, Object)}, with the client that sent the request and the
   * application's body handler, so that the hook can send the request again (a retry).
   */
  default Object jdkHttpSent(Object token, Object future, Object client, Object bodyHandler) {
    return jdkHttpSent(token, future);
  }

  /** OkHttp: called with each {@code OkHttpClient.Builder} a client is built from. */
  default void okHttpClientBuilding(Object builder) {}

  /**
   * OkHttp: called with the {@code Request} of each new call on the calling thread; returns the
   * request to use (with the current context's headers added).
   */
  default Object okHttpNewCall(Object request) {
    return request;
  }

  /**
   * OkHttp: called with the {@code Callback} of each call {@code enqueue}d, on the enqueuing
   * thread; returns the callback to give OkHttp (one that runs with the caller's context).
   */
  default Object okHttpEnqueue(Object callback) {
    return callback;
  }

  /**
   * {@code HttpURLConnection}: called as the connection is about to connect, with the connection
   * and its URL. Returns the URL to connect to instead, {@code null} to leave it, an
   * {@link IOException} to fail the connect with, or a {@link UrlAnswer} to answer it with.
   */
  default Object urlConnecting(Object connection, Object url) {
    return null;
  }

  /**
   * {@code HttpURLConnection}: the connection's connect failed with {@code failure} before anything
   * was sent. Returns {@code true} when the connection should connect again (to the URL the next
   * {@link #urlConnecting} gives), {@code false} to let the failure reach the application.
   */
  default boolean urlConnectFailed(Object connection, Throwable failure) {
    return false;
  }

  /**
   * {@code HttpURLConnection}: the connection has its response status (the input stream was opened,
   * or the application asked for the status). May be called several times for one connection.
   */
  default void urlResponded(Object connection, int status) {}

  /**
   * {@code HttpURLConnection}: the connection will get no answer through this exchange: the
   * application called {@code disconnect()}, or opening its input or output stream failed. May be
   * called several times for one connection, and for connections that were never routed.
   */
  default void urlEnded(Object connection) {}
}
