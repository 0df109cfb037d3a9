package io.inboard.bridge;

import java.io.IOException;
import java.net.URL;
import java.util.concurrent.CompletableFuture;

/**
 * The static methods the agent's woven code calls from inside instrumented classes (containers,
 * HTTP clients). Each forwards to the hooks the agent installed ({@link Hooks}) and, being called
 * from the application's own methods, never throws into them: any failure leaves the call as the
 * application made it. The only exception that escapes is the one that is the point — the mesh
 * refusing an {@code HttpURLConnection} connect.
 *
 * <p>Keeping this logic here, rather than in the woven code, keeps the bytecode the agent adds to a
 * method straight-line: no branches, so no new stack map frames to compute.
 */
public final class AdviceCalls {
  private AdviceCalls() {}

  /** Jetty ee10 {@code ServletContextHandler.startContext()}, on entry. */
  public static void jettyContextStarting(Object servletContextHandler) {
    try {
      Hooks.inbound().jettyContextStarting(servletContextHandler);
    } catch (Throwable ignored) {
      // The hook reports its own failures; the container starts regardless.
    }
  }

  /**
   * Jetty ee10 {@code ServletHandler.initialize()}, on entry: after the context's initializers and
   * listeners have run, just before its filters start.
   */
  public static void jettyFiltersStarting(Object servletHandler) {
    try {
      Hooks.inbound().jettyFiltersStarting(servletHandler);
    } catch (Throwable ignored) {
      // As above.
    }
  }

  /** Tomcat {@code StandardContext.filterStart()}, on entry. */
  public static void tomcatFiltersStarting(Object standardContext) {
    try {
      Hooks.inbound().tomcatFiltersStarting(standardContext);
    } catch (Throwable ignored) {
      // As above.
    }
  }

  /** Jetty {@code ServerConnector.open()} and Tomcat {@code Connector.startInternal()}, on return. */
  public static void connectorStarted(Object connector) {
    try {
      Hooks.inbound().connectorStarted(connector);
    } catch (Throwable ignored) {
      // As above.
    }
  }

  /** OkHttp {@code OkHttpClient(Builder)}, on entry (before the super call: it only reads the builder). */
  public static void okHttpClientBuilding(Object builder) {
    try {
      Hooks.outbound().okHttpClientBuilding(builder);
    } catch (Throwable ignored) {
      // The client is built as the application asked.
    }
  }

  /** OkHttp {@code OkHttpClient.newCall(Request)}, on entry: the request the call is made with. */
  public static Object okHttpNewCall(Object request) {
    try {
      Object replaced = Hooks.outbound().okHttpNewCall(request);
      return replaced != null ? replaced : request;
    } catch (Throwable t) {
      return request;
    }
  }

  /** OkHttp {@code RealCall.enqueue(Callback)}, on entry: the callback the call answers. */
  public static Object okHttpEnqueue(Object callback) {
    try {
      Object replaced = Hooks.outbound().okHttpEnqueue(callback);
      return replaced != null ? replaced : callback;
    } catch (Throwable t) {
      return callback;
    }
  }

  /**
   * {@code java.net.http}: the four-argument {@code HttpClientImpl.sendAsync}, on entry. Returns the
   * request to send, or, when the mesh refuses the call, the already failed future to return
   * instead of sending anything.
   */
  public static Object jdkHttpSending(Object request) {
    return jdkHttpSending(request, null);
  }

  /**
   * As {@link #jdkHttpSending(Object)}, with the application's body handler: the future of a
   * response the mesh made itself is returned as it is, to give the application.
   */
  public static Object jdkHttpSending(Object request, Object bodyHandler) {
    return jdkHttpSending(request, bodyHandler, null, null, null);
  }

  /**
   * As {@link #jdkHttpSending(Object, Object)}, with the client ({@code this}), the push promise
   * handler and the executor ({@code null} when {@code send} made the call and waits for it), so the
   * hook can send the request itself later (after an injected delay, or a redirect's follow-up).
   */
  public static Object jdkHttpSending(
      Object request, Object bodyHandler, Object client, Object pushHandler, Object executor) {
    Object sent;
    try {
      sent = Hooks.outbound().jdkHttpRequest(request, bodyHandler, client, pushHandler, executor);
    } catch (Throwable t) {
      return request;
    }
    if (sent instanceof CompletableFuture<?> answered) {
      return answered;
    }
    if (sent instanceof IOException refused) {
      Object future;
      try {
        future = Hooks.outbound().jdkHttpSent(refused, null);
      } catch (Throwable t) {
        future = null;
      }
      return future instanceof CompletableFuture<?> ? future : CompletableFuture.failedFuture(refused);
    }
    return sent != null && !(sent instanceof CompletableFuture<?>) ? sent : request;
  }

  /**
   * {@code java.net.http}: the same method, on return, with the future it returns and the request it
   * sent (what {@link #jdkHttpSending} gave it): the future to give the application.
   */
  public static Object jdkHttpSent(Object future, Object request) {
    try {
      Object replaced = Hooks.outbound().jdkHttpSent(request, future);
      return replaced instanceof CompletableFuture<?> ? replaced : future;
    } catch (Throwable t) {
      return future;
    }
  }

  /**
   * As {@link #jdkHttpSent(Object, Object)}, with the client ({@code this}) and the application's
   * body handler, which a retry sends with again.
   */
  public static Object jdkHttpSent(Object future, Object request, Object client, Object bodyHandler) {
    try {
      Object replaced = Hooks.outbound().jdkHttpSent(request, future, client, bodyHandler);
      return replaced instanceof CompletableFuture<?> ? replaced : future;
    } catch (Throwable t) {
      return future;
    }
  }

  /**
   * {@code HttpURLConnection.plainConnect()}, on entry: the URL to connect to. An answer the mesh
   * gives without a network call ({@link UrlAnswer}) is written into the connection, and the connect
   * throws what the JDK throws for it (an error status), or returns with the connection connected;
   * a refusal the connection cannot read is thrown as the connect's {@link IOException}.
   */
  public static URL urlConnecting(Object connection, URL url, boolean connected) throws IOException {
    if (connected) {
      return url;
    }
    Object routed;
    try {
      routed = Hooks.outbound().urlConnecting(connection, url);
    } catch (Throwable t) {
      return url;
    }
    if (routed instanceof IOException refused) {
      throw refused;
    }
    if (routed instanceof UrlAnswer answer) {
      IOException failure = answer.give(connection, url);
      if (failure != null) {
        throw failure;
      }
      return url; // answered and connected: plainConnect returns without opening a socket
    }
    return routed instanceof URL target ? target : url;
  }

  /**
   * {@code HttpURLConnection.plainConnect()}, when it throws an {@link IOException}: whether to
   * connect again (a retry of a refused connection); {@code false} on any failure of the hook, so
   * the application gets its own exception.
   */
  public static boolean urlConnectFailed(Object connection, Throwable failure) {
    try {
      return Hooks.outbound().urlConnectFailed(connection, failure);
    } catch (Throwable t) {
      return false;
    }
  }

  /**
   * {@code HttpURLConnection.getInputStream0()} on return and {@code HttpURLConnection.getResponseCode()}
   * on return: the connection's response status, for the metrics of a routed call.
   */
  public static void urlResponded(Object connection, int status) {
    try {
      Hooks.outbound().urlResponded(connection, status);
    } catch (Throwable ignored) {
      // Metrics only; the application's call is unaffected.
    }
  }

  /**
   * {@code HttpURLConnection.disconnect()} on entry, and {@code getInputStream0()} and
   * {@code getOutputStream0()} when they throw: the exchange is over without (more of) an answer.
   */
  public static void urlEnded(Object connection) {
    try {
      Hooks.outbound().urlEnded(connection);
    } catch (Throwable ignored) {
      // Bookkeeping only; the application's call is unaffected.
    }
  }
}
