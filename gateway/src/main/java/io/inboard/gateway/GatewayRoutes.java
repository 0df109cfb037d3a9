package io.inboard.gateway;

import io.inboard.core.breaker.CircuitBreakers;
import io.inboard.core.health.OutlierDetector;
import io.inboard.core.lb.SlowStart;
import io.inboard.core.route.Decision;
import io.inboard.core.route.GatewayPortRoutes;
import io.inboard.core.route.RequestView;
import io.inboard.core.route.Router;
import io.inboard.core.snapshot.Snapshot;

/**
 * The routing state the gateway uses for one snapshot: which Gateways accept which hosts, the
 * port's one route table, and the decider that routes requests through it. Immutable; the proxy
 * swaps the whole object when a new snapshot arrives, so a request always sees one consistent state.
 *
 * @param outliers the gateway's outlier detection, which outlives snapshots; {@code null} until a
 *     rule sets {@code outlierDetection}
 * @param breakers the gateway's circuit breakers, which outlive snapshots; {@code null} until a rule
 *     sets a {@code connectionPool}
 * @param slowStart the gateway's slow start, which outlives snapshots; {@code null} until a rule sets
 *     a {@code warmup}
 */
record GatewayRoutes(Snapshot snapshot, VirtualHosts hosts, GatewayPortRoutes port, Decider decider,
    OutlierDetector outliers, CircuitBreakers breakers, SlowStart slowStart) {
  /** Decides one request; the production decider is {@link Router#route(GatewayPortRoutes, RequestView)}. */
  @FunctionalInterface
  interface Decider {
    Decision decide(RequestView request);
  }

  /** Before any snapshot: no Gateway, so every request gets 404 unknown host. */
  static final GatewayRoutes EMPTY =
      new GatewayRoutes(Snapshot.EMPTY, VirtualHosts.NONE, request -> {
        throw new IllegalStateException("no snapshot yet");
      });

  /** A state with decisions given by a test, for the proxy's plumbing (no outlier detection). */
  GatewayRoutes(Snapshot snapshot, VirtualHosts hosts, Decider decider) {
    this(snapshot, hosts, GatewayPortRoutes.NONE, decider, null, null, null);
  }

  /**
   * The route table of {@code hosts}' servers, decided by {@code router}; the servers of one
   * snapshot (the HTTP port's, each HTTPS server's) share one router and its per-destination state.
   *
   * @param outliers the gateway's outlier detection with the snapshot already applied, or
   *     {@code null}
   * @param breakers the gateway's circuit breakers with the snapshot already applied, or {@code null}
   * @param slowStart the gateway's slow start with the snapshot already applied, or {@code null}
   */
  static GatewayRoutes compile(Snapshot snapshot, VirtualHosts hosts, Router router, OutlierDetector outliers,
      CircuitBreakers breakers, SlowStart slowStart) {
    GatewayPortRoutes port = GatewayPortRoutes.compile(snapshot.routeTable(), hosts.servers());
    return new GatewayRoutes(snapshot, hosts, port, request -> router.route(port, request), outliers, breakers,
        slowStart);
  }

  /** Decides a request at the proxy (and again for each retry). */
  Decision decide(RequestView request) {
    return decider.decide(request);
  }
}
