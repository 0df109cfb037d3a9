package io.inboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code exportTo} at the gateway, against real upstreams: as Istio checks it against the gateway workload's
 * namespace (the {@code namespace} setting), a VirtualService bound to the Gateway but exported to its own
 * namespace only is not served, and a DestinationRule exported to the gateway's namespace alone wins there
 * over the service's own.
 */
class ExportToTest {
  @TempDir Path dir;

  private static final String MESH = """
      apiVersion: networking.istio.io/v1
      kind: Gateway
      metadata: {name: gw, namespace: shop}
      spec:
        selector: {istio: ingressgateway}
        servers:
        - port: {number: 80, name: http, protocol: HTTP}
          hosts: ["*.example.com"]
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: private-site, namespace: shop}
      spec:
        hosts: [private.example.com]
        gateways: [gw]
        exportTo: ["."]
        http:
        - route: [{destination: {host: user, subset: pick}}]
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: public-site, namespace: shop}
      spec:
        hosts: [public.example.com]
        gateways: [gw]
        exportTo: [istio-system]
        http:
        - route: [{destination: {host: user, subset: pick}}]
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: user, namespace: shop}
      spec:
        host: user
        exportTo: ["."]
        subsets:
        - {name: pick, labels: {version: v1}}
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: user-at-the-edge, namespace: istio-system}
      spec:
        host: user.shop.svc.cluster.local
        exportTo: ["."]
        subsets:
        - {name: pick, labels: {version: v2}}
      ---
      instances:
      """;

  @Test
  void aVirtualServiceNotExportedToTheGatewaysNamespaceIsNotServed() throws Exception {
    try (EchoUpstream v1 = new EchoUpstream("user-v1", Map.of("app", "user", "version", "v1"));
        EchoUpstream v2 = new EchoUpstream("user-v2", Map.of("app", "user", "version", "v2"));
        InboardGateway gw = start(mesh(v1, v2), "istio-system");
        TestClient client = new TestClient(gw.port())) {
      ContentResponse hidden = client.get("private.example.com", "/");
      assertThat(hidden.getStatus()).isEqualTo(404);

      ContentResponse served = client.get("public.example.com", "/");
      assertThat(served.getStatus()).isEqualTo(200);
      assertThat(served.getContentAsString()).as("the DestinationRule of the gateway's namespace applies")
          .contains("instance: user-v2");
      assertThat(v1.requests.get()).isZero();
    }
  }

  @Test
  void aGatewayInTheResourcesNamespaceSeesWhatIsExportedThere() throws Exception {
    try (EchoUpstream v1 = new EchoUpstream("user-v1", Map.of("app", "user", "version", "v1"));
        EchoUpstream v2 = new EchoUpstream("user-v2", Map.of("app", "user", "version", "v2"));
        InboardGateway gw = start(mesh(v1, v2), "shop");
        TestClient client = new TestClient(gw.port())) {
      ContentResponse served = client.get("private.example.com", "/");
      assertThat(served.getStatus()).isEqualTo(200);
      assertThat(served.getContentAsString()).as("shop's own DestinationRule").contains("instance: user-v1");
      assertThat(client.get("public.example.com", "/").getStatus()).as("exported to istio-system only")
          .isEqualTo(404);
    }
  }

  private static String mesh(EchoUpstream v1, EchoUpstream v2) {
    return MESH + instance("user-v1", v1.port(), "v1") + instance("user-v2", v2.port(), "v2");
  }

  private static String instance(String id, int port, String version) {
    return "- {id: " + id + ", service: user, namespace: shop, address: 127.0.0.1, port: " + port
        + ", labels: {app: user, version: " + version + "}}\n";
  }

  private InboardGateway start(String yaml, String namespace) throws Exception {
    Path file = Files.writeString(dir.resolve(namespace + ".yaml"), yaml);
    return InboardGateway.start(new GatewaySettings("127.0.0.1", 0, 80, 0, null, null, file,
        Map.of("istio", "ingressgateway"), "inboard-gateway", namespace));
  }
}
