package io.inboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A retry goes to an instance not tried yet, as Istio's default retry host predicate makes Envoy
 * do: with one of two instances answering 503 and a random balancer, three retries reach the good
 * one every time (without the predicate a request would fail one time in sixteen).
 */
class RetryOtherHostsTest {
  @TempDir Path dir;

  @Test
  void retriesAvoidTheInstanceThatFailed() throws Exception {
    try (EchoUpstream good = new EchoUpstream("user-good", Map.of("app", "user"));
        EchoUpstream bad = new EchoUpstream("user-bad", Map.of("app", "user"))) {
      bad.failWith = 503;
      String yaml = """
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
            - route: [{destination: {host: user}}]
              retries: {attempts: 3, retryOn: 5xx, backoff: 1ms}
          ---
          apiVersion: networking.istio.io/v1
          kind: DestinationRule
          metadata: {name: user, namespace: shop}
          spec:
            host: user
            trafficPolicy: {loadBalancer: {simple: RANDOM}}
          ---
          instances:
          """ + "- {id: user-good, service: user, namespace: shop, address: 127.0.0.1, port: " + good.port()
          + ", labels: {app: user}}\n- {id: user-bad, service: user, namespace: shop, address: 127.0.0.1, port: "
          + bad.port() + ", labels: {app: user}}\n";
      Path file = Files.writeString(dir.resolve("mesh.yaml"), yaml);
      try (InboardGateway gw = InboardGateway.start(new GatewaySettings("127.0.0.1", 0, 0, null, null, file,
              Map.of("istio", "ingressgateway"), "inboard-gateway", "istio-system"));
          TestClient client = new TestClient(gw.port())) {
        int requests = 30;
        for (int i = 0; i < requests; i++) {
          ContentResponse r = client.get("user.example.com", "/");
          assertThat(r.getStatus()).as("request %d: %s", i, r.getContentAsString()).isEqualTo(200);
        }
        assertThat(good.requests.get()).isEqualTo(requests);
        // Each request reaches the bad instance at most once (about half of them do).
        assertThat(bad.requests.get()).isLessThanOrEqualTo(requests);
      }
    }
  }
}
