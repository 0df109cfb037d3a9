package io.inboard.agent.instrument.outbound;

import io.inboard.core.propagation.PropagationContext;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** Applies the mesh's plan to a {@code java.net.http} request. */
final class JdkHttpRouting {
  private final MeshCalls calls;

  JdkHttpRouting(MeshCalls calls) {
    this.calls = calls;
  }

  /** See {@link io.inboard.bridge.OutboundHook#jdkHttpRequest}. */
  Object request(Object appRequest) {
    if (!(appRequest instanceof HttpRequest request) || appRequest instanceof RoutedHttpRequest) {
      return appRequest;
    }
    try {
      URI uri = request.uri();
      if (!MeshCalls.routable(uri.getScheme())) {
        return appRequest;
      }
      PropagationContext context = PropagationContext.current();
      String host = request.headers().firstValue("host").orElse(null);
      OutgoingRequest view =
          new OutgoingRequest(
              request.method(),
              uri.getScheme(),
              host != null ? host : OutgoingRequest.authority(uri.getHost(), uri.getPort()),
              uri.getRawPath(),
              uri.getRawQuery(),
              name -> request.headers().firstValue(name).orElseGet(() -> context.get(name)),
              calls.routing().caller());
      CallPlan plan = calls.plan(view);
      if (plan instanceof CallPlan.Answered answered) {
        return new RefusedCall(answered);
      }
      if (!(plan instanceof CallPlan.Routed routed)) {
        return appRequest;
      }
      return new RoutedHttpRequest(rewrite(request, uri, routed), routed.decision(), System.nanoTime());
    } catch (Throwable t) {
      calls.routing().recordFailure("jdk-httpclient", t);
      return appRequest;
    }
  }

  private static HttpRequest rewrite(HttpRequest request, URI uri, CallPlan.Routed routed) {
    // The builder has no "remove": headers the mesh removes or sets are filtered out of the copy.
    Set<String> dropped = new HashSet<>();
    dropped.add("host");
    routed.headers().remove().forEach(name -> dropped.add(name.toLowerCase(Locale.ROOT)));
    routed.headers().set().keySet().forEach(name -> dropped.add(name.toLowerCase(Locale.ROOT)));
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(request, (name, value) -> !dropped.contains(name.toLowerCase(Locale.ROOT)));
    String path = routed.path() != null ? routed.path() : uri.getRawPath();
    builder.uri(target(routed.address(), routed.port(), path, uri.getRawQuery()));
    builder.setHeader("Host", routed.hostHeader());
    MeshCalls.addContextHeaders(name -> request.headers().firstValue(name).isPresent(), builder::header);
    if (MeshCalls.hasHeaderOps(routed.headers())) {
      MeshCalls.applyHeaderOps(routed.headers(), name -> {}, builder::setHeader, builder::header);
    }
    if (routed.timeout() != null
        && (request.timeout().isEmpty() || request.timeout().get().compareTo(routed.timeout()) > 0)) {
      builder.timeout(routed.timeout());
    }
    MeshCalls.delay(routed.delay());
    return builder.build();
  }

  static URI target(String address, int port, String path, String query) {
    String host = address.indexOf(':') >= 0 && !address.startsWith("[") ? "[" + address + "]" : address;
    StringBuilder uri = new StringBuilder("http://").append(host).append(':').append(port);
    uri.append(path == null || path.isEmpty() ? "/" : path);
    if (query != null) {
      uri.append('?').append(query);
    }
    return URI.create(uri.toString());
  }

  /** See {@link io.inboard.bridge.OutboundHook#jdkHttpSent}. */
  Object sent(Object token, Object future) {
    try {
      if (token instanceof RefusedCall refused) {
        calls.routing().recordOutbound(refused.decision(), refused.status(), 0);
        return CompletableFuture.failedFuture(refused);
      }
      if (token instanceof RoutedHttpRequest routed && future instanceof CompletableFuture<?> pending) {
        calls.routing().callStarted(routed.decision);
        pending.whenComplete(
            (response, error) -> {
              calls.routing().callFinished(routed.decision);
              calls
                  .routing()
                  .recordOutbound(
                      routed.decision,
                      response instanceof HttpResponse<?> r ? r.statusCode() : 0,
                      System.nanoTime() - routed.startNanos);
            });
      }
    } catch (Throwable t) {
      calls.routing().recordFailure("jdk-httpclient", t);
    }
    return future;
  }
}
