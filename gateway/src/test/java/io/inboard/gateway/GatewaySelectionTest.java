package io.inboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Gateway selection and Host matching through the real router, from a standalone file. */
class GatewaySelectionTest {
  @TempDir Path dir;

  static String gateway(String ns, String name, String... hosts) {
    return """
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: %s, namespace: %s}
        spec:
          selector: {istio: ingressgateway}
          servers:
          - port: {number: 80, name: http, protocol: HTTP}
            hosts: [%s]
        ---
        """.formatted(name, ns, "\"" + String.join("\", \"", hosts) + "\"");
  }

  static String direct(String ns, String name, String host, String gateway, String prefix, String body) {
    return """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: %s, namespace: %s}
        spec:
          hosts: [%s]
          gateways: [%s]
          http:
          - match: [{uri: {prefix: %s}}]
            directResponse: {status: 200, body: {string: %s}}
        ---
        """.formatted(name, ns, host, gateway, prefix, body);
  }

  InboardGateway start(String yaml) throws Exception {
    Path file = Files.writeString(dir.resolve("mesh.yaml"), yaml + "instances: []\n");
    return InboardGateway.start(new GatewaySettings("127.0.0.1", 0, 80, 0, null, null, file,
        Map.of("istio", "ingressgateway"), "inboard-gateway", "istio-system"));
  }

  /** The port, case and the final dot of a dotted name are ignored, by the Gateway choice and the router alike. */
  @Test
  void aFinalDotInTheHostIsIgnored() throws Exception {
    try (InboardGateway gw = start(gateway("edge", "gw", "user.example.com")
            + direct("edge", "vs", "user.example.com", "gw", "/", "hello"));
        TestClient client = new TestClient(gw.port())) {
      assertThat(client.get("user.example.com", "/").getStatus()).isEqualTo(200);
      ContentResponse dotted = client.get("User.Example.com.:8080", "/");
      assertThat(dotted.getStatus()).as(dotted.getContentAsString()).isEqualTo(200);
      assertThat(dotted.getContentAsString()).isEqualTo("hello");
    }
  }

  /**
   * Istio builds one route table per port from every Gateway's servers: a VirtualService bound to
   * a wildcard Gateway and one bound to an exact-host Gateway for the same host both serve it.
   */
  @Test
  void aVirtualServiceBoundToAWildcardGatewayStillServesAHostAnotherGatewayListsExactly() throws Exception {
    try (InboardGateway gw = start(gateway("edge", "wild", "*.example.com")
            + gateway("edge", "exact", "user.example.com")
            + direct("edge", "via-wild", "user.example.com", "wild", "/a", "from-wild")
            + direct("edge", "via-exact", "user.example.com", "exact", "/b", "from-exact"));
        TestClient client = new TestClient(gw.port())) {
      ContentResponse b = client.get("user.example.com", "/b");
      assertThat(b.getStatus()).isEqualTo(200);
      ContentResponse a = client.get("user.example.com", "/a");
      assertThat(a.getStatus()).as(a.getContentAsString()).isEqualTo(200);
      assertThat(a.getContentAsString()).isEqualTo("from-wild");
    }
  }

  /**
   * When several Gateways accept the same host, /explain describes the proxy's decision through
   * the port's one route table and names the Gateway the matched VirtualService is bound through.
   */
  @Test
  void explainPicksTheGatewayTheProxyUses() throws Exception {
    try (InboardGateway gw = start(gateway("edge", "a-first", "user.example.com")
            + gateway("edge", "z-second", "user.example.com")
            + direct("edge", "vs", "user.example.com", "z-second", "/", "hello"));
        TestClient client = new TestClient(gw.port());
        TestClient admin = new TestClient(gw.adminPort())) {
      ContentResponse proxied = client.get("user.example.com", "/");
      assertThat(proxied.getStatus()).isEqualTo(200);
      assertThat(proxied.getContentAsString()).isEqualTo("hello");

      String explained = admin.get("127.0.0.1", "/explain?url=http://user.example.com/").getContentAsString();
      assertThat(explained).as(explained).contains("\"gateway\" : \"edge/z-second\"")
          .contains("\"status\" : 200");
    }
  }
}
