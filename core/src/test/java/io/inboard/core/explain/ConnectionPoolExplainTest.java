package io.inboard.core.explain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inboard.core.breaker.CircuitBreakers;
import io.inboard.core.mesh.Instance;
import io.inboard.core.mesh.Workload;
import io.inboard.core.parse.ResourceParser;
import io.inboard.core.snapshot.Snapshot;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectionPoolExplainTest {
  private static final Snapshot SNAPSHOT = Snapshot.compile(1, ResourceParser.parse("""
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: user, namespace: default}
      spec:
        host: user
        trafficPolicy:
          connectionPool:
            tcp: {maxConnections: 1, connectTimeout: 250ms}
            http: {http1MaxPendingRequests: 1, maxRetries: 2}
      """).resources(), List.of(new Instance("user-1", "user", "default", "127.0.0.1", 8001, Map.of())));
  private static final ExplainRequest REQUEST = new ExplainRequest("GET", "http://user/", Map.of(),
      new Workload("default", "frontend", Map.of()), null, 0, null);

  @Test
  void aRoutedDecisionShowsTheLimitsOfItsDestination() {
    ObjectNode out = Explainer.explain(SNAPSHOT, REQUEST);
    assertThat(out.get("connectionPool").get("maxRequests").asLong()).isEqualTo(2);
    assertThat(out.get("connectionPool").get("maxRetries").asLong()).isEqualTo(2);
    assertThat(out.get("connectionPool").get("connectTimeout").asText()).isEqualTo("250ms");
    assertThat(out.get("connectionPool").has("requestsInFlight")).isFalse();
  }

  @Test
  void withTheCallersBreakersItShowsWhatIsInFlight() {
    CircuitBreakers breakers = new CircuitBreakers(o -> {});
    breakers.apply(SNAPSHOT.routeTable().limitedDestinations());
    assertThat(breakers.destination("user.default.svc.cluster.local", null).tryStartRequest()).isTrue();
    ObjectNode out = Explainer.explain(SNAPSHOT, REQUEST, null, null, breakers);
    assertThat(out.get("connectionPool").get("requestsInFlight").asInt()).isEqualTo(1);
    assertThat(out.get("connectionPool").get("retriesInFlight").asInt()).isZero();
  }

  /** A Gateway and a VirtualService bound to it, and a DestinationRule with this connection pool. */
  private static Snapshot atEdge(String connectionPool) {
    return Snapshot.compile(1, ResourceParser.parse("""
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: edge, namespace: default}
        spec:
          selector: {istio: ingressgateway}
          servers:
          - port: {number: 80, name: http, protocol: HTTP}
            hosts: [user.example.com]
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: user, namespace: default}
        spec:
          hosts: [user.example.com, user]
          gateways: [edge, mesh]
          http:
          - route: [{destination: {host: user}}]
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: user, namespace: default}
        spec:
          host: user
          trafficPolicy:
            connectionPool: %s
        """.formatted(connectionPool)).resources(),
        List.of(new Instance("user-1", "user", "default", "127.0.0.1", 8001, Map.of())));
  }

  private static final Snapshot AT_EDGE = atEdge("{tcp: {connectTimeout: 250ms, maxConnectionDuration: 30s, "
      + "tcpKeepalive: {time: 45s, probes: 3}}, http: {idleTimeout: 90s, maxRequestsPerConnection: 100}}");

  private static ExplainRequest atEdge() {
    return new ExplainRequest("GET", "http://user.example.com/", Map.of(), null, "default/edge", 0, null);
  }

  @Test
  void atAGatewayItShowsHowTheGatewayShapesItsConnectionsToTheDestination() {
    ObjectNode out = Explainer.explain(AT_EDGE, atEdge());
    ObjectNode connections = (ObjectNode) out.get("connectionPool").get("gatewayConnections");
    assertThat(connections.get("maxRequestsPerConnection").asLong()).isEqualTo(100);
    assertThat(connections.get("maxConnectionDuration").asText()).isEqualTo("30000ms");
    assertThat(connections.get("idleTimeout").asText()).isEqualTo("90000ms");
    assertThat(connections.get("tcpKeepalive").get("time").asText()).isEqualTo("45s");
    assertThat(connections.get("tcpKeepalive").get("interval").asText()).isEqualTo("system");
    assertThat(connections.get("tcpKeepalive").get("probes").asLong()).isEqualTo(3);
    assertThat(out.get("connectionPool").get("connectTimeout").asText()).isEqualTo("250ms");
  }

  @Test
  void fromAWorkloadTheGatewaysConnectionSettingsAreLeftOutAsItsAgentDoesNotApplyThem() {
    ObjectNode out = Explainer.explain(AT_EDGE, new ExplainRequest("GET", "http://user/", Map.of(),
        new Workload("default", "frontend", Map.of()), null, 0, null));
    assertThat(out.get("connectionPool").get("connectTimeout").asText()).isEqualTo("250ms");
    assertThat(out.get("connectionPool").has("gatewayConnections")).isFalse();
  }

  @Test
  void aGatewayWithOnlyAConnectTimeoutHasNoGatewayConnections() {
    ObjectNode out = Explainer.explain(atEdge("{tcp: {connectTimeout: 250ms}}"), atEdge());
    assertThat(out.get("connectionPool").get("connectTimeout").asText()).isEqualTo("250ms");
    assertThat(out.get("connectionPool").has("gatewayConnections")).isFalse();
  }
}
