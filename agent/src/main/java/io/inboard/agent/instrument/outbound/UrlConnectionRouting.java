package io.inboard.agent.instrument.outbound;

import io.inboard.core.propagation.PropagationContext;
import java.net.HttpURLConnection;
import java.net.URL;

/** Applies the mesh's plan to an {@code HttpURLConnection} about to connect. */
final class UrlConnectionRouting {
  private final MeshCalls calls;

  UrlConnectionRouting(MeshCalls calls) {
    this.calls = calls;
  }

  /** See {@link io.inboard.bridge.OutboundHook#urlConnecting}. */
  Object connecting(Object candidate, Object target) {
    try {
      if (!(candidate instanceof HttpURLConnection connection) || !(target instanceof URL url)) {
        return null;
      }
      if (!MeshCalls.routable(url.getProtocol())) {
        return null;
      }
      PropagationContext context = PropagationContext.current();
      String host = connection.getRequestProperty("Host");
      OutgoingRequest view =
          new OutgoingRequest(
              connection.getRequestMethod(),
              url.getProtocol(),
              host != null ? host : OutgoingRequest.authority(url.getHost(), url.getPort()),
              url.getPath(),
              url.getQuery(),
              name -> {
                String value = connection.getRequestProperty(name);
                return value != null ? value : context.get(name);
              },
              calls.routing().caller());
      CallPlan plan = calls.plan(view);
      if (plan instanceof CallPlan.Answered answered) {
        calls.routing().recordOutbound(answered.decision(), answered.status(), 0);
        return new RefusedCall(answered);
      }
      if (!(plan instanceof CallPlan.Routed routed)) {
        return null;
      }
      connection.setRequestProperty("Host", routed.hostHeader());
      MeshCalls.addContextHeaders(
          name -> connection.getRequestProperty(name) != null, connection::addRequestProperty);
      // HttpURLConnection cannot remove a header once set; removals apply to propagated ones only.
      MeshCalls.applyHeaderOps(
          routed.headers(), name -> {}, connection::setRequestProperty, connection::addRequestProperty);
      if (routed.timeout() != null) {
        int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, routed.timeout().toMillis()));
        if (connection.getReadTimeout() == 0 || connection.getReadTimeout() > millis) {
          connection.setReadTimeout(millis);
        }
        if (connection.getConnectTimeout() == 0 || connection.getConnectTimeout() > millis) {
          connection.setConnectTimeout(millis);
        }
      }
      MeshCalls.delay(routed.delay());
      // Not recorded: the response status is not observed at connect, and a call recorded without
      // one would count as failed.
      String path = routed.path() != null ? routed.path() : url.getPath();
      String file = url.getQuery() == null ? path : path + "?" + url.getQuery();
      String address = routed.address();
      return new URL("http", address.indexOf(':') >= 0 ? "[" + address + "]" : address, routed.port(), file);
    } catch (Throwable t) {
      calls.routing().recordFailure("httpurlconnection", t);
      return null;
    }
  }
}
