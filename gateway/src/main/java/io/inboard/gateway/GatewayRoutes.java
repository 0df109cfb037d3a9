package io.inboard.gateway;

import io.inboard.core.route.Decision;
import io.inboard.core.route.InFlight;
import io.inboard.core.route.RequestView;
import io.inboard.core.route.Router;
import io.inboard.core.snapshot.Snapshot;
import java.util.List;
import java.util.Map;

/**
 * The routing state the gateway uses for one snapshot: which Gateways accept which hosts, and the
 * router that decides requests. Immutable; the proxy swaps the whole object when a new snapshot
 * arrives, so a request always sees one consistent state.
 */
record GatewayRoutes(Snapshot snapshot, VirtualHosts hosts, Decider decider) {
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

  static GatewayRoutes compile(Snapshot snapshot, Map<String, String> labels, InFlight inFlight) {
    Router router = new Router(snapshot, inFlight, null);
    return new GatewayRoutes(snapshot, VirtualHosts.compile(snapshot.resources(), labels), router::route);
  }

  /**
   * Decides the request through the first of {@code gateways} that routes it anywhere; when none
   * does, the first gateway's answer (its 404 reason) stands. Several Gateways rarely accept one
   * host, so this is nearly always a single decision.
   */
  Decision decide(GatewayRequestView request, List<String> gateways) {
    Decision first = decider.decide(request);
    if (gateways.size() == 1 || routesSomewhere(first)) {
      return first;
    }
    for (int i = 1; i < gateways.size(); i++) {
      Decision other = decider.decide(request.through(gateways.get(i)));
      if (routesSomewhere(other)) {
        return other;
      }
    }
    return first;
  }

  private static boolean routesSomewhere(Decision decision) {
    return decision.outcome() != Decision.Outcome.NO_ROUTE
        && decision.outcome() != Decision.Outcome.PASSTHROUGH;
  }
}
