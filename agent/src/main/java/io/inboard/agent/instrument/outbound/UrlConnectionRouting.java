package io.inboard.agent.instrument.outbound;

import io.inboard.agent.instrument.OutboundRouting;
import io.inboard.core.propagation.PropagationContext;
import io.inboard.core.route.Decision;
import java.net.HttpURLConnection;
import java.net.URL;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Applies the mesh's plan to an {@code HttpURLConnection} about to connect, and records the routed
 * call in the metrics once its response status is known.
 */
final class UrlConnectionRouting {
  private final MeshCalls calls;

  /** A routed connection waiting for its status: the decision and when it connected. */
  private record Pending(Decision decision, long startNanos) {}

  /**
   * Routed connections whose status has not been seen yet. Weak keys (connections do not override
   * equals): one the application abandons before asking for a status is dropped with it, unrecorded.
   */
  private final Map<Object, Pending> pending = Collections.synchronizedMap(new WeakHashMap<>());

  /**
   * The {@code Host} this routing set on each routed connection. The property stays on the
   * connection, so when the connection follows a redirect and connects again, a {@code Host} equal
   * to this one is the mesh's from the first connect, not the application's: the redirect is routed
   * by the URL it names.
   */
  private final Map<Object, String> hostsSet = Collections.synchronizedMap(new WeakHashMap<>());

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
      String ours = hostsSet.remove(connection);
      boolean hostIsOurs = ours != null && ours.equals(host);
      if (hostIsOurs) {
        host = null;
      }
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
      if (hostIsOurs && !(plan instanceof CallPlan.Routed)) {
        // A redirect out of the mesh: the Host the URL names, as the JDK would have sent it.
        connection.setRequestProperty("Host", OutgoingRequest.authority(url.getHost(), url.getPort()));
      }
      if (plan instanceof CallPlan.Answered answered) {
        calls.routing().recordOutbound(answered.decision(), answered.status(), 0);
        return new RefusedCall(answered);
      }
      if (!(plan instanceof CallPlan.Routed routed)) {
        return null;
      }
      connection.setRequestProperty("Host", routed.hostHeader());
      hostsSet.put(connection, routed.hostHeader());
      // HttpURLConnection cannot remove a header once set; a removal keeps a propagated one out.
      MeshCalls.addContextHeaders(
          name -> connection.getRequestProperty(name) != null || removes(routed.headers(), name),
          connection::addRequestProperty);
      if (MeshCalls.hasHeaderOps(routed.headers())) {
        MeshCalls.applyHeaderOps(
            routed.headers(), name -> {}, connection::setRequestProperty, connection::addRequestProperty);
      }
      // The call's one try: the rule's perTryTimeout within its timeout, as the connect and read
      // timeouts, unless the application's own are shorter.
      Duration limit = MeshCalls.tryTimeout(routed, 0);
      if (limit != null) {
        int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, limit.toMillis()));
        connection.setReadTimeout(MeshCalls.shorter(millis, connection.getReadTimeout()));
        connection.setConnectTimeout(MeshCalls.shorter(millis, connection.getConnectTimeout()));
      }
      MeshCalls.delay(routed.delay());
      // The application drives the connection step by step: there is no one request to copy.
      for (int copies = routed.decision().actions().mirrors().size(); copies > 0; copies--) {
        calls.mirrors().skipped(OutboundRouting.MirrorResult.CLIENT);
      }
      // Recorded when the status is known (responded).
      pending.put(connection, new Pending(routed.decision(), System.nanoTime()));
      String path = routed.path() != null ? routed.path() : url.getPath();
      String file = url.getQuery() == null ? path : path + "?" + url.getQuery();
      String address = routed.address();
      return new URL("http", address.indexOf(':') >= 0 ? "[" + address + "]" : address, routed.port(), file);
    } catch (Throwable t) {
      calls.routing().recordFailure("httpurlconnection", t);
      return null;
    }
  }

  private static boolean removes(Decision.HeaderOps ops, String name) {
    if (!MeshCalls.hasHeaderOps(ops)) {
      return false;
    }
    for (String removed : ops.remove()) {
      if (removed.equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  /** See {@link io.inboard.bridge.OutboundHook#urlResponded}: records a routed call, once. */
  void responded(Object connection, int status) {
    if (status < 100) {
      return; // asked before a status line was read (the JDK does so itself while connecting)
    }
    try {
      Pending call = pending.remove(connection);
      if (call != null) {
        calls.tried(call.decision(), status);
        calls.routing().recordOutbound(call.decision(), status, System.nanoTime() - call.startNanos());
      }
    } catch (Throwable t) {
      calls.routing().recordFailure("httpurlconnection", t);
    }
  }
}
