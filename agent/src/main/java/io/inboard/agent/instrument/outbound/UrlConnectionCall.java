package io.inboard.agent.instrument.outbound;

import io.inboard.core.mesh.Instance;
import io.inboard.core.route.Decision;
import io.inboard.core.route.RetryPolicy;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.MalformedURLException;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One routed {@code HttpURLConnection} call, from its first connect until its status is known: the
 * try the metrics record, and the retries of a connect that failed. Only the connect is retried:
 * it fails before anything is sent and leaves the connection as it was, so connecting again to
 * another instance of the destination is invisible to the application. Once connected, the
 * application drives the exchange itself, and nothing is sent again. When the destination's rule
 * sets a {@code connectionPool}, the call holds a request slot of its circuit breaker until it ends,
 * and each retried connect a retry slot until its outcome is known.
 */
final class UrlConnectionCall {
  private final CallPlan.Routed first;
  private final OutgoingRequest view;
  /** The request's path and query as the instance's URL carries them. */
  private final String file;
  private final int ownConnectTimeout;
  private final int ownReadTimeout;
  final long startNanos = System.nanoTime();
  /** The current try's decision: the one the metrics record. */
  private volatile Decision decision;
  private int retriesDone;
  /** The instances tried so far, once there is a retry (a retry avoids them; see RetryPolicy). */
  private List<Instance> tried;
  /** Its place in the destination's circuit breaker, or {@code null}: the rule sets no {@code connectionPool}. */
  private final UrlConnectionSlot slot;

  /** The destination's {@code connectionPool.tcp.connectTimeout} in milliseconds, or 0: none. */
  private final int tcpConnectTimeout;

  /**
   * Before the first connect, with the timeouts the application set (0: none) and its destination's
   * {@code tcp.connectTimeout} (or {@code null}).
   */
  UrlConnectionCall(CallPlan.Routed first, OutgoingRequest view, String file, int ownConnectTimeout, int ownReadTimeout,
      UrlConnectionSlot slot, Duration tcpConnectTimeout) {
    this.slot = slot;
    this.tcpConnectTimeout = tcpConnectTimeout == null ? 0 : millis(tcpConnectTimeout);
    this.first = first;
    this.view = view;
    this.file = file;
    this.ownConnectTimeout = ownConnectTimeout;
    this.ownReadTimeout = ownReadTimeout;
    this.decision = first.decision();
  }

  Decision decision() {
    return decision;
  }

  /** Gives back the call's circuit-breaker slots, once (see {@link UrlConnectionSlot}). */
  void end() {
    if (slot != null) {
      slot.end();
    }
  }

  /** The retried connect failed: its retry slot is given back before the next one is decided. */
  void connectFailed() {
    if (slot != null) {
      slot.endRetry();
    }
  }

  /** The URL of {@code plan}'s instance for this call's path and query. */
  URL instanceUrl(CallPlan.Routed plan) throws MalformedURLException {
    String address = plan.address();
    return new URL("http", address.indexOf(':') >= 0 ? "[" + address + "]" : address, plan.port(), file);
  }

  /**
   * Sets {@code connection}'s connect and read timeouts for a try starting {@code elapsedNanos}
   * into the call: the rule's (see {@link MeshCalls#tryTimeout}), unless the application's own are
   * shorter; the application's when the rule sets none. The connect is also bounded by the
   * destination's {@code tcp.connectTimeout}, as OkHttp's tries are.
   */
  void limitTry(HttpURLConnection connection, long elapsedNanos) {
    Duration limit = MeshCalls.tryTimeout(first, elapsedNanos);
    int connect = tcpConnectTimeout == 0 ? ownConnectTimeout : MeshCalls.shorter(tcpConnectTimeout, ownConnectTimeout);
    if (limit != null) {
      int millis = millis(limit);
      connect = MeshCalls.shorter(millis, connect);
      connection.setReadTimeout(MeshCalls.shorter(millis, ownReadTimeout));
    }
    if (connect != connection.getConnectTimeout()) {
      connection.setConnectTimeout(connect);
    }
  }

  /** A timeout in whole milliseconds, at least 1 (0 would mean none to the JDK). */
  private static int millis(Duration timeout) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
  }

  /**
   * The URL to connect to again after the connect failed with {@code failure}, once the back-off
   * has been waited, or {@code null}: no retry (the rule's {@code retryOn} and {@code attempts},
   * the request's method and body, and the rule's {@code timeout} decide, as for the other clients).
   */
  URL retryAfter(MeshCalls calls, HttpURLConnection connection, IOException failure) throws MalformedURLException {
    Decision.Retries retries = first.decision().actions().retries();
    // A body may have been meant for the connection (doOutput): it is not sent again.
    if (!RetryPolicy.mayRetry(retries, retriesDone, connection.getRequestMethod(), connection.getDoOutput())
        || MeshCalls.failureOf(failure) != RetryPolicy.Failure.CONNECT
        || !RetryPolicy.retriesFailure(retries, RetryPolicy.Failure.CONNECT)
        || MeshCalls.routeTimeoutPassed(first, System.nanoTime() - startNanos)
        // maxRetries: a retry beyond the retries in flight at the destination is not made.
        || (slot != null && !slot.tryStartRetry())) {
      return null;
    }
    try {
      Thread.sleep(RetryPolicy.backoffMillis(retries, ++retriesDone, ThreadLocalRandom.current()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
    long elapsed = System.nanoTime() - startNanos;
    if (MeshCalls.routeTimeoutPassed(first, elapsed)) {
      return null;
    }
    tried = MeshCalls.triedSoFar(tried, first);
    CallPlan.Routed plan = calls.retryPlan(first, view, tried);
    URL next = instanceUrl(plan);
    limitTry(connection, elapsed);
    decision = plan.decision();
    return next;
  }
}
