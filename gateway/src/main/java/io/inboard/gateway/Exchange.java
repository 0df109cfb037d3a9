package io.inboard.gateway;

import io.inboard.core.breaker.CircuitBreakers;
import io.inboard.core.breaker.DestinationLimits;
import io.inboard.core.health.OutlierDetector;
import io.inboard.core.mesh.Instance;
import io.inboard.core.model.ConnectionPoolSettings;
import io.inboard.core.propagation.RequestId;
import io.inboard.core.route.Decision;
import io.inboard.core.route.RetryPolicy;
import io.inboard.core.route.TlsDestination;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * One request's journey through the gateway: the state it was decided against, the decision, the
 * instance of the current attempt, the retry budget, the clocks (route and per-try timeout), and the
 * Envoy-style response flag for the metrics. Apart from the clocks it is touched by one thread at a
 * time (Jetty serialises a request's callbacks).
 */
final class Exchange {
  final long startNanos;
  final GatewayRoutes routes;
  GatewayRequestView view;
  Decision decision;
  Instance instance;
  String flags = "-";
  /** The instance counted as having this request in flight, or {@code null}. */
  String counted;
  /** The destination's circuit breaker holding a request slot for this request, or {@code null}. */
  private DestinationLimits limits;
  /** Whether a retry slot is held: from the retry's decision until its outcome is known. */
  private boolean retrySlot;
  private String requestId;
  private int retriesDone;
  /** The TLS opened to the destination's instances, or {@code null} for plain HTTP (the usual case). */
  UpstreamTls tls;
  /** The instances tried so far, once there is a retry (a retry avoids them; see RetryPolicy). */
  private List<Instance> tried;
  /** The HTTP version spoken to the instances for this request, and why. */
  UpstreamProtocol protocol = UpstreamProtocol.HTTP_1_1;
  /** Whether the client's request is gRPC ({@code content-type: application/grpc...}). */
  boolean grpc;
  /** The client's {@code grpc-timeout}, or {@code null}: caps the route timeout, as Istio's gateway does. */
  Duration grpcTimeout;
  /** The {@code grpc-status} the client got from an instance (header or trailer), or {@code null}. */
  String grpcStatus;
  /** A gRPC request's messages kept for a retry, or {@code null} when it cannot be retried. */
  ReplayableBody body;
  /** The client's request trailers, once read; sent on to an instance spoken to over HTTP/2. */
  volatile HttpFields requestTrailers;

  // The clocks: armed and fired on Jetty's scheduler and on the threads moving the request body,
  // so they are guarded by their own lock.
  private final Object clocks = new Object();
  private Scheduler scheduler;
  private boolean waitsForBody;
  private org.eclipse.jetty.client.Request attempt;
  private boolean attemptAnswering;
  private boolean routeStarted;
  private boolean routeTimedOut;
  private boolean finished;
  private long deadlineNanos; // 0 = no route timeout (or not started yet)
  private Scheduler.Task routeTask;
  private Scheduler.Task perTryTask;

  Exchange(long startNanos, GatewayRoutes routes) {
    this.startNanos = startNanos;
    this.routes = routes;
  }

  void routeTo(Decision decision) {
    this.decision = decision;
    this.instance = decision.instance();
  }

  /**
   * Reports how the current attempt ended to the destination's outlier detection: the instance's
   * status, or 0 when it gave none (refused, reset, timed out). Nothing to do, one check, when the
   * destination has no {@code outlierDetection}.
   */
  void tried(int status) {
    endRetry();
    OutlierDetector outliers = routes.outliers();
    if (outliers != null && decision.destination() != null) {
      Decision.Target to = decision.destination();
      outliers.tried(to.host(), to.subset(), to.policyPort(), instance, status);
    }
  }

  /**
   * Takes a request slot at the destination's circuit breaker; {@code false} when it has its most
   * requests in flight (answer 503 without sending). One check when no rule sets a
   * {@code connectionPool}; a slot taken is given back by {@link #releaseLimits()}.
   */
  boolean startRequest() {
    CircuitBreakers breakers = routes.breakers();
    if (breakers == null || decision.destination() == null) {
      return true;
    }
    Decision.Target to = decision.destination();
    DestinationLimits d = breakers.destination(to.host(), to.subset(), to.policyPort());
    if (d == null) {
      return true;
    }
    if (!d.tryStartRequest()) {
      return false;
    }
    limits = d;
    return true;
  }

  /**
   * What the destination's {@code connectionPool} and {@code tls} set for the gateway's connections, or
   * {@code null}.
   *
   * @param upstreamHost the Host the request goes upstream with: the server name sent unless the rule gives
   *     an {@code sni} (Istio's automatic SNI)
   */
  UpstreamPolicy upstreamPolicy(String upstreamHost) {
    UpstreamPolicy shaped = limits == null ? null : UpstreamPolicy.of(limits.settings());
    return tls == null ? shaped
        : UpstreamPolicy.originating(shaped, tls, TlsDestination.serverName(tls.destination.tls(), upstreamHost));
  }

  /** The destination's {@code connectionPool} in force, or {@code null} (after {@link #startRequest()}). */
  ConnectionPoolSettings connectionPool() {
    return limits == null ? null : limits.settings();
  }

  /** The limit turned this request away with: the destination's most requests in flight. */
  long requestLimit() {
    Decision.Target to = decision.destination();
    DestinationLimits d = routes.breakers().destination(to.host(), to.subset(), to.policyPort());
    return d == null ? 0 : d.settings().maxRequests();
  }

  /** Gives back the slots this request holds; once the client has its answer (or was cut off). */
  void releaseLimits() {
    endRetry();
    if (limits != null) {
      limits.endRequest();
      limits = null;
    }
  }

  /** A retry may be made when {@code maxRetries} allows another in flight at the destination. */
  private boolean startRetry() {
    if (limits == null || limits.tryStartRetry()) {
      retrySlot = limits != null;
      return true;
    }
    return false;
  }

  private void endRetry() {
    if (retrySlot) {
      retrySlot = false;
      limits.endRetry();
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
   * Gives the clocks the scheduler they run on, before the first attempt is sent. They start when
   * the client's request is complete: for a request {@code withBody} when its last byte has been
   * read ({@link #requestComplete()}), else when the first attempt is sent.
   */
  void clocksOn(Scheduler scheduler, boolean withBody) {
    synchronized (clocks) {
      this.scheduler = scheduler;
      this.waitsForBody = withBody;
    }
  }

  /**
   * An attempt was sent. Its per-try timeout runs from now if the client's request is complete
   * (always, for a retry), else from {@link #requestComplete()}.
   */
  void attemptSent(org.eclipse.jetty.client.Request upstream) {
    boolean abort;
    synchronized (clocks) {
      attempt = upstream;
      attemptAnswering = false;
      cancel(perTryTask);
      perTryTask = null;
      abort = routeTimedOut;
      if (!abort && !waitsForBody) {
        startRouteTimeout();
        startPerTryTimeout();
      }
    }
    if (abort) {
      upstream.abort(new TimeoutException("route timeout"));
    }
  }

  /**
   * The client's request has been read to its end: as in Envoy, the route timeout and the first
   * per-try timeout start now, not while the client is still uploading.
   */
  void requestComplete() {
    synchronized (clocks) {
      if (!waitsForBody) {
        return;
      }
      waitsForBody = false;
      startRouteTimeout();
      if (attempt != null) {
        startPerTryTimeout();
      }
    }
  }

  /**
   * The attempt's answer goes to the client: its per-try timeout no longer applies (Envoy ignores
   * it once anything was sent downstream); the route timeout still does.
   */
  void answering() {
    synchronized (clocks) {
      attemptAnswering = true;
      cancel(perTryTask);
      perTryTask = null;
    }
  }

  /** The client got its answer (or was cut off): no clock may fire any more. */
  void finished() {
    synchronized (clocks) {
      finished = true;
      cancel(perTryTask);
      cancel(routeTask);
      perTryTask = null;
      routeTask = null;
    }
  }

  /**
   * The route timeout in force: the rule's {@code timeout}, or for a gRPC request with {@code grpc-timeout}
   * the shorter of the two (Istio's {@code grpc_timeout_header_max}: the header, capped by the rule's
   * timeout).
   */
  Duration routeTimeoutInForce() {
    Duration timeout = decision.actions().timeout();
    if (grpcTimeout == null) {
      return timeout;
    }
    return timeout == null || timeout.isZero() || grpcTimeout.compareTo(timeout) < 0 ? grpcTimeout : timeout;
  }

  private void startRouteTimeout() {
    Duration timeout = routeTimeoutInForce();
    if (routeStarted || finished || timeout == null || timeout.isZero() || timeout.isNegative()) {
      routeStarted = true;
      return;
    }
    routeStarted = true;
    deadlineNanos = System.nanoTime() + timeout.toNanos();
    routeTask = scheduler.schedule(this::routeTimeout, timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void startPerTryTimeout() {
    Decision.Retries retries = decision.actions().retries();
    Duration perTry = retries == null ? null : retries.perTryTimeout();
    if (finished || perTry == null || perTry.isZero() || perTry.isNegative()) {
      return;
    }
    org.eclipse.jetty.client.Request target = attempt;
    perTryTask = scheduler.schedule(() -> perTryTimeout(target), perTry.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void perTryTimeout(org.eclipse.jetty.client.Request target) {
    synchronized (clocks) {
      if (finished || attempt != target || attemptAnswering) {
        return;
      }
    }
    target.abort(new TimeoutException("per-try timeout"));
  }

  private void routeTimeout() {
    org.eclipse.jetty.client.Request target;
    synchronized (clocks) {
      if (finished) {
        return;
      }
      routeTimedOut = true;
      target = attempt;
    }
    // Aborts the attempt in flight; one sent later (a retry after its back-off) is aborted by
    // attemptSent. Before the answer started the client gets 504, after it the answer is cut off.
    if (target != null) {
      target.abort(new TimeoutException("route timeout"));
    }
  }

  private static void cancel(Scheduler.Task task) {
    if (task != null) {
      task.cancel();
    }
  }

  /** Whether the route timeout has passed (it runs from the end of the client's request). */
  boolean routeTimeoutExpired() {
    synchronized (clocks) {
      return routeTimedOut || (deadlineNanos != 0 && System.nanoTime() - deadlineNanos >= 0);
    }
  }

  /** Whether a response with {@code status} should be dropped and the request tried again. */
  boolean retriesStatus(Request request, int status) {
    Decision.Retries retries = decision.actions().retries();
    return mayRetry(request) && RetryPolicy.retriesStatus(retries, status) && startRetry();
  }

  /**
   * Whether a gRPC answer whose headers carry {@code grpc-status} {@code code} (a "trailers-only" answer,
   * before anything reached the client) should be dropped and the call tried again. As in Envoy, a status
   * in trailers is never retried: the answer is on its way by then.
   */
  boolean retriesGrpcStatus(Request request, int code) {
    Decision.Retries retries = decision.actions().retries();
    return mayRetry(request) && RetryPolicy.retriesGrpcStatus(retries, code) && startRetry();
  }

  /** Whether an attempt that failed without a response should be tried again. */
  boolean retriesFailure(Request request, RetryPolicy.Failure failure) {
    Decision.Retries retries = decision.actions().retries();
    return mayRetry(request) && RetryPolicy.retriesFailure(retries, failure) && startRetry();
  }

  /** Counts one more retry; the caller then sends the next attempt. */
  /** The instances tried so far; the first call starts the list with the first attempt's. */
  List<Instance> tried() {
    if (tried == null) {
      tried = new ArrayList<>(4);
      if (instance != null) {
        tried.add(instance);
      }
    }
    return tried;
  }

  int nextAttempt() {
    return ++retriesDone;
  }

  int retriesDone() {
    return retriesDone;
  }

  private boolean mayRetry(Request request) {
    if (routeTimeoutExpired()) {
      return false;
    }
    if (body != null) {
      // A gRPC call is retried as Envoy retries it, POST and all, when its messages were kept whole.
      return body.replayable() && RetryPolicy.mayRetry(decision.actions().retries(), retriesDone, "GET", false);
    }
    return RetryPolicy.mayRetry(decision.actions().retries(), retriesDone, request.getMethod(), hasBody(request));
  }

  /**
   * Whether the gateway streams a request body: a positive {@code Content-Length}, or without one a
   * {@code Transfer-Encoding}, as Jetty's proxy decides; and an HTTP/2 request with a
   * {@code Content-Type} and no {@code Content-Length} (HTTP/2 has no {@code Transfer-Encoding}: a gRPC
   * call's messages come so). Over HTTP/1.1 a {@code Content-Type} alone, or {@code Content-Length: 0},
   * sends none, so such a request neither waits for a body to start its clocks nor counts as having one
   * for retries.
   */
  static boolean hasBody(Request request) {
    long length = request.getLength();
    if (length >= 0 && request.getHeaders().get(HttpHeader.CONTENT_LENGTH) != null) {
      return length > 0;
    }
    if (request.getHeaders().get(HttpHeader.TRANSFER_ENCODING) != null) {
      return true;
    }
    return request.getConnectionMetaData().getHttpVersion().getVersion() >= 20
        && request.getHeaders().get(HttpHeader.CONTENT_TYPE) != null;
  }
}
