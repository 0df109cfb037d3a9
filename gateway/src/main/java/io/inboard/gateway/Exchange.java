package io.inboard.gateway;

import io.inboard.core.mesh.Instance;
import io.inboard.core.propagation.RequestId;
import io.inboard.core.route.Decision;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * One request's journey through the gateway: the state it was decided against, the decision, the
 * instance of the current attempt, the retry budget and deadline, and the Envoy-style response flag
 * for the metrics. Touched by one thread at a time (Jetty serialises a request's callbacks).
 */
final class Exchange {
  /** Methods safe to send twice; retried only when they carry no body (the body is streamed once). */
  private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

  /** Istio's default {@code retryOn} when a rule sets retries but no conditions. */
  private static final List<String> ISTIO_DEFAULT_RETRY_ON =
      List.of("connect-failure", "refused-stream", "unavailable", "cancelled", "retriable-status-codes");

  /** How an attempt failed, for matching {@code retryOn}. */
  enum Failure { CONNECT, RESET, PER_TRY_TIMEOUT }

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
    if (status < 500 && !listsCode(status)) {
      return false;
    }
    if (!mayRetry(request)) {
      return false;
    }
    for (String condition : retryOn()) {
      switch (condition.toLowerCase(Locale.ROOT)) {
        case "5xx":
          if (status >= 500) {
            return true;
          }
          break;
        case "gateway-error":
          if (status == 502 || status == 503 || status == 504) {
            return true;
          }
          break;
        case "retriable-status-codes":
          if (status == 503 && !listsAnyCode()) {
            return true; // Istio's default retriable code
          }
          break;
        default:
          if (condition.equals(Integer.toString(status))) {
            return true;
          }
      }
    }
    return false;
  }

  /** Whether an attempt that failed without a response should be tried again. */
  boolean retriesFailure(Request request, Failure failure) {
    if (!mayRetry(request)) {
      return false;
    }
    for (String condition : retryOn()) {
      String c = condition.toLowerCase(Locale.ROOT);
      boolean matches = switch (failure) {
        case CONNECT -> c.equals("connect-failure") || c.equals("5xx") || c.equals("gateway-error");
        case RESET -> c.equals("reset") || c.equals("5xx");
        case PER_TRY_TIMEOUT -> c.equals("5xx") || c.equals("gateway-error") || c.equals("504");
      };
      if (matches) {
        return true;
      }
    }
    return false;
  }

  /** Counts one more retry; the caller then sends the next attempt. */
  int nextAttempt() {
    return ++retriesDone;
  }

  int retriesDone() {
    return retriesDone;
  }

  private boolean mayRetry(Request request) {
    Decision.Retries retries = decision.actions().retries();
    return retries != null
        && retriesDone < retries.attempts()
        && !routeTimeoutExpired()
        && IDEMPOTENT.contains(request.getMethod())
        && !hasBody(request);
  }

  private List<String> retryOn() {
    List<String> retryOn = decision.actions().retries().retryOn();
    return retryOn == null || retryOn.isEmpty() ? ISTIO_DEFAULT_RETRY_ON : retryOn;
  }

  private boolean listsCode(int status) {
    Decision.Retries retries = decision.actions().retries();
    return retries != null && retries.retryOn() != null
        && retries.retryOn().contains(Integer.toString(status));
  }

  private boolean listsAnyCode() {
    Decision.Retries retries = decision.actions().retries();
    return retries != null && retries.retryOn() != null
        && retries.retryOn().stream().anyMatch(c -> !c.isEmpty() && Character.isDigit(c.charAt(0)));
  }

  /** As Jetty's proxy decides whether to stream a request body. */
  static boolean hasBody(Request request) {
    return request.getLength() > 0
        || request.getHeaders().get(HttpHeader.CONTENT_TYPE) != null
        || request.getHeaders().get(HttpHeader.TRANSFER_ENCODING) != null;
  }
}
