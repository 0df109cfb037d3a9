package io.inboard.agent.instrument.outbound;

import io.inboard.core.breaker.DestinationLimits;
import io.inboard.core.propagation.PropagationContext;
import io.inboard.core.route.Decision;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Applies the mesh's plan to an {@code HttpURLConnection} about to connect, retries its connect when
 * it fails and the rule allows it, holds it to its destination's {@code connectionPool} from its
 * connect until its answer's headers are in (or it ended without them), and records the routed call
 * in the metrics once its response status is known (or its connect failed for good).
 */
final class UrlConnectionRouting {
  private final MeshCalls calls;

  /**
   * Routed connections whose status has not been seen yet. Weak keys (connections do not override
   * equals): one the application abandons before asking for a status is dropped with it, unrecorded.
   */
  private final Map<Object, UrlConnectionCall> pending = Collections.synchronizedMap(new WeakHashMap<>());

  /**
   * The URL each connection whose connect failed connects to next: its retry, taken by the connect
   * the woven {@code plainConnect} makes at once on the same thread.
   */
  private final Map<Object, URL> retries = Collections.synchronizedMap(new WeakHashMap<>());

  /** How many retries wait in {@link #retries}: while none does, a connect does not look there. */
  private final AtomicInteger retriesDue = new AtomicInteger();

  /**
   * How many routed connections hold a slot of a destination's circuit breaker: while none does
   * (no rule sets a {@code connectionPool}), a connection that ends does not look in {@link #pending}.
   */
  private final AtomicInteger slotsHeld = new AtomicInteger();

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
      if (!(candidate instanceof HttpURLConnection connection) || !(target instanceof URL url)
          || Thread.currentThread() instanceof Mirrors.MirrorThread) {
        return null; // not HTTP, or a mirror's copy: sent as it is
      }
      if (retriesDue.get() > 0) {
        URL retry = retries.remove(connection);
        if (retry != null) {
          retriesDue.decrementAndGet();
          return retry;
        }
      }
      return route(connection, url, 0);
    } catch (Throwable t) {
      calls.routing().recordFailure("httpurlconnection", t);
      return null;
    }
  }

  /**
   * Routes {@code connection} to {@code url}: the application's, or after {@code redirects} mesh
   * redirects followed, the last one's location. Returns what {@link #connecting} returns.
   */
  private Object route(HttpURLConnection connection, URL url, int redirects) throws Exception {
    if (!MeshCalls.routable(url.getProtocol())) {
      return null;
    }
    PropagationContext context = PropagationContext.current();
    String host = connection.getRequestProperty("Host");
    String ours = hostsSet.remove(connection);
    // A follow-up goes to the host its location names, as the JDK's sets Host from it.
    boolean hostIsOurs = redirects > 0 || (ours != null && ours.equals(host));
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
            new UrlConnectionHeaders(connection, context),
            calls.routing().caller());
    CallPlan plan = calls.plan(view);
    if (hostIsOurs && !(plan instanceof CallPlan.Routed)) {
      // A redirect out of the mesh: the Host the URL names, as the JDK would have sent it.
      connection.setRequestProperty("Host", OutgoingRequest.authority(url.getHost(), url.getPort()));
    }
    if (plan instanceof CallPlan.Answered answered) {
      // The mesh's own answer (abort, no route, no instance, ...), read as a server's would be.
      MeshCalls.delay(answered.delay());
      calls.routing().recordOutbound(answered.decision(), answered.status(), 0);
      URL followUp = answered.location() == null ? null : UrlConnectionRedirects.followUp(connection, url, answered);
      if (followUp != null) {
        if (redirects + 1 >= UrlConnectionRedirects.MAX_REDIRECTS) {
          return UrlConnectionRedirects.tooMany(redirects + 1);
        }
        Object next = route(connection, followUp, redirects + 1);
        return next != null ? next : followUp; // out of the mesh: the JDK connects to the location itself
      }
      return UrlConnectionAnswer.of(answered, false);
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
    MeshCalls.delay(routed.delay());
    if (slotsHeld.get() > 0) {
      // Connecting again (the JDK follows a redirect, or authenticates) without an answer seen.
      UrlConnectionCall previous = pending.remove(connection);
      if (previous != null) {
        previous.end();
      }
    }
    String path = routed.path() != null ? routed.path() : url.getPath();
    String file = url.getQuery() == null ? path : path + "?" + url.getQuery();
    // From here the call counts against its destination's connectionPool, once its delay is over.
    DestinationLimits limits = calls.limits(routed.decision());
    UrlConnectionSlot slot = null;
    if (limits != null) {
      if (!limits.tryStartRequest()) {
        return UrlConnectionAnswer.of(calls.overloaded(routed.decision(), view, limits), true);
      }
      slot = new UrlConnectionSlot(connection, limits, slotsHeld);
    }
    // Copied only when sent: a call its connectionPool turned away is not mirrored (as with OkHttp).
    if (!routed.decision().actions().mirrors().isEmpty()) {
      UrlConnectionMirror.send(calls.mirrors(), connection, routed, file);
    }
    UrlConnectionCall call = new UrlConnectionCall(routed, view, file, connection.getConnectTimeout(),
        connection.getReadTimeout(), slot, limits == null ? null : limits.connectTimeout());
    try {
      URL instance = call.instanceUrl(routed);
      // The first try: the rule's perTryTimeout within its timeout, unless the application's are shorter.
      call.limitTry(connection, 0);
      // Recorded when the status is known (responded), or when its connect fails for good.
      pending.put(connection, call);
      return instance;
    } catch (Throwable t) {
      call.end(); // the call goes out as the application made it: it holds no slot
      throw t;
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

  /**
   * See {@link io.inboard.bridge.OutboundHook#urlConnectFailed}: a routed connection's connect
   * failed. The try is reported to outlier detection (no status); the connect is retried when the
   * rule's policy allows it, else the call is recorded once, without a status, and the failure
   * reaches the application as it is. Never throws: any failure here means no retry.
   */
  boolean connectFailed(Object candidate, Throwable failure) {
    try {
      UrlConnectionCall call = pending.get(candidate);
      if (call == null) {
        return false;
      }
      calls.tried(call.decision(), 0);
      call.connectFailed();
      URL next = failure instanceof IOException io && candidate instanceof HttpURLConnection connection
          ? call.retryAfter(calls, connection, io)
          : null;
      if (next != null) {
        retries.put(candidate, next);
        retriesDue.incrementAndGet();
        return true;
      }
      pending.remove(candidate);
      call.end();
      calls.routing().recordOutbound(call.decision(), 0, System.nanoTime() - call.startNanos);
      return false;
    } catch (Throwable t) {
      calls.routing().recordFailure("httpurlconnection.retry", t);
      UrlConnectionCall call = pending.remove(candidate);
      if (call != null) {
        call.end();
      }
      return false;
    }
  }

  /** See {@link io.inboard.bridge.OutboundHook#urlResponded}: records a routed call, once. */
  void responded(Object connection, int status) {
    if (status < 100) {
      return; // asked before a status line was read (the JDK does so itself while connecting)
    }
    try {
      UrlConnectionCall call = pending.remove(connection);
      if (call != null) {
        call.end(); // the answer's headers are in: the call no longer counts against its destination
        calls.tried(call.decision(), status);
        calls.routing().recordOutbound(call.decision(), status, System.nanoTime() - call.startNanos);
      }
    } catch (Throwable t) {
      calls.routing().recordFailure("httpurlconnection", t);
    }
  }

  /**
   * See {@link io.inboard.bridge.OutboundHook#urlEnded}: a connection that holds a circuit-breaker
   * slot and ended without an answer (disconnected, or its stream failed) gives it back. Its call
   * stays pending: a status that is known after all is still recorded.
   */
  void ended(Object connection) {
    if (slotsHeld.get() == 0) {
      return;
    }
    try {
      UrlConnectionCall call = pending.get(connection);
      if (call != null) {
        call.end();
      }
    } catch (Throwable t) {
      calls.routing().recordFailure("httpurlconnection", t);
    }
  }
}
