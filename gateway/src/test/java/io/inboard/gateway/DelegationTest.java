package io.inboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * VirtualService delegation at the gateway, against real upstreams: the edge team's VirtualService
 * hands {@code /users} to the user team's delegate, whose rules route under that prefix with the
 * delegating rule's header operations; a delegate rule outside the prefix is left out.
 */
class DelegationTest {
  @TempDir Path dir;

  @Test
  void theDelegatesRulesRouteUnderTheDelegatingRule() throws Exception {
    try (EchoUpstream stable = new EchoUpstream("user-v1", Map.of("app", "user", "version", "v1"));
        EchoUpstream beta = new EchoUpstream("user-v2", Map.of("app", "user", "version", "v2"));
        EchoUpstream web = new EchoUpstream("web", Map.of("app", "web"))) {
      String yaml = """
          apiVersion: networking.istio.io/v1
          kind: Gateway
          metadata: {name: gw, namespace: shop}
          spec:
            selector: {istio: ingressgateway}
            servers:
            - port: {number: 80, name: http, protocol: HTTP}
              hosts: [shop.example.com]
          ---
          apiVersion: networking.istio.io/v1
          kind: VirtualService
          metadata: {name: edge, namespace: shop}
          spec:
            hosts: [shop.example.com]
            gateways: [gw]
            http:
            - name: users
              match: [{uri: {prefix: /users}}]
              headers: {request: {set: {x-edge: users}}}
              delegate: {name: user-routes, namespace: user-team}
            - name: web
              route: [{destination: {host: web.shop.svc.cluster.local}}]
          ---
          apiVersion: networking.istio.io/v1
          kind: VirtualService
          metadata: {name: user-routes, namespace: user-team}
          spec:
            http:
            - name: beta
              match: [{uri: {prefix: /users/beta}}]
              rewrite: {uri: /}
              route: [{destination: {host: user.shop.svc.cluster.local, subset: v2}}]
            - name: orders
              match: [{uri: {prefix: /orders}}]
              route: [{destination: {host: user.shop.svc.cluster.local, subset: v2}}]
            - name: stable
              route: [{destination: {host: user.shop.svc.cluster.local, subset: v1}}]
          ---
          apiVersion: networking.istio.io/v1
          kind: DestinationRule
          metadata: {name: user, namespace: shop}
          spec:
            host: user
            subsets:
            - {name: v1, labels: {version: v1}}
            - {name: v2, labels: {version: v2}}
          ---
          instances:
          """
          + instance("user-v1", "user", stable.port(), "v1")
          + instance("user-v2", "user", beta.port(), "v2")
          + "- {id: web, service: web, namespace: shop, address: 127.0.0.1, port: " + web.port() + ", labels: {app: web}}\n";
      try (InboardGateway gw = UserServiceMesh.start(dir, yaml);
          TestClient client = new TestClient(gw.port())) {
        ContentResponse toBeta = client.get("shop.example.com", "/users/beta/list");
        assertThat(toBeta.getStatus()).isEqualTo(200);
        assertThat(toBeta.getContentAsString()).contains("instance: user-v2").contains("path: /list\n")
            .as("the delegating rule's header operation").contains("header x-edge: users");

        ContentResponse toStable = client.get("shop.example.com", "/users/alice");
        assertThat(toStable.getContentAsString()).contains("instance: user-v1").contains("path: /users/alice")
            .contains("header x-edge: users");

        // The delegate's /orders rule is not under /users: left out, so the edge's next rule serves it.
        ContentResponse orders = client.get("shop.example.com", "/orders");
        assertThat(orders.getContentAsString()).contains("instance: web").doesNotContain("x-edge");
        assertThat(beta.requests.get()).isEqualTo(1);
      }
    }
  }

  private static String instance(String id, String service, int port, String version) {
    return "- {id: " + id + ", service: " + service + ", namespace: shop, address: 127.0.0.1, port: " + port
        + ", labels: {app: " + service + ", version: " + version + "}}\n";
  }
}
