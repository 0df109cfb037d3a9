package io.inboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several Gateways accepting one host, against the real gateway and real upstreams on 127.0.0.1:
 * the port has one route table, where the routes of every VirtualService bound to any of them are
 * merged in Istio's order.
 */
class MergedGatewaysTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  static EchoUpstream alpha;
  static EchoUpstream beta;
  @TempDir Path dir;

  @BeforeAll
  static void upstreams() throws Exception {
    alpha = new EchoUpstream("alpha-1", Map.of("app", "alpha"));
    beta = new EchoUpstream("beta-1", Map.of("app", "beta"));
  }

  @AfterAll
  static void stopUpstreams() throws Exception {
    alpha.close();
    beta.close();
  }

  static String gateway(String name, int port, String protocol, String... hosts) {
    return """
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: %s, namespace: edge}
        spec:
          selector: {istio: ingressgateway}
          servers:
          - port: {number: %d, name: web, protocol: %s}
            hosts: [%s]%s
        ---
        """.formatted(name, port, protocol, "\"" + String.join("\", \"", hosts) + "\"",
        protocol.equals("HTTPS") ? "\n    tls: {mode: SIMPLE, credentialName: shop-cert}" : "");
  }

  static String gateway(String name, String... hosts) {
    return gateway(name, 80, "HTTP", hosts);
  }

  /** A VirtualService routing {@code match} (a YAML flow list, or null for every request) to {@code service}. */
  static String virtualService(String name, String host, String gateway, String match, String service) {
    return """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: %s, namespace: edge}
        spec:
          hosts: ["%s"]
          gateways: [%s]
          http:
          - %sroute: [{destination: {host: %s}}]
        ---
        """.formatted(name, host, gateway, match == null ? "" : "match: " + match + "\n    ", service);
  }

  static String created(String resource, String timestamp) {
    return resource.replace("namespace: edge}", "namespace: edge, creationTimestamp: \"" + timestamp + "\"}");
  }

  static String prefix(String prefix) {
    return "[{uri: {prefix: " + prefix + "}}]";
  }

  InboardGateway start(String yaml) throws Exception {
    String instances = """
        instances:
        - {id: alpha-1, service: alpha, namespace: edge, address: 127.0.0.1, port: %d, labels: {app: alpha}}
        - {id: beta-1, service: beta, namespace: edge, address: 127.0.0.1, port: %d, labels: {app: beta}}
        """.formatted(alpha.port(), beta.port());
    Path file = Files.writeString(dir.resolve("mesh.yaml"), yaml + instances);
    return InboardGateway.start(new GatewaySettings("127.0.0.1", 0, 80, 0, null, null, file,
        Map.of("istio", "ingressgateway"), "inboard-gateway", "istio-system"));
  }

  static String upstream(ContentResponse response) {
    return response.getStatus() + " " + (response.getStatus() == 200
        ? response.getHeaders().get("x-upstream-instance") : response.getHeaders().get("x-inboard-reason"));
  }

  static JsonNode explain(TestClient admin, String url) throws Exception {
    return JSON.readTree(admin.get("127.0.0.1", "/explain?url=" + url).getContentAsString());
  }

  @Test
  void anExactAndAWildcardGatewayForOneHostRouteBothTheirVirtualServicesPrefixes() throws Exception {
    try (InboardGateway gw = start(gateway("exact", "shop.example.com") + gateway("wild", "*.example.com")
            + virtualService("to-alpha", "shop.example.com", "exact", prefix("/a"), "alpha")
            + virtualService("to-beta", "shop.example.com", "wild", prefix("/b"), "beta"));
        TestClient client = new TestClient(gw.port())) {
      assertThat(upstream(client.get("shop.example.com", "/a/list"))).isEqualTo("200 alpha-1");
      assertThat(upstream(client.get("shop.example.com", "/b/list"))).isEqualTo("200 beta-1");
      assertThat(upstream(client.get("shop.example.com", "/c")))
          .isEqualTo("404 no rule matched for host shop.example.com (virtual host shop.example.com)");
    }
  }

  @Test
  void twoExactGatewaysForOneHostRouteBothTheirVirtualServicesPrefixes() throws Exception {
    try (InboardGateway gw = start(gateway("first", "shop.example.com") + gateway("second", "shop.example.com")
            + virtualService("to-alpha", "shop.example.com", "first", prefix("/a"), "alpha")
            + virtualService("to-beta", "shop.example.com", "second", prefix("/b"), "beta"));
        TestClient client = new TestClient(gw.port())) {
      assertThat(upstream(client.get("shop.example.com", "/a"))).isEqualTo("200 alpha-1");
      assertThat(upstream(client.get("shop.example.com", "/b"))).isEqualTo("200 beta-1");
      assertThat(upstream(client.get("shop.example.com", "/")).substring(0, 4)).isEqualTo("404 ");
    }
  }

  /**
   * The first Gateway's VirtualService routes every request; Istio still puts such a catch-all
   * route after the other Gateway's prefix route, so that prefix is reached. /explain agrees.
   */
  @Test
  void aCatchAllRouteOfTheFirstGatewayGoesAfterThePrefixRouteOfTheSecond() throws Exception {
    try (InboardGateway gw = start(gateway("first", "shop.example.com") + gateway("second", "shop.example.com")
            + virtualService("everything", "shop.example.com", "first", null, "alpha")
            + virtualService("api", "shop.example.com", "second", prefix("/api"), "beta"));
        TestClient client = new TestClient(gw.port());
        TestClient admin = new TestClient(gw.adminPort())) {
      assertThat(upstream(client.get("shop.example.com", "/api/orders"))).isEqualTo("200 beta-1");
      assertThat(upstream(client.get("shop.example.com", "/home"))).isEqualTo("200 alpha-1");

      JsonNode api = explain(admin, "http://shop.example.com/api/orders");
      assertThat(api.path("matched").path("virtualService").asText()).isEqualTo("edge/api");
      assertThat(api.path("instance").path("id").asText()).isEqualTo("beta-1");
      assertThat(api.path("gateway").asText()).isEqualTo("edge/second");
      assertThat(api.path("virtualHost").asText()).isEqualTo("shop.example.com");
      JsonNode home = explain(admin, "http://shop.example.com/home");
      assertThat(home.path("matched").path("virtualService").asText()).isEqualTo("edge/everything");
      assertThat(home.path("gateway").asText()).isEqualTo("edge/first");
    }
  }

  /**
   * Overlapping prefixes: the routes of the first Gateway's server come first (Gateways oldest
   * first, then by name), whatever the VirtualServices are called; a creationTimestamp changes it.
   */
  @Test
  void overlappingRoutesFollowTheOrderOfTheirGateways() throws Exception {
    String routes = virtualService("a-specific", "shop.example.com", "second", prefix("/api/v2"), "beta")
        + virtualService("z-broad", "shop.example.com", "first", prefix("/api"), "alpha");
    try (InboardGateway gw = start(gateway("first", "shop.example.com") + gateway("second", "shop.example.com")
            + routes);
        TestClient client = new TestClient(gw.port());
        TestClient admin = new TestClient(gw.adminPort())) {
      assertThat(upstream(client.get("shop.example.com", "/api/v2/orders"))).isEqualTo("200 alpha-1");
      assertThat(explain(admin, "http://shop.example.com/api/v2/orders").path("matched").path("virtualService")
          .asText()).isEqualTo("edge/z-broad");
    }
    // Stamped as Kubernetes stamps them, the second Gateway is the older one.
    String stamped = created(gateway("first", "shop.example.com"), "2021-06-01T10:00:00Z")
        + created(gateway("second", "shop.example.com"), "2020-01-01T00:00:00Z");
    try (InboardGateway gw = start(stamped + routes);
        TestClient client = new TestClient(gw.port())) {
      assertThat(upstream(client.get("shop.example.com", "/api/v2/orders"))).isEqualTo("200 beta-1");
      assertThat(upstream(client.get("shop.example.com", "/api/v1"))).isEqualTo("200 alpha-1");
    }
  }

  @Test
  void aVirtualServiceBoundToAGatewayThatDoesNotAcceptTheHostDoesNotContribute() throws Exception {
    try (InboardGateway gw = start(gateway("shop", "shop.example.com") + gateway("admin", "admin.example.com")
            + virtualService("shop", "shop.example.com", "shop", prefix("/a"), "alpha")
            + virtualService("through-admin", "shop.example.com", "admin", prefix("/b"), "beta"));
        TestClient client = new TestClient(gw.port());
        TestClient admin = new TestClient(gw.adminPort())) {
      int betaBefore = beta.requests.get();
      assertThat(upstream(client.get("shop.example.com", "/a"))).isEqualTo("200 alpha-1");
      assertThat(upstream(client.get("shop.example.com", "/b")).substring(0, 4)).isEqualTo("404 ");
      assertThat(beta.requests.get()).isEqualTo(betaBefore);
      JsonNode explained = explain(admin, "http://shop.example.com/b");
      assertThat(explained.path("status").asInt()).isEqualTo(404);
      assertThat(explained.path("gateway").isNull()).isTrue();
    }
  }

  /** Envoy picks the most specific virtual host: a wildcard VirtualService does not serve a host that has its own. */
  @Test
  void aWildcardVirtualServiceDoesNotServeAHostThatHasAVirtualHostOfItsOwn() throws Exception {
    try (InboardGateway gw = start(gateway("exact", "shop.example.com") + gateway("wild", "*.example.com")
            + virtualService("shop", "shop.example.com", "exact", prefix("/a"), "alpha")
            + virtualService("rest", "*.example.com", "wild", prefix("/b"), "beta"));
        TestClient client = new TestClient(gw.port())) {
      assertThat(upstream(client.get("shop.example.com", "/b")).substring(0, 4)).isEqualTo("404 ");
      assertThat(upstream(client.get("cart.example.com", "/b"))).isEqualTo("200 beta-1");
    }
  }

  /** Only HTTP servers on the port the gateway serves (its Service port, 80 here) count. */
  @Test
  void serversOnAnotherPortOrWithAnotherProtocolDoNotCount() throws Exception {
    try (InboardGateway gw = start(gateway("web", "shop.example.com")
            + gateway("other-port", 8443, "HTTP", "shop.example.com", "cart.example.com")
            + gateway("tls", 80, "HTTPS", "shop.example.com", "cart.example.com")
            + virtualService("shop", "shop.example.com", "web", prefix("/a"), "alpha")
            + virtualService("other-port", "shop.example.com", "other-port", prefix("/b"), "beta")
            + virtualService("tls", "shop.example.com", "tls", prefix("/c"), "beta")
            + virtualService("cart", "cart.example.com", "other-port, tls", null, "beta"));
        TestClient client = new TestClient(gw.port())) {
      assertThat(upstream(client.get("shop.example.com", "/a"))).isEqualTo("200 alpha-1");
      assertThat(upstream(client.get("shop.example.com", "/b")).substring(0, 4)).isEqualTo("404 ");
      assertThat(upstream(client.get("shop.example.com", "/c")).substring(0, 4)).isEqualTo("404 ");
      assertThat(upstream(client.get("cart.example.com", "/"))).startsWith("404 unknown host 'cart.example.com'");
    }
  }
}
