package io.inboard.core.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inboard.core.mesh.InstancesFile;
import io.inboard.core.parse.ResourceParser;
import io.inboard.core.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Explain at a gateway decides through the route table the gateway merges on its port, as the
 * gateway does: the routes of every Gateway selecting it, not only the named one's.
 */
class GatewayWorkloadExplainTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Two Gateways select the same ingress: {@code shop} (older) serves {@code shop.example.com} on 80
   * and {@code admin.example.com} on 8080; {@code api} serves {@code api.example.com} on 80. A third,
   * {@code other}, selects another workload. Each binds a VirtualService.
   */
  private static final String RULES = """
      apiVersion: networking.istio.io/v1
      kind: Gateway
      metadata: {name: shop, namespace: edge, creationTimestamp: "2026-01-01T00:00:00Z"}
      spec:
        selector: {istio: ingressgateway}
        servers:
        - port: {number: 80, name: http, protocol: HTTP}
          hosts: [shop.example.com]
        - port: {number: 8080, name: admin, protocol: HTTP}
          hosts: [admin.example.com]
      ---
      apiVersion: networking.istio.io/v1
      kind: Gateway
      metadata: {name: api, namespace: edge, creationTimestamp: "2026-02-01T00:00:00Z"}
      spec:
        selector: {istio: ingressgateway}
        servers:
        - port: {number: 80, name: http, protocol: HTTP}
          hosts: [api.example.com]
      ---
      apiVersion: networking.istio.io/v1
      kind: Gateway
      metadata: {name: other, namespace: edge}
      spec:
        selector: {istio: internal-gateway}
        servers:
        - port: {number: 80, name: http, protocol: HTTP}
          hosts: [internal.example.com]
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: shop, namespace: edge}
      spec:
        hosts: [shop.example.com, admin.example.com]
        gateways: [shop]
        http:
        - route:
          - destination: {host: user.traffic-management.svc.cluster.local}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: api, namespace: edge}
      spec:
        hosts: [api.example.com]
        gateways: [api]
        http:
        - name: api-to-v2
          route:
          - destination: {host: user.traffic-management.svc.cluster.local}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: internal, namespace: edge}
      spec:
        hosts: [internal.example.com]
        gateways: [other]
        http:
        - route:
          - destination: {host: user.traffic-management.svc.cluster.local}
      """;

  private static final String INSTANCES = """
      - {id: user-v1, service: user, namespace: traffic-management, address: 127.0.0.1, port: 8081, labels: {app: user, version: v1}}
      """;

  private static Snapshot snapshot() {
    return Snapshot.compile(1, new ArrayList<>(ResourceParser.parse(RULES).resources()), InstancesFile.parse(INSTANCES));
  }

  private static ObjectNode explain(String url, String gateway, Integer port) {
    return Explainer.explain(snapshot(), new ExplainRequest("GET", url, Map.of(), null, gateway, 0, null, port));
  }

  @Test
  void aHostOfAnotherGatewaySelectingTheSameIngressIsRouted() {
    // Through "shop" alone, api.example.com was a 404; the ingress "shop" selects also serves "api".
    ObjectNode out = explain("http://api.example.com/", "edge/shop", null);
    assertThat(out.get("status").asInt()).as(out.toString()).isEqualTo(200);
    assertThat(out.get("matched").get("virtualService").asText()).isEqualTo("edge/api");
    assertThat(out.get("reason").asText()).contains("api-to-v2");
    JsonNode at = out.get("atGateway");
    assertThat(at.get("gateway").asText()).isEqualTo("edge/shop");
    assertThat(at.get("labels")).isEqualTo(JSON.createObjectNode().put("istio", "ingressgateway"));
    assertThat(at.get("port").asInt()).isEqualTo(80);
    assertThat(at.get("selectedBy")).containsExactly(JSON.getNodeFactory().textNode("edge/shop"),
        JSON.getNodeFactory().textNode("edge/api"));
    assertThat(at.get("leftOut").toString()).contains("Gateway edge/shop spec.servers[1] is on port 8080, not port 80");
  }

  @Test
  void aGatewaySelectingAnotherWorkloadDoesNotLendItsHosts() {
    ObjectNode out = explain("http://internal.example.com/", "edge/shop", null);
    assertThat(out.get("status").asInt()).isEqualTo(404);
    assertThat(out.get("reason").asText())
        .isEqualTo("no VirtualService bound to a Gateway on this port serves host internal.example.com");
    assertThat(out.get("atGateway").get("selectedBy").toString()).doesNotContain("edge/other");
  }

  @Test
  void thePortComesFromTheUrlOrIsGiven() {
    // The URL's port is one the Gateway has a server on: the request arrives there.
    ObjectNode onUrlPort = explain("http://admin.example.com:8080/", "edge/shop", null);
    assertThat(onUrlPort.get("status").asInt()).as(onUrlPort.toString()).isEqualTo(200);
    assertThat(onUrlPort.get("atGateway").get("port").asInt()).isEqualTo(8080);
    // Without a port the first HTTP server's (80), where admin.example.com is not served.
    ObjectNode onDefault = explain("http://admin.example.com/", "edge/shop", null);
    assertThat(onDefault.get("status").asInt()).isEqualTo(404);
    ObjectNode given = explain("http://admin.example.com/", "edge/shop", 8080);
    assertThat(given.get("status").asInt()).isEqualTo(200);
    assertThat(given.get("atGateway").get("leftOut").toString()).contains("edge/api spec.servers[0] is on port 80");
  }

  @Test
  void samplesSayWhichGatewayTheyWereDecidedAt() {
    ObjectNode out = Explainer.explain(snapshot(),
        new ExplainRequest("GET", "http://api.example.com/", Map.of(), null, "edge/api", 50, null, null));
    assertThat(out.get("byStatus").get("200").asInt()).isEqualTo(50);
    assertThat(out.get("atGateway").get("gateway").asText()).isEqualTo("edge/api");
  }

  @Test
  void anUndefinedGatewayIsAnErrorListingTheDefinedOnes() {
    assertThatThrownBy(() -> explain("http://shop.example.com/", "edge/shopp", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("gateway edge/shopp is not defined; the Gateways are edge/shop, edge/api, edge/other");
  }

  @Test
  void theGatewayPortIsReadAndChecked() throws Exception {
    ExplainRequest read = ExplainRequest.fromJson(
        JSON.readTree("{\"url\":\"http://shop.example.com/\",\"gateway\":\"edge/shop\",\"gatewayPort\":8080}"));
    assertThat(read.gatewayPort()).isEqualTo(8080);
    assertThat(ExplainRequest.fromJson(read.toJson(JSON))).isEqualTo(read);
    assertThatThrownBy(() -> ExplainRequest.fromJson(JSON.readTree("{\"url\":\"http://u/\",\"gatewayPort\":80}")))
        .hasMessage("gatewayPort needs gateway: it is the port of the gateway the request arrives at");
    assertThatThrownBy(() -> ExplainRequest.fromJson(
            JSON.readTree("{\"url\":\"http://u/\",\"gateway\":\"edge/shop\",\"gatewayPort\":70000}")))
        .hasMessage("gatewayPort must be a port number from 1 to 65535, got 70000");
    assertThatThrownBy(() -> ExplainRequest.fromJson(
            JSON.readTree("{\"url\":\"http://u/\",\"gateway\":\"edge/shop\",\"gatewayPort\":\"eighty\"}")))
        .hasMessage("gatewayPort must be a port number, got \"eighty\"");
  }

  /** The SNI of an https:// URL at a gateway travels in the JSON form too (inboardctl --server, POST /v1/explain). */
  @Test
  void theSniIsReadAndChecked() throws Exception {
    ExplainRequest read = ExplainRequest.fromJson(
        JSON.readTree("{\"url\":\"https://shop.example.com/\",\"gateway\":\"edge/shop\",\"sni\":\"shop.example.com\"}"));
    assertThat(read.sni()).isEqualTo("shop.example.com");
    assertThat(ExplainRequest.fromJson(read.toJson(JSON))).isEqualTo(read);
    assertThat(new ExplainRequest("GET", "http://u/", null, null, null, 0, null).toJson(JSON).has("sni")).isFalse();
    assertThatThrownBy(() -> ExplainRequest.fromJson(
            JSON.readTree("{\"url\":\"http://shop.example.com/\",\"gateway\":\"edge/shop\",\"sni\":\"shop\"}")))
        .hasMessage("sni needs gateway and an https:// URL: it is the name a TLS client sends the gateway's HTTPS port");
  }
}
