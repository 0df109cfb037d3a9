package io.inboard.gateway;

import io.inboard.core.mesh.Instance;
import io.inboard.core.model.GrpcStatus;
import io.inboard.core.route.Cors;
import io.inboard.core.route.Decision;
import io.inboard.core.route.RetryPolicy;
import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.transport.HttpClientConnectionFactory;
import org.eclipse.jetty.client.transport.HttpClientTransportDynamic;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.Trailers;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.ClientConnectionFactoryOverHTTP2;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The gateway's reverse proxy: for each request it asks the router where to go, and lets Jetty's
 * {@link ProxyHandler} stream the request and response. Everything the gateway adds — the
 * virtual-host choice, rewrites, header operations, redirects, direct responses, timeouts, faults,
 * retries and metrics — hangs off the proxy's own hooks.
 */
final class InboardProxy extends ProxyHandler.Reverse {
  private static final System.Logger LOG = System.getLogger(InboardProxy.class.getName());
  private static final String EXCHANGE = Exchange.class.getName();
  private static final String X_REQUEST_ID = "x-request-id";

  private final GatewayMetrics metrics;
  private final InFlightCounts inFlight;
  private final Map<String, String> labels;
  private final AtomicBoolean routerFailureLogged = new AtomicBoolean();
  private volatile GatewayRoutes routes = GatewayRoutes.EMPTY;
  /** The TLS opened to destinations whose rules say so; {@code null} until a rule does. */
  private volatile UpstreamOrigination origination;

  InboardProxy(GatewayMetrics metrics, InFlightCounts inFlight, Map<String, String> labels) {
    // rewriteHttpURI is overridden: the target comes from the decision, not a URI pattern.
    super(request -> {
      throw new IllegalStateException("rewriteHttpURI is overridden");
    });
    this.metrics = metrics;
    this.inFlight = inFlight;
    this.labels = Map.copyOf(labels);
    setViaHost("inboard-gateway");
  }

  /**
   * Tunes the client that Jetty's proxy creates (it then removes content decoders and installs its
   * own 100-continue handling, which is why the gateway does not bring a client of its own).
   */
  @Override
  protected HttpClient newHttpClient() {
    // As Jetty's proxy builds it, with a connector and pools that take a DestinationRule's
    // connectionPool settings for the requests that carry them (UpstreamPolicy).
    // HTTP/1.1 first (the default), and HTTP/2 for the requests that ask for it (UpstreamProtocol): h2c
    // with prior knowledge in plain text, h2 by ALPN over TLS. Each request names its version, so the
    // two never share a Jetty destination or a connection.
    PolicyConnector connector = new PolicyConnector();
    HttpClientTransportDynamic transport = new HttpClientTransportDynamic(connector,
        HttpClientConnectionFactory.HTTP11, new ClientConnectionFactoryOverHTTP2.HTTP2(new HTTP2Client(connector)));
    transport.setConnectionPoolFactory(UpstreamPolicy.pools(transport.getConnectionPoolFactory()));
    return new HttpClient(transport);
  }

  /**
   * Takes the upstream client out of the server's graceful stop: Jetty would send each HTTP/2 connection
   * to an instance a GOAWAY and wait, up to the whole stop timeout, for the instance to close it. The
   * requests in flight are drained downstream ({@link DrainingHandler}); the client is stopped after.
   */
  @Override
  protected void doStart() throws Exception {
    super.doStart();
    unmanage(getHttpClient()); // else removing it would stop it
    removeBean(getHttpClient());
  }

  @Override
  protected void doStop() throws Exception {
    try {
      super.doStop();
    } finally {
      getHttpClient().stop();
    }
  }

  @Override
  protected void configureHttpClient(HttpClient client) {
    super.configureHttpClient(client);
    client.setUserAgentField(null); // the client's own User-Agent is forwarded as it is
    client.setMaxConnectionsPerDestination(256);
    client.setIdleTimeout(60_000);
    client.setConnectTimeout(5_000);
    // Jetty keeps a destination (its pool and queue) per instance address and per UpstreamPolicy
    // tag: instances come and go, and rule edits make new tags. One unused for 10 minutes is
    // dropped (and made again by the next request to it), so they do not pile up.
    client.setDestinationIdleTimeout(600_000);
  }

  /** Swaps in the routing state of a new snapshot; requests already decided keep theirs. */
  void use(GatewayRoutes next) {
    routes = next;
  }

  GatewayRoutes routes() {
    return routes;
  }

  /** Puts in force the TLS opened to destinations (before the routes of the snapshot it was applied from). */
  void use(UpstreamOrigination origination) {
    this.origination = origination;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    return handle(request, response, callback, routes);
  }

  /** Marks a gRPC request: its errors are answered as gRPC's, its deadline read, its messages kept for a retry. */
  private static void grpc(Request request, Exchange exchange) {
    if (!exchange.grpc) {
      return;
    }
    exchange.grpcTimeout = GrpcTimeout.parse(request.getHeaders().get(GrpcTimeout.HEADER));
    if (exchange.decision != null && exchange.decision.actions().retries() != null) {
      exchange.body = new ReplayableBody();
    }
  }

  /**
   * Serves a request with {@code state}: the plain-HTTP port's, or that of the HTTPS server the
   * request's connection reached.
   */
  boolean handle(Request request, Response response, Callback callback, GatewayRoutes state) {
    Exchange exchange = new Exchange(System.nanoTime(), state);
    exchange.grpc = GrpcStatus.isGrpcContentType(request.getHeaders().get(HttpHeader.CONTENT_TYPE));
    Callback done = new Recording(callback, response, exchange);
    String authority = GatewayRequestView.authorityOf(request);
    List<String> gateways = exchange.routes.hosts().gatewaysFor(authority);
    if (gateways.isEmpty()) {
      exchange.flags = "NR";
      LocalAnswer.reason(response, done, 404, exchange.routes.hosts().unknownHost(authority, labels));
      return true;
    }
    exchange.view = new GatewayRequestView(request);
    if (exchange.routes.hosts().redirectsToHttps(authority)) {
      // A server's tls.httpsRedirect, as Envoy's require_tls: the same host (as sent) and path.
      LocalAnswer.redirect(response, done, 301, "https://" + authority + exchange.view.pathQuery(), null);
      return true;
    }
    Decision decision;
    try {
      decision = exchange.routes.decide(exchange.view);
    } catch (RuntimeException e) {
      if (routerFailureLogged.compareAndSet(false, true)) {
        LOG.log(Level.ERROR, "the router failed on a request; answering 500 (logged once)", e);
      }
      exchange.flags = "RF";
      LocalAnswer.reason(response, done, 500, "routing failed inside the gateway: " + e);
      return true;
    }
    exchange.decision = decision;
    Decision.Actions actions = decision.actions();
    if (actions.cors() != null && CorsAnswers.preflight(actions.cors(), request, response, done)) {
      return true; // as Envoy's CORS filter, before any fault, retry or mirror
    }
    switch (decision.outcome()) {
      case ROUTE -> forward(request, response, done, exchange, decision);
      case REDIRECT -> LocalAnswer.redirect(response, done, decision.status(),
          absolute(actions.redirectLocation(), exchange.view), actions.responseHeaders());
      case DIRECT_RESPONSE -> LocalAnswer.direct(response, done, decision.status(),
          actions.directResponseBody(), actions.responseHeaders());
      case NO_INSTANCE -> {
        exchange.flags = "UH";
        cors(exchange, request, response);
        LocalAnswer.reason(response, done, 503, reasonOf(decision, "no instance of the destination"));
      }
      case NO_ROUTE -> {
        exchange.flags = "NR";
        LocalAnswer.reason(response, done, 404, reasonOf(decision, "no route matched"));
      }
      case PASSTHROUGH -> {
        exchange.flags = "NR";
        LocalAnswer.reason(response, done, 404, "no VirtualService bound to gateway "
            + String.join(" or ", gateways) + " serves host '" + VirtualHosts.hostOf(authority) + "'");
      }
    }
    return true;
  }

  /**
   * Answers 421 Misdirected Request without routing, counted in the metrics as every answer is:
   * the request came on a connection another server's TLS was negotiated for.
   */
  boolean misdirected(Request request, Response response, Callback callback, GatewayRoutes state, String reason) {
    Exchange exchange = new Exchange(System.nanoTime(), state);
    exchange.flags = "NR";
    LocalAnswer.reason(response, new Recording(callback, response, exchange), 421, reason);
    return true;
  }

  private void forward(Request request, Response response, Callback done, Exchange exchange,
      Decision decision) {
    if (decision.instance() == null) {
      exchange.flags = "UH";
      cors(exchange, request, response);
      LocalAnswer.reason(response, done, 503, reasonOf(decision, "no instance chosen for the destination"));
      return;
    }
    exchange.routeTo(decision);
    grpc(request, exchange);
    Decision.Fault fault = decision.actions().fault();
    Duration delay = fault == null ? null : fault.delay();
    if (delay != null && !delay.isZero() && !delay.isNegative()) {
      request.getComponents().getScheduler().schedule(
          () -> send(request, response, done, exchange), delay.toNanos(), TimeUnit.NANOSECONDS);
    } else {
      send(request, response, done, exchange);
    }
  }

  private void send(Request request, Response response, Callback done, Exchange exchange) {
    try {
      Decision.Fault fault = exchange.decision.actions().fault();
      if (fault != null && fault.abortStatus() > 0 && !(exchange.grpc && fault.abortGrpcStatus() >= 0)) {
        exchange.flags = "FI";
        cors(exchange, request, response);
        LocalAnswer.reason(response, done, fault.abortStatus(), "fault injected: abort with "
            + fault.abortStatus() + " by " + describe(exchange.decision.matched()));
        return;
      }
      if (exchange.grpc && fault != null && fault.abortGrpcStatus() >= 0) {
        exchange.flags = "FI";
        cors(exchange, request, response);
        LocalAnswer.grpc(response, done, fault.abortGrpcStatus(), "fault injected: abort with gRPC status "
            + GrpcStatus.name(fault.abortGrpcStatus()) + " by " + describe(exchange.decision.matched()));
        return;
      }
      UpstreamOrigination tls = origination;
      if (tls != null && exchange.decision.destination() != null) {
        exchange.tls = tls.get(exchange.decision.destination());
        if (exchange.tls != null && exchange.tls.problem() != null) {
          exchange.flags = "UF";
          cors(exchange, request, response);
          LocalAnswer.reason(response, done, 503, "upstream TLS not possible: " + exchange.tls.problem());
          return;
        }
      }
      if (!exchange.startRequest()) {
        overflow(request, response, done, exchange);
        return;
      }
      exchange.protocol = UpstreamProtocol.choose(request.getHeaders().get(HttpHeader.CONTENT_TYPE),
          request.getConnectionMetaData().getHttpVersion() == HttpVersion.HTTP_2, exchange.connectionPool(),
          exchange.routes.hosts().http2Server(GatewayRequestView.authorityOf(request)));
      Mirroring.send(getHttpClient(), request, exchange, tls);
      request.setAttribute(EXCHANGE, exchange);
      exchange.counted = exchange.instance.id();
      inFlight.begin(exchange.counted);
      exchange.clocksOn(request.getComponents().getScheduler(), Exchange.hasBody(request));
      super.handle(request, response, done);
    } catch (RuntimeException e) {
      done.failed(e);
    }
  }

  /**
   * Envoy's answer when a destination's circuit breaker overflows: 503 with
   * {@code x-envoy-overloaded: true} (flag {@code UO}), at once, nothing sent upstream.
   */
  private static void overflow(Request request, Response response, Callback done, Exchange exchange) {
    exchange.flags = "UO";
    cors(exchange, request, response);
    response.getHeaders().put("x-envoy-overloaded", "true");
    Decision.Target to = exchange.decision.destination();
    LocalAnswer.reason(response, done, 503, "upstream overflow: " + to.host()
        + (to.subset() == null ? "" : " subset " + to.subset())
        + (to.policyPort() == 0 ? "" : " port " + to.policyPort()) + " already has "
        + exchange.requestLimit() + " requests in flight from this gateway (its DestinationRule's connectionPool)");
  }

  @Override
  protected HttpURI rewriteHttpURI(Request request) {
    Exchange exchange = exchange(request);
    Instance instance = exchange.instance;
    String rewritten = exchange.decision.actions().rewrittenPath();
    HttpURI.Mutable uri = HttpURI.build()
        .scheme(exchange.tls == null ? "http" : "https")
        .host(instance.address())
        .port(instance.port());
    String authority = upstreamAuthority(exchange);
    if (exchange.protocol.http2() && authority != null) {
      // HTTP/2 names the host in the request (:authority), from this URI; the connection still goes to
      // the instance (InstanceAddress, in newProxyToServerRequest).
      HttpURI named = HttpURI.build("//" + authority);
      if (named.getHost() != null && !named.getHost().isEmpty()) {
        uri.host(named.getHost()).port(named.getPort());
      }
    }
    return uri.path(rewritten != null ? rewritten : exchange.view.path())
        .query(request.getHttpURI().getQuery());
  }

  /** The authority the instance is sent: the rule's {@code rewrite.authority}, else the client's. */
  private static String upstreamAuthority(Exchange exchange) {
    String rewritten = exchange.decision.actions().rewrittenAuthority();
    return rewritten != null ? rewritten : exchange.view.authority();
  }

  /**
   * The request to the instance, in the HTTP version {@link UpstreamProtocol} chose; over HTTP/2 it
   * carries the client's request trailers too.
   */
  @Override
  protected org.eclipse.jetty.client.Request newProxyToServerRequest(Request request, HttpURI target) {
    Exchange exchange = exchange(request);
    org.eclipse.jetty.client.Request upstream = super.newProxyToServerRequest(request, target);
    if (!exchange.protocol.http2()) {
      return upstream.version(HttpVersion.HTTP_1_1);
    }
    return upstream.version(HttpVersion.HTTP_2).transport(new InstanceAddress(exchange.instance))
        .trailersSupplier(() -> exchange.requestTrailers);
  }

  /**
   * The client's body as Jetty's proxy streams it, telling the exchange when its last byte was
   * read: the route timeout starts then, as Envoy's does. A gRPC call's messages are kept for a retry
   * as they pass, and the client's trailers for the instance.
   */
  @Override
  protected org.eclipse.jetty.client.Request.Content newProxyToServerRequestContent(Request request,
      Response response, org.eclipse.jetty.client.Request upstream) {
    Exchange exchange = exchange(request);
    return new ProxyRequestContent(request) {
      @Override
      public Content.Chunk read() {
        Content.Chunk chunk = super.read();
        if (exchange.body != null && chunk != null) {
          exchange.body.kept(chunk);
        }
        if (chunk instanceof Trailers trailers) {
          exchange.requestTrailers = trailers.getTrailers();
        }
        if (chunk != null && chunk.isLast() && !Content.Chunk.isFailure(chunk)) {
          exchange.requestComplete();
        }
        return chunk;
      }
    };
  }

  /**
   * Each attempt (the first and every retry) passes here: the exchange's clocks learn which
   * attempt a per-try or route timeout aborts. Jetty's own request timeout is not used: it would
   * run over the whole exchange, upload and streamed answer included.
   */
  @Override
  protected void sendProxyToServerRequest(Request request, org.eclipse.jetty.client.Request upstream,
      Response response, Callback callback) {
    Exchange exchange = exchange(request);
    UpstreamPolicy policy = exchange.upstreamPolicy(upstream.getHeaders().get(HttpHeader.HOST));
    if (policy != null) {
      upstream.tag(policy);
    }
    if (upstream.getBody() == null && exchange.retriesDone() == 0 && Exchange.hasBody(request)) {
      // Jetty's proxy sees a body only with a Content-Length or Transfer-Encoding; an HTTP/2 client's
      // body (a gRPC call's messages) has neither.
      upstream.body(newProxyToServerRequestContent(request, response, upstream));
    }
    exchange.attemptSent(upstream);
    super.sendProxyToServerRequest(request, upstream, response, callback);
  }

  @Override
  protected void copyRequestHeaders(Request request, org.eclipse.jetty.client.Request upstream) {
    super.copyRequestHeaders(request, upstream);
    Exchange exchange = exchange(request);
    Decision.Actions actions = exchange.decision.actions();
    upstream.headers(headers -> {
      if (actions.rewrittenAuthority() != null) {
        headers.put(HttpHeader.HOST, actions.rewrittenAuthority());
      } else if (!request.getHeaders().contains(HttpHeader.HOST) && exchange.view.authority() != null) {
        // An HTTP/2 request carries its host as :authority, no Host header: the upstream, spoken
        // to in HTTP/1.1, gets it as Host, as Envoy sends it (else Jetty would name the instance).
        headers.put(HttpHeader.HOST, exchange.view.authority());
      }
      if (exchange.protocol.http2() && request.getHeaders().contains(HttpHeader.TE, "trailers")) {
        // The one TE HTTP/2 allows, and gRPC servers look for it (Jetty's proxy drops TE as hop-by-hop).
        headers.put(HttpHeader.TE, "trailers");
      }
      HeaderOperations.apply(actions.requestHeaders(), headers);
      if (!headers.contains(X_REQUEST_ID)) {
        headers.put(X_REQUEST_ID, exchange.requestId());
      }
    });
  }

  @Override
  protected void addProxyHeaders(Request request, org.eclipse.jetty.client.Request upstream) {
    super.addProxyHeaders(request, upstream);
    Exchange exchange = exchange(request);
    String client = Request.getRemoteAddr(request);
    upstream.headers(headers -> {
      String forwardedFor = headers.get("x-forwarded-for");
      headers.put("x-forwarded-for", forwardedFor == null ? client : forwardedFor + ", " + client);
      headers.put("x-forwarded-proto", exchange.view.scheme());
      if (!headers.contains("x-forwarded-host")) {
        headers.put("x-forwarded-host", exchange.view.authority());
      }
      if (exchange.decision.actions().rewrittenPath() != null) {
        // Envoy's header: lets the upstream see the path the client asked for (normalized).
        headers.put("x-envoy-original-path", exchange.view.pathQuery());
      }
    });
  }

  @Override
  protected org.eclipse.jetty.client.Response.CompleteListener newServerToProxyResponseListener(
      Request request, org.eclipse.jetty.client.Request upstream, Response response, Callback callback) {
    return new AttemptListener(request, upstream, response, callback, exchange(request));
  }

  @Override
  protected void onServerToProxyResponseFailure(Request request,
      org.eclipse.jetty.client.Request upstream, org.eclipse.jetty.client.Response upstreamResponse,
      Response response, Callback callback, Throwable failure) {
    Exchange exchange = exchange(request);
    if (response.isCommitted()) {
      // Cut off by the route timeout: an upstream timeout, as Envoy counts it; else a reset.
      exchange.flags = causedBy(failure, TimeoutException.class) && exchange.routeTimeoutExpired() ? "UT" : "UR";
      callback.failed(failure); // the client already has part of the answer: cut it off
      return;
    }
    boolean timedOut = causedBy(failure, TimeoutException.class);
    // Jetty's client fails a connect that timed out with a SocketTimeoutException (its reads time
    // out with TimeoutException): a connect failure to Envoy too, retried under connect-failure.
    boolean connectTimedOut = causedBy(failure, SocketTimeoutException.class);
    // A failed TLS handshake is a connect failure to Envoy too (flag UF, retried under connect-failure).
    SSLException tlsFailure = exchange.tls == null ? null : cause(failure, SSLException.class);
    boolean connect = connectTimedOut || tlsFailure != null || causedBy(failure, ConnectException.class)
        || causedBy(failure, NoRouteToHostException.class);
    exchange.tried(0); // no answer: a 5xx and a gateway error for outlier detection, as in Envoy
    RetryPolicy.Failure kind = timedOut ? RetryPolicy.Failure.PER_TRY_TIMEOUT
        : connect ? RetryPolicy.Failure.CONNECT : RetryPolicy.Failure.RESET;
    if (!(timedOut && exchange.routeTimeoutExpired()) && exchange.retriesFailure(request, kind)) {
      retry(request, response, callback, exchange);
      return;
    }
    response.reset();
    cors(exchange, request, response);
    // The reason names the instance by id, not by address: it goes to clients outside the mesh.
    String to = "instance " + exchange.instance.id();
    String tries = exchange.retriesDone() > 0 ? " after " + exchange.retriesDone() + " retries" : "";
    if (timedOut) {
      exchange.flags = "UT";
      LocalAnswer.reason(response, callback, 504, "upstream request timeout: " + to
          + " did not answer within " + timeoutText(exchange) + tries);
    } else if (tlsFailure != null) {
      exchange.flags = "UF";
      String why = UpstreamTlsFailure.describe(tlsFailure, exchange.tls);
      if (exchange.tls.firstHandshakeFailure()) {
        LOG.log(Level.WARNING, "TLS to " + to + " failed: " + why + "; later failures are answered 503, not logged");
      }
      LocalAnswer.reason(response, callback, 503, "upstream connect error: TLS to " + to + " failed: " + why + tries);
    } else if (connect) {
      exchange.flags = "UF";
      LocalAnswer.reason(response, callback, 503, "upstream connect error: " + to
          + (connectTimedOut ? " did not accept the connection in time"
              : causedBy(failure, NoRouteToHostException.class) ? " is unreachable" : " refused the connection")
          + tries);
    } else {
      exchange.flags = "UC";
      LocalAnswer.reason(response, callback, 502, "upstream reset: " + to
          + " closed the connection before answering" + tries);
    }
  }

  private void retry(Request request, Response response, Callback callback, Exchange exchange) {
    int attempt = exchange.nextAttempt();
    long backoff = RetryPolicy.backoffMillis(exchange.decision.actions().retries(), attempt, ThreadLocalRandom.current());
    request.getComponents().getScheduler().schedule(() -> {
      try {
        // A new decision picks an instance of the same destination, one not tried yet if it can
        // (Istio's previous-hosts predicate; a consistent-hash route moves on along its ring).
        // The destination itself stays the first attempt's (RetryPolicy.retryInstance).
        Instance next = RetryPolicy.retryInstance(exchange.decision, exchange.view,
            exchange.routes::decide, exchange.tried());
        if (next != null) {
          exchange.tried().add(next);
        }
        if (next != null && next != exchange.instance) {
          exchange.instance = next;
          inFlight.end(exchange.counted);
          exchange.counted = exchange.instance.id();
          inFlight.begin(exchange.counted);
        }
        HttpURI target = rewriteHttpURI(request);
        org.eclipse.jetty.client.Request upstream = newProxyToServerRequest(request, target);
        if (exchange.body != null) {
          upstream.body(exchange.body.replay(request.getHeaders().get(HttpHeader.CONTENT_TYPE)));
        }
        // As ProxyHandler.handle does for the first attempt: its interim-response handlers
        // (102, 103) find the client's request and response under these names.
        upstream.attribute(ProxyHandler.class.getName() + ".clientToProxyRequest", request)
            .attribute(ProxyHandler.class.getName() + ".proxyToClientResponse", response);
        copyRequestHeaders(request, upstream);
        addProxyHeaders(request, upstream);
        sendProxyToServerRequest(request, upstream, response, callback);
      } catch (RuntimeException e) {
        callback.failed(e);
      }
    }, backoff, TimeUnit.MILLISECONDS);
  }

  /**
   * Jetty's response listener with two additions: the rule's response header operations, and
   * dropping an answer that the retry policy retries (before anything reaches the client).
   */
  private final class AttemptListener extends ProxyResponseListener {
    private final Request request;
    private final Response response;
    private final Callback callback;
    private final Exchange exchange;
    private boolean discarding;

    AttemptListener(Request request, org.eclipse.jetty.client.Request upstream, Response response,
        Callback callback, Exchange exchange) {
      super(request, upstream, response, callback);
      this.request = request;
      this.response = response;
      this.callback = callback;
      this.exchange = exchange;
    }

    @Override
    public void onBegin(org.eclipse.jetty.client.Response upstreamResponse) {
      exchange.tried(upstreamResponse.getStatus());
      if (exchange.retriesStatus(request, upstreamResponse.getStatus())) {
        discarding = true;
      }
      // Else the status is passed on with the headers: a gRPC answer may still be retried by them.
    }

    @Override
    public void onHeaders(org.eclipse.jetty.client.Response upstreamResponse) {
      if (discarding) {
        return;
      }
      if (exchange.grpc) {
        String status = upstreamResponse.getHeaders().get(LocalAnswer.GRPC_STATUS);
        if (status != null) {
          exchange.grpcStatus = status;
          int code = GrpcStatus.parse(status);
          if (code > 0 && exchange.retriesGrpcStatus(request, code)) {
            discarding = true;
            return;
          }
        }
      }
      exchange.answering(); // this answer goes to the client: the per-try timeout is over
      super.onBegin(upstreamResponse);
      super.onHeaders(upstreamResponse);
      if (exchange.protocol.http2() || upstreamResponse.getHeaders().contains(HttpHeader.TRAILER)) {
        // Jetty's proxy drops the instance's trailers (gRPC's grpc-status comes there). The supplier must
        // be in place before the answer is committed; it is read after the last byte.
        response.setTrailersSupplier(() -> {
          HttpFields trailers = upstreamResponse.getTrailers();
          return trailers == null || trailers.size() == 0 ? null : trailers;
        });
      }
      HttpFields.Mutable headers = response.getHeaders();
      HeaderOperations.apply(exchange.decision.actions().responseHeaders(), headers);
      Decision.SetCookie cookie = exchange.decision.actions().setCookie();
      if (cookie != null) {
        headers.add(HttpHeader.SET_COOKIE, cookie.header());
      }
      cors(exchange, request, response);
    }

    @Override
    public void onContent(org.eclipse.jetty.client.Response upstreamResponse, Content.Chunk chunk,
        Runnable demander) {
      if (discarding) {
        demander.run();
        return;
      }
      super.onContent(upstreamResponse, chunk, demander);
    }

    @Override
    public void onSuccess(org.eclipse.jetty.client.Response upstreamResponse) {
      if (discarding) {
        return;
      }
      HttpFields trailers = upstreamResponse.getTrailers();
      if (exchange.grpc && trailers != null && trailers.get(LocalAnswer.GRPC_STATUS) != null) {
        exchange.grpcStatus = trailers.get(LocalAnswer.GRPC_STATUS);
      }
      super.onSuccess(upstreamResponse);
    }

    @Override
    public void onComplete(Result result) {
      if (discarding) {
        retry(request, response, callback, exchange);
        return;
      }
      super.onComplete(result);
    }
  }

  /** Completes the client's callback after recording the request's metrics. */
  private final class Recording implements Callback {
    private final Callback delegate;
    private final Response response;
    private final Exchange exchange;

    Recording(Callback delegate, Response response, Exchange exchange) {
      this.delegate = delegate;
      this.response = response;
      this.exchange = exchange;
    }

    @Override
    public void succeeded() {
      record(response.getStatus());
      delegate.succeeded();
    }

    @Override
    public void failed(Throwable failure) {
      if ("-".equals(exchange.flags)) {
        exchange.flags = "DC";
      }
      record(response.isCommitted() ? response.getStatus() : 0);
      delegate.failed(failure);
    }

    /** Istio's {@code grpc_response_status}: the status a gRPC client got, empty for other requests. */
    private String grpcResponseStatus() {
      if (!exchange.grpc) {
        return "";
      }
      String local = response.getHeaders().get(LocalAnswer.GRPC_STATUS);
      return exchange.grpcStatus != null && !exchange.grpcStatus.isEmpty() ? exchange.grpcStatus
          : local != null ? local : "";
    }

    private void record(int status) {
      exchange.finished();
      exchange.releaseLimits();
      if (exchange.counted != null) {
        inFlight.end(exchange.counted);
        exchange.counted = null;
      }
      try {
        metrics.record(exchange.decision, exchange.instance, status,
            System.nanoTime() - exchange.startNanos, exchange.flags, grpcResponseStatus());
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "could not record metrics", e);
      }
    }

    @Override
    public InvocationType getInvocationType() {
      return delegate.getInvocationType();
    }
  }

  /**
   * A routed rule's CORS headers on its answer, the gateway's own errors included: Envoy's CORS
   * filter sees every answer after the route was chosen.
   */
  private static void cors(Exchange exchange, Request request, Response response) {
    Cors cors = exchange.decision.actions().cors();
    if (cors != null) {
      CorsAnswers.onAnswer(cors, request, response.getHeaders());
    }
  }

  private static Exchange exchange(Request request) {
    return (Exchange) request.getAttribute(EXCHANGE);
  }

  /** Envoy sends absolute redirects; a rule that gives only a path keeps the request's origin. */
  private static String absolute(String location, GatewayRequestView view) {
    if (location == null || location.isEmpty()) {
      return view.scheme() + "://" + view.authority() + view.path();
    }
    if (location.startsWith("/")) {
      return view.scheme() + "://" + view.authority() + location;
    }
    return location;
  }

  private static String reasonOf(Decision decision, String fallback) {
    return decision.reason() == null || decision.reason().isBlank() ? fallback : decision.reason();
  }

  private static String describe(Decision.Match match) {
    return match == null ? "the matched rule"
        : match.virtualService() + " rule " + (match.ruleName() != null ? "'" + match.ruleName() + "'" : "#" + match.rule());
  }

  private static String timeoutText(Exchange exchange) {
    Decision.Retries retries = exchange.decision.actions().retries();
    Duration timeout = exchange.routeTimeoutInForce();
    if (timeout != null && exchange.routeTimeoutExpired()) {
      return timeout.toMillis() + (timeout.equals(exchange.grpcTimeout) ? " ms (grpc-timeout)" : " ms (route timeout)");
    }
    if (retries != null && retries.perTryTimeout() != null) {
      return retries.perTryTimeout().toMillis() + " ms (perTryTimeout)";
    }
    return "the client's idle timeout";
  }

  private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
    return cause(failure, type) != null;
  }

  /** The first of {@code failure}'s causes (itself included) that is a {@code type}, or {@code null}. */
  static <T extends Throwable> T cause(Throwable failure, Class<T> type) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }
}
