package io.inboard.agent.instrument.outbound;

import static io.inboard.agent.loader.LibraryClasses.named;

import io.inboard.agent.instrument.OutboundRouting;
import io.inboard.agent.loader.ClassInjector;
import io.inboard.agent.loader.LibraryClasses;
import io.inboard.agent.loader.LoaderHooks;
import io.inboard.bridge.OutboundHook;
import java.util.List;
import java.util.Set;

/**
 * The agent's implementation of the bridge's outbound hook: dispatches each client's advice to its
 * routing. Each client's classes are touched only when that client calls, so an application
 * without OkHttp never loads the OkHttp routing. OkHttp's advice goes to the routing of the class
 * loader that defined the OkHttp calling (see {@link LoaderHooks}).
 */
public final class AgentOutboundHook implements OutboundHook {
  /**
   * The classes that link against OkHttp, defined in each class loader with an OkHttp of its own;
   * the hooks are given its builders, requests and the application's callbacks.
   */
  public static final LibraryClasses OKHTTP =
      new LibraryClasses(
          "okhttp",
          Set.of("okhttp3.OkHttpClient$Builder", "okhttp3.Request", "okhttp3.Callback"),
          List.of(
              named(OkHttpHooks.class, "OkHttpRouting"),
              named(OkHttpHooks.class, "InboardInterceptor"),
              named(OkHttpHooks.class, "ContextCallback"),
              named(OkHttpHooks.class, "OkHttpMirror"),
              named(OkHttpHooks.class, "OkHttpRedirects"),
              named(OkHttpHooks.class, "RewrittenUrls")),
          named(OkHttpHooks.class, "OkHttpRouting"));

  private final MeshCalls calls;
  private volatile JdkHttpRouting jdk;
  private volatile OkHttpRouting okhttp;
  private volatile UrlConnectionRouting urlConnection;
  private final LoaderHooks<OkHttpHooks> okhttpByLoader;

  public AgentOutboundHook(OutboundRouting routing, ClassInjector injector) {
    this.calls = new MeshCalls(routing);
    this.okhttpByLoader =
        new LoaderHooks<>(
            OKHTTP, OkHttpHooks.class, injector, this::okhttp, OkHttpHooks.NONE, MeshCalls.class, calls,
            routing::recordFailure);
  }

  @Override
  public Object jdkHttpRequest(Object request) {
    return jdk().request(request);
  }

  @Override
  public Object jdkHttpRequest(Object request, Object bodyHandler) {
    return jdk().request(request, bodyHandler, null);
  }

  @Override
  public Object jdkHttpRequest(Object request, Object bodyHandler, Object client, Object pushHandler,
      Object executor) {
    return jdk().request(request, bodyHandler, JdkHttpRouting.Sender.of(client, pushHandler, executor));
  }

  @Override
  public Object jdkHttpSent(Object token, Object future) {
    return jdk().sent(token, future, null, null);
  }

  @Override
  public Object jdkHttpSent(Object token, Object future, Object client, Object bodyHandler) {
    return jdk().sent(token, future, client, bodyHandler);
  }

  @Override
  public void okHttpClientBuilding(Object builder) {
    try {
      okhttpByLoader.of(builder).building(builder);
    } catch (Throwable t) {
      calls.routing().recordFailure("okhttp", t);
    }
  }

  @Override
  public Object okHttpNewCall(Object request) {
    try {
      return okhttpByLoader.of(request).newCall(request);
    } catch (Throwable t) {
      calls.routing().recordFailure("okhttp", t);
      return request;
    }
  }

  @Override
  public Object okHttpEnqueue(Object callback) {
    try {
      return okhttpByLoader.of(callback).enqueue(callback);
    } catch (Throwable t) {
      calls.routing().recordFailure("okhttp", t);
      return callback;
    }
  }

  @Override
  public Object urlConnecting(Object connection, Object url) {
    return urlConnection().connecting(connection, url);
  }

  @Override
  public boolean urlConnectFailed(Object connection, Throwable failure) {
    return urlConnection().connectFailed(connection, failure);
  }

  @Override
  public void urlResponded(Object connection, int status) {
    urlConnection().responded(connection, status);
  }

  @Override
  public void urlEnded(Object connection) {
    urlConnection().ended(connection);
  }

  private JdkHttpRouting jdk() {
    JdkHttpRouting routing = jdk;
    if (routing == null) {
      routing = jdk = new JdkHttpRouting(calls);
    }
    return routing;
  }

  /** The routing of the OkHttp on the agent's own class path. */
  private OkHttpRouting okhttp() {
    OkHttpRouting routing = okhttp;
    if (routing == null) {
      routing = okhttp = new OkHttpRouting(calls);
    }
    return routing;
  }

  private UrlConnectionRouting urlConnection() {
    UrlConnectionRouting routing = urlConnection;
    if (routing == null) {
      // Exactly one: a connection's slot and record are kept in the routing that connected it, and
      // two first calls at once must not each make their own (the other's slots would never come back).
      synchronized (this) {
        routing = urlConnection;
        if (routing == null) {
          routing = urlConnection = new UrlConnectionRouting(calls);
        }
      }
    }
    return routing;
  }
}
