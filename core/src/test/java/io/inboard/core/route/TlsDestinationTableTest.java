package io.inboard.core.route;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inboard.core.explain.ExplainRequest;
import io.inboard.core.explain.Explainer;
import io.inboard.core.mesh.Instance;
import io.inboard.core.mesh.Workload;
import io.inboard.core.snapshot.Snapshot;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which destinations of a snapshot the caller opens TLS to, with the settings in force for each, and explain's view. */
class TlsDestinationTableTest {
  private static final String HOST = "user.default.svc.cluster.local";
  private static final List<Instance> INSTANCES = List.of(
      new Instance("user-v1", "user", "default", "127.0.0.1", 8001, Map.of("version", "v1")),
      new Instance("user-v2", "user", "default", "127.0.0.1", 8002, Map.of("version", "v2")));

  private static Snapshot snapshot(String rule) {
    return Snapshot.compile(1, Fixtures.parse("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: user, namespace: default}
        spec:
          hosts: [user]
          http:
          - match: [{headers: {v: {exact: "1"}}}]
            route: [{destination: {host: user, subset: v1}}]
          - match: [{headers: {v: {exact: "2"}}}]
            route: [{destination: {host: user, subset: v2}}]
          - match: [{headers: {v: {exact: "3"}}}]
            route: [{destination: {host: user, subset: v3}}]
          - route: [{destination: {host: user}}]
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: user, namespace: default}
        spec:
        """ + rule.indent(2)).resources(), INSTANCES);
  }

  @Test
  void eachDestinationCarriesTheTlsInForceSubsetAndPortLevelOnesReplacingTheTopLevelOne() {
    RouteTable table = snapshot("""
        host: user
        trafficPolicy:
          tls: {mode: SIMPLE, sni: top.example.com}
          portLevelSettings:
          - port: {number: 8443}
            tls: {mode: MUTUAL, credentialName: client}
        subsets:
        - name: v1
          labels: {version: v1}
          trafficPolicy: {tls: {mode: DISABLE}}
        - {name: v2, labels: {version: v2}}
        - {name: v3, labels: {version: v3}}
        """).routeTable();
    assertThat(table.usesTlsOrigination()).isTrue();
    assertThat(table.tls(HOST, null, 0).tls().sni()).isEqualTo("top.example.com");
    assertThat(table.tls(HOST, null, 0).where()).isEqualTo("DestinationRule default/user spec.trafficPolicy.tls");
    assertThat(table.tls(HOST, null, 8443).tls().mode()).isEqualTo("MUTUAL");
    assertThat(table.tls(HOST, "v1", 0)).as("DISABLE in the subset: plain text").isNull();
    assertThat(table.tls(HOST, "v2", 0).tls().sni()).isEqualTo("top.example.com");
    assertThat(table.tls(HOST, "v3", 0)).as("no instances, nothing to open TLS to").isNull();
  }

  @Test
  void istioMutualAndNoTlsOriginateNothing() {
    assertThat(snapshot("host: user\ntrafficPolicy: {tls: {mode: ISTIO_MUTUAL}}").routeTable().usesTlsOrigination())
        .isFalse();
    assertThat(snapshot("host: user").routeTable().tlsDestinations()).isEmpty();
  }

  @Test
  void theAutomaticServerNameIsTheHostUnlessItIsAnAddress() {
    RouteTable table = snapshot("host: user\ntrafficPolicy: {tls: {mode: SIMPLE}}").routeTable();
    var tls = table.tls(HOST, null, 0).tls();
    assertThat(TlsDestination.serverName(tls, "Shop.Example.com:8080")).isEqualTo("shop.example.com");
    assertThat(TlsDestination.serverName(tls, "10.1.2.3:8080")).isNull();
    assertThat(TlsDestination.serverName(tls, "[::1]:8080")).isNull();
  }

  @Test
  void explainAwayFromAGatewaySaysOnlyTheGatewayOriginatesIt() {
    ObjectNode out = Explainer.explain(snapshot("host: user\ntrafficPolicy: {tls: {mode: SIMPLE}}"),
        new ExplainRequest("GET", "http://user/", Map.of(), new Workload("default", "frontend", Map.of()), null, 0,
            null));
    assertThat(out.get("tlsOrigination").get("mode").asText()).isEqualTo("SIMPLE");
    assertThat(out.get("tlsOrigination").get("appliedBy").asText()).startsWith("the gateway only");
    assertThat(out.get("tlsOrigination").has("sni")).isFalse();
  }
}
