package io.inboard.gateway;

import io.inboard.core.mesh.Instance;
import io.inboard.core.propagation.RequestId;
import io.inboard.core.route.Decision;
import io.inboard.core.route.RetryPolicy;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * One request's journey through the gateway: the state it was decided against, the decision, the
 * instance of the current attempt, the retry budget and deadline, and the Envoy-style response flag
 * for the metrics. Touched by one thread at a time (Jetty serialises a request's callbacks).
 */
final class Exchange {
  final long startNanos;
  final GatewayRoutes routes;
  GatewayRequestView view;
  List<String> gateways;
  Decision decision;
  Instance instance;
  String flags = "-";
  /** The instance counted as having this request in flight, or {@code null}. */
  String counted;
  private String requestId;
  private int retriesDone;
  private long deadlineNanos; // 0 = no route timeout

  Exchange(long startNanos, GatewayRoutes routes) {
    this.startNanos = startNanos;
    this.routes = routes;
  }

  void routeTo(Decision decision) {
    this.decision = decision;
    this.instance = decision.instance();
    if (decision.actions().timeout() != null && !decision.actions().timeout().isZero()) {
      deadlineNanos = startNanos + decision.actions().timeout().toNanos();
    }
  }

  /** The {@code x-request-id} to add when the client sent none; the same one on every attempt. */
  String requestId() {
    if (requestId == null) {
      requestId = RequestId.generate();
    }
    return requestId;
  }

  /**
   * The timeout for the next attempt in milliseconds: the per-try timeout bounded by what is left
   * of the route timeout; 0 for none. At least 1 ms, so an attempt never starts without a limit.
   */
  long attemptTimeoutMillis() {
    long timeout = 0;
    Decision.Retries retries = decision.actions().retries();
    if (retries != null && retries.perTryTimeout() != null && !retries.perTryTimeout().isZero()) {
      timeout = retries.perTryTimeout().toMillis();
    }
    if (deadlineNanos != 0) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
      timeout = timeout == 0 ? left : Math.min(timeout, left);
      timeout = Math.max(1, timeout);
    }
    return timeout;
  }

  boolean routeTimeoutExpired() {
    return deadlineNanos != 0 && System.nanoTime() - deadlineNanos >= 0;
  }

  /** Whether a response with {@code status} should be dropped and the request tried again. */
  boolean retriesStatus(Request request, int status) {
    Decision.Retries retries = decision.actions().retries();
    return mayRetry(request) && RetryPolicy.retriesStatus(retries, status);
  }

  /** Whether an attempt that failed without a response should be tried again. */
  boolean retriesFailure(Request request, RetryPolicy.Failure failure) {
    Decision.Retries retries = decision.actions().retries();
    return mayRetry(request) && RetryPolicy.retriesFailure(retries, failure);
  }

  /** Counts one more retry; the caller then sends the next attempt. */
  int nextAttempt() {
    return ++retriesDone;
  }

  int retriesDone() {
    return retriesDone;
  }

  private boolean mayRetry(Request request) {
    return !routeTimeoutExpired()
        && RetryPolicy.mayRetry(decision.actions().retries(), retriesDone, request.getMethod(), hasBody(request));
  }

  /** As Jetty's proxy decides whether to stream a request body. */
  static boolean hasBody(Request request) {
    return request.getLength() > 0
        || request.getHeaders().get(HttpHeader.CONTENT_TYPE) != null
        || request.getHeaders().get(HttpHeader.TRANSFER_ENCODING) != null;
  }
}
