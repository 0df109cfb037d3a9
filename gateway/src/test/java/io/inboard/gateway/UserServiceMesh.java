package io.inboard.gateway;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A one-service mesh for gateway tests: Gateway {@code shop/gw} accepting {@code user.example.com},
 * a VirtualService routing it to {@code user} with the given retries, a DestinationRule with the
 * given traffic policy, and the instances given; started as a real gateway in standalone mode.
 */
final class UserServiceMesh {
  static final String HOST = "user.example.com";

  private UserServiceMesh() {}

  /** The rules, for {@code retries} and {@code trafficPolicy} in YAML flow style, before the instances. */
  static String rules(String retries, String trafficPolicy) {
    return gatewayAndRule("""
        - route: [{destination: {host: user}}]
          retries: %s
        """.formatted(retries)) + """
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: user, namespace: shop}
        spec:
          host: user
          trafficPolicy: %s
        ---
        instances:
        """.formatted(trafficPolicy);
  }

  /**
   * The Gateway and a VirtualService for {@code user.example.com} whose one {@code http} rule is
   * {@code rule} (YAML, written as an item of a top-level list).
   */
  static String gatewayAndRule(String rule) {
    return """
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: gw, namespace: shop}
        spec:
          selector: {istio: ingressgateway}
          servers:
          - port: {number: 80, name: http, protocol: HTTP}
            hosts: [user.example.com]
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: user, namespace: shop}
        spec:
          hosts: [user.example.com]
          gateways: [gw]
          http:
        """ + rule.indent(2);
  }

  /** One {@code instances} entry of service {@code user} in {@code shop}. */
  static String instance(String id, int port) {
    return "- {id: " + id + ", service: user, namespace: shop, address: 127.0.0.1, port: " + port
        + ", labels: {app: user}}\n";
  }

  /** Writes {@code yaml} into {@code dir} and starts a gateway on it, on free ports. */
  static InboardGateway start(Path dir, String yaml) throws Exception {
    Path file = Files.writeString(dir.resolve("mesh.yaml"), yaml);
    return InboardGateway.start(new GatewaySettings("127.0.0.1", 0, 80, 0, null, null, file,
        Map.of("istio", "ingressgateway"), "inboard-gateway", "istio-system"));
  }
}
