package io.inboard.gateway;

import io.inboard.core.health.OutlierDetector;
import io.inboard.core.route.Decision;
import io.inboard.core.route.InFlight;
import io.inboard.core.route.RequestView;
import io.inboard.core.route.Router;
import io.inboard.core.snapshot.Snapshot;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The routing state the gateway uses for one snapshot: which Gateways accept which hosts, and the
 * router that decides requests. Immutable; the proxy swaps the whole object when a new snapshot
 * arrives, so a request always sees one consistent state.
 *
 * @param outliers the gateway's outlier detection, which outlives snapshots; {@code null} until a
 *     rule sets {@code outlierDetection}
 */
record GatewayRoutes(Snapshot snapshot, VirtualHosts hosts, Decider decider, OutlierDetector outliers) {
  /** Decides one request; the production decider is {@link Router#route}. */
  @FunctionalInterface
  interface Decider {
    Decision decide(RequestView request);
  }

  /** Before any snapshot: no Gateway, so every request gets 404 unknown host. */
  static final GatewayRoutes EMPTY =
      new GatewayRoutes(Snapshot.EMPTY, VirtualHosts.NONE, request -> {
        throw new IllegalStateException("no snapshot yet");
      });

  /** Routes decided by {@code decider} alone, without outlier detection (tests of the proxy's plumbing). */
  GatewayRoutes(Snapshot snapshot, VirtualHosts hosts, Decider decider) {
    this(snapshot, hosts, decider, null);
  }

  /**
   * @param outliers the gateway's outlier detection with the snapshot already applied, or
   *     {@code null}
   */
  static GatewayRoutes compile(Snapshot snapshot, Map<String, String> labels, InFlight inFlight,
      OutlierDetector outliers) {
    Router router = new Router(snapshot, inFlight, null, outliers);
    return new GatewayRoutes(snapshot, VirtualHosts.compile(snapshot.resources(), labels), router::route, outliers);
  }

  /** The Gateway a request goes through and the decision made there. */
  record Choice(String gateway, Decision decision) {}

  /**
   * Which of {@code gateways} (the Gateways accepting the request's host, best match first) a
   * request goes through, as the proxy and {@code /explain} both pick it: the first through which
   * the router routes it anywhere; when none does, the first gateway with its answer (its 404
   * reason). Several Gateways rarely accept one host, so this is nearly always a single decision.
   *
   * @param through the request as it arrives through a given Gateway
   */
  Choice choose(List<String> gateways, Function<String, RequestView> through) {
    Choice first = null;
    for (String gateway : gateways) {
      Choice choice = new Choice(gateway, decider.decide(through.apply(gateway)));
      if (routesSomewhere(choice.decision())) {
        return choice;
      }
      if (first == null) {
        first = choice;
      }
    }
    if (first == null) {
      throw new IllegalArgumentException("no Gateway to choose from");
    }
    return first;
  }

  /** {@link #choose} for a request at the proxy. */
  Choice choose(GatewayRequestView request, List<String> gateways) {
    return choose(gateways, gateway -> gateway.equals(request.gateway()) ? request : request.through(gateway));
  }

  private static boolean routesSomewhere(Decision decision) {
    return decision.outcome() != Decision.Outcome.NO_ROUTE
        && decision.outcome() != Decision.Outcome.PASSTHROUGH;
  }
}
