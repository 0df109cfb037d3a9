package io.inboard.core.explain;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inboard.core.breaker.CircuitBreakers;
import io.inboard.core.breaker.DestinationLimits;
import io.inboard.core.health.OutlierDetector;
import io.inboard.core.lb.SlowStart;
import io.inboard.core.model.ClientTLSSettings;
import io.inboard.core.model.ConnectionPoolSettings;
import io.inboard.core.model.TcpKeepalive;
import io.inboard.core.route.Decision;
import io.inboard.core.route.DescribedRequest;
import io.inboard.core.route.GatewayPortRoutes;
import io.inboard.core.route.InFlight;
import io.inboard.core.route.Router;
import io.inboard.core.route.ServerNames;
import io.inboard.core.route.TlsDestination;
import io.inboard.core.snapshot.Snapshot;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Decides an {@link ExplainRequest} against a snapshot and writes the answer as JSON: one
 * explained decision ({@link DecisionJson}), or, with {@code samples}, how N decisions spread
 * ({@code {samples, byStatus, bySubset, byInstance}}). Samples use a fixed seed, so the same
 * question gets the same counts.
 */
public final class Explainer {
  /** The seed of sampled explains: reproducible counts. */
  public static final long SAMPLE_SEED = 20_141_025L;
  /** {@code bySubset} key for decisions without a subset. */
  public static final String NO_SUBSET = "(none)";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Explainer() {}

  /**
   * @throws IllegalArgumentException when the request's URL is not usable (the message says why)
   */
  public static ObjectNode explain(Snapshot snapshot, ExplainRequest request) {
    return explain(snapshot, request, null, null);
  }

  /**
   * As {@link #explain(Snapshot, ExplainRequest)}, with the instances that {@code outliers} (the
   * asking agent's or gateway's own, or {@code null}) has ejected left out as they are for its
   * requests, and named in the explanation.
   *
   * @throws IllegalArgumentException when the request's URL is not usable (the message says why)
   */
  public static ObjectNode explain(Snapshot snapshot, ExplainRequest request, OutlierDetector outliers) {
    return explain(snapshot, request, null, outliers);
  }

  /**
   * {@link #explain(Snapshot, ExplainRequest)} for a request arriving at a gateway port, decided
   * through the port's merged route table as the gateway decides it; {@code port} {@code null}:
   * as {@link #explain(Snapshot, ExplainRequest)}, where a request naming a Gateway
   * ({@link ExplainRequest#gateway()}) is decided through the table of the gateway workload that
   * Gateway selects ({@link GatewayWorkload}), and the answer says which in {@code atGateway}.
   *
   * @throws IllegalArgumentException when the request's URL is not usable, or it names a Gateway
   *     that is not defined (the message says why)
   */
  public static ObjectNode explain(Snapshot snapshot, ExplainRequest request, GatewayPortRoutes port) {
    return explain(snapshot, request, port, null);
  }

  /**
   * Decided through {@code port}'s merged route table when it is given, with the instances
   * {@code outliers} has ejected left out when it is given.
   *
   * @throws IllegalArgumentException when the request's URL is not usable (the message says why)
   */
  public static ObjectNode explain(
      Snapshot snapshot, ExplainRequest request, GatewayPortRoutes port, OutlierDetector outliers) {
    return explain(snapshot, request, port, outliers, null);
  }

  /**
   * As {@link #explain(Snapshot, ExplainRequest, GatewayPortRoutes, OutlierDetector)}; a decision
   * routed to a destination with a {@code connectionPool} carries its limits, and, when
   * {@code breakers} (the asking agent's or gateway's own) is given, the requests and retries it
   * has in flight there.
   *
   * @throws IllegalArgumentException when the request's URL is not usable (the message says why)
   */
  public static ObjectNode explain(Snapshot snapshot, ExplainRequest request, GatewayPortRoutes port,
      OutlierDetector outliers, CircuitBreakers breakers) {
    return explain(snapshot, request, port, outliers, breakers, null);
  }

  /**
   * As {@link #explain(Snapshot, ExplainRequest, GatewayPortRoutes, OutlierDetector, CircuitBreakers)},
   * with the instances still warming up under {@code slowStart} (the asking agent's or gateway's
   * own, or {@code null}) weighted as they are for its requests, and their weights named.
   *
   * @throws IllegalArgumentException when the request's URL is not usable (the message says why)
   */
  public static ObjectNode explain(Snapshot snapshot, ExplainRequest request, GatewayPortRoutes port,
      OutlierDetector outliers, CircuitBreakers breakers, SlowStart slowStart) {
    DescribedRequest base = describe(request);
    GatewayWorkload at = null;
    if (port == null && request.gateway() != null) {
      // A request at a gateway named by one of its Gateways: decided through the port's merged
      // table, as the gateway that Gateway selects decides it.
      at = GatewayWorkload.of(snapshot, request.gateway(), request.gatewayPort(), URI.create(request.url()),
          request.sni());
      if (at.redirect() != null) {
        return httpsRedirect(base, at);
      }
      port = at.routes();
      snapshot = at.snapshot();
    } else if (port == null && request.from() != null) {
      // What the calling workload sees, as its agent compiles it (exportTo, workloadSelector).
      snapshot = snapshot.viewedBy(request.from());
    }
    if (request.samples() == 0) {
      Router router = new Router(snapshot, InFlight.NONE, null, outliers, slowStart);
      Decision decision = port == null ? router.explain(base) : router.explain(port, base);
      ObjectNode json = DecisionJson.toJson(decision, MAPPER);
      if (snapshot.workload() != null) {
        List<String> hidden = NotVisible.of(snapshot.resources(), snapshot.workload(), base.authority(),
            decision.destination() == null ? null : decision.destination().host());
        if (!hidden.isEmpty()) {
          hidden.forEach(json.putArray("notVisible")::add);
        }
      }
      if (decision.outcome() == Decision.Outcome.ROUTE && decision.destination() != null) {
        connectionPool(json, snapshot, decision.destination(), breakers, port != null);
        tlsOrigination(json, snapshot, decision, base.authority(), port != null);
      }
      if (at != null) {
        json.set("atGateway", at.toJson(MAPPER));
      }
      return json;
    }
    Router router = new Router(snapshot, InFlight.NONE, new SplittableRandom(SAMPLE_SEED), outliers, slowStart);
    Map<String, Integer> byStatus = new HashMap<>();
    Map<String, Integer> bySubset = new HashMap<>();
    Map<String, Integer> byInstance = new HashMap<>();
    for (int i = 0; i < request.samples(); i++) {
      DescribedRequest r = request.varyHeader() == null ? base : base.withHeader(request.varyHeader(), "user-" + i);
      Decision d = port == null ? router.route(r) : router.route(port, r);
      byStatus.merge(String.valueOf(d.status()), 1, Integer::sum);
      if (d.destination() != null && d.outcome() == Decision.Outcome.ROUTE) {
        bySubset.merge(d.destination().subset() == null ? NO_SUBSET : d.destination().subset(), 1, Integer::sum);
      }
      if (d.instance() != null) {
        byInstance.merge(d.instance().id(), 1, Integer::sum);
      }
    }
    ObjectNode o = MAPPER.createObjectNode();
    o.put("samples", request.samples());
    if (at != null) {
      o.set("atGateway", at.toJson(MAPPER));
    }
    DecisionJson.counts(o, "byStatus", byStatus);
    DecisionJson.counts(o, "bySubset", bySubset);
    DecisionJson.counts(o, "byInstance", byInstance);
    return o;
  }

  /**
   * What a gateway answers, before any route, to a request whose host's HTTP server sets
   * {@code tls.httpsRedirect}: 301 to the same host and path over HTTPS.
   */
  private static ObjectNode httpsRedirect(DescribedRequest request, GatewayWorkload at) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("status", 301);
    o.put("location", "https://" + request.authority() + request.path()
        + (request.query() == null ? "" : "?" + request.query()));
    o.put("reason", at.redirect().where() + " serves host '" + ServerNames.hostName(request.authority())
        + "' and sets tls.httpsRedirect: clients are sent to HTTPS before any route; explain the https:// URL for "
        + "what happens there");
    o.set("atGateway", at.toJson(MAPPER));
    return o;
  }

  /**
   * Adds {@code connectionPool: {maxRequests, maxRetries, connectTimeout, ...}} when the destination has one,
   * and, for a request at a gateway, {@code gatewayConnections}: how the gateway shapes its own connections to
   * the destination's instances, which an agent leaves to the application's client.
   */
  private static void connectionPool(
      ObjectNode json, Snapshot snapshot, Decision.Target target, CircuitBreakers breakers, boolean atGateway) {
    ConnectionPoolSettings pool = snapshot.routeTable().connectionPool(target.host(), target.subset(), target.policyPort());
    if (pool == null) {
      return;
    }
    ObjectNode o = json.putObject("connectionPool");
    o.put("maxRequests", pool.maxRequests());
    if (pool.retryBudget() != null) {
      o.putObject("retryBudget").put("percent", pool.retryBudget().percent())
          .put("minRetryConcurrency", pool.retryBudget().minRetryConcurrency());
    } else {
      o.put("maxRetries", pool.maxRetries());
    }
    if (pool.connectTimeout() != null) {
      o.put("connectTimeout", pool.connectTimeout().toMillis() + "ms");
    }
    DestinationLimits limits = breakers == null ? null : breakers.destination(target.host(), target.subset(), target.policyPort());
    if (limits != null) {
      o.put("requestsInFlight", limits.requestsInFlight());
      o.put("retriesInFlight", limits.retriesInFlight());
    }
    if (atGateway) {
      ObjectNode connections = gatewayConnections(pool);
      if (!connections.isEmpty()) {
        o.set("gatewayConnections", connections);
      }
    }
  }

  /**
   * Adds {@code tlsOrigination: {mode, sni, subjectAltNames, verify, from}} when the destination's rule has
   * TLS opened to its instances (never key material); an agent does not originate TLS, so away from a
   * gateway it only says so.
   */
  private static void tlsOrigination(ObjectNode json, Snapshot snapshot, Decision decision, String authority,
      boolean atGateway) {
    Decision.Target target = decision.destination();
    TlsDestination tls = snapshot.routeTable().tls(target.host(), target.subset(), target.policyPort());
    if (tls == null) {
      return;
    }
    ObjectNode o = json.putObject("tlsOrigination");
    ClientTLSSettings settings = tls.tls();
    o.put("mode", settings.mode());
    o.put("from", tls.where());
    if (!atGateway) {
      o.put("appliedBy", "the gateway only: an agent leaves the application's client to open its own connections");
      return;
    }
    String rewritten = decision.actions().rewrittenAuthority();
    String sni = TlsDestination.serverName(settings, rewritten != null ? rewritten : authority);
    o.put("sni", sni == null ? "(none: the Host is an IP address)" : sni);
    if (settings.insecureSkipVerify()) {
      o.put("verify", "skipped (insecureSkipVerify)");
      return;
    }
    o.put("verify", settings.caCertificates() != null ? "against caCertificates " + settings.caCertificates()
        : settings.credentialName() != null ? "against the CAs of credential " + settings.credentialName()
            + " (else the JVM's default trust store)"
        : "against the JVM's default trust store");
    if (!settings.subjectAltNames().isEmpty()) {
      settings.subjectAltNames().forEach(o.putArray("subjectAltNames")::add);
    } else if (settings.sni() == null && sni != null) {
      o.putArray("subjectAltNames").add(sni); // Istio's automatic SAN check of the automatic SNI
    }
    if (settings.mode().equals(ClientTLSSettings.MUTUAL)) {
      o.put("clientCertificate", settings.credentialName() != null
          ? "from credential " + settings.credentialName() : settings.clientCertificate());
    }
  }

  /** The settings only the gateway applies: an agent leaves connections to the application's client. */
  private static ObjectNode gatewayConnections(ConnectionPoolSettings pool) {
    ObjectNode o = MAPPER.createObjectNode();
    if (pool.maxRequestsPerConnection() > 0) {
      o.put("maxRequestsPerConnection", pool.maxRequestsPerConnection());
    }
    if (pool.maxConnectionDuration() != null) {
      o.put("maxConnectionDuration", pool.maxConnectionDuration().toMillis() + "ms");
    }
    if (pool.idleTimeout() != null) {
      o.put("idleTimeout", pool.idleTimeout().toMillis() + "ms");
    }
    if (pool.h2UpgradePolicy() != ConnectionPoolSettings.H2UpgradePolicy.DEFAULT) {
      o.put("h2UpgradePolicy", pool.h2UpgradePolicy().name());
    }
    if (pool.useClientProtocol()) {
      o.put("useClientProtocol", true);
    }
    TcpKeepalive keepalive = pool.tcpKeepalive();
    if (keepalive != null) {
      // What the socket gets: whole seconds (as Istio passes them to Envoy), or the system's value.
      ObjectNode k = o.putObject("tcpKeepalive");
      k.put("time", keepalive.time() == null ? "system" : keepalive.time().toSeconds() + "s");
      k.put("interval", keepalive.interval() == null ? "system" : keepalive.interval().toSeconds() + "s");
      if (keepalive.probes() == 0) {
        k.put("probes", "system");
      } else {
        k.put("probes", keepalive.probes());
      }
    }
    return o;
  }

  /**
   * The request the router sees: at the gateway when one is given, else from {@code from}.
   *
   * @throws IllegalArgumentException when the request's URL is not usable (the message says why)
   */
  public static DescribedRequest describe(ExplainRequest request) {
    DescribedRequest r = DescribedRequest.of(request.method(), request.url());
    for (Map.Entry<String, List<String>> h : request.headers().entrySet()) {
      for (String v : h.getValue()) {
        r = r.withHeader(h.getKey(), v);
      }
    }
    if (request.gateway() != null) {
      return r.atGateway(request.gateway());
    }
    return request.from() == null ? r : r.from(request.from());
  }
}
