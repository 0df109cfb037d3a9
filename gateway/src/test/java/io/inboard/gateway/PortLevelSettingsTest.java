package io.inboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A DestinationRule's {@code portLevelSettings} through the gateway to real upstreams: requests
 * with {@code x-to: 9080} are routed to port 9080 of {@code user}, where they hash on {@code x-user} (its port-level balancer), routes without a port
 * go round robin (the top-level one), and a port-level {@code connectionPool} limits only that port.
 */
class PortLevelSettingsTest {
  @TempDir Path dir;

  private static String mesh(String portLevel, List<EchoUpstream> upstreams) {
    StringBuilder yaml = new StringBuilder(UserServiceMesh.gatewayAndRule("""
        - match: [{headers: {x-to: {exact: "9080"}}}]
          route: [{destination: {host: user, port: {number: 9080}}}]
        - route: [{destination: {host: user}}]
        """) + """
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: user, namespace: shop}
        spec:
          host: user
          trafficPolicy:
            loadBalancer: {simple: ROUND_ROBIN}
            portLevelSettings:
            - port: {number: 9080}
        """ + portLevel.indent(6) + """
        ---
        instances:
        """);
    for (EchoUpstream u : upstreams) {
      yaml.append(UserServiceMesh.instance(u.id, u.port()));
    }
    return yaml.toString();
  }

  @Test
  void thePortsOwnBalancerHashesWhileOtherPortsGoRoundRobin() throws Exception {
    try (EchoUpstream a = new EchoUpstream("user-a", Map.of("app", "user"));
        EchoUpstream b = new EchoUpstream("user-b", Map.of("app", "user"));
        EchoUpstream c = new EchoUpstream("user-c", Map.of("app", "user"))) {
      List<EchoUpstream> all = List.of(a, b, c);
      String yaml = mesh("loadBalancer: {consistentHash: {httpHeaderName: x-user}}", all);
      try (InboardGateway gw = UserServiceMesh.start(dir, yaml);
          TestClient client = new TestClient(gw.port())) {
        for (int i = 0; i < 12; i++) {
          ContentResponse r = client.get(UserServiceMesh.HOST, "/orders", "x-user", "alice", "x-to", "9080");
          assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(200);
        }
        // Port 9080: every request of one key on one instance.
        assertThat(all).extracting(u -> u.requests.get()).containsExactlyInAnyOrder(12, 0, 0);
        int[] before = all.stream().mapToInt(u -> u.requests.get()).toArray();
        for (int i = 0; i < 12; i++) {
          ContentResponse r = client.get(UserServiceMesh.HOST, "/", "x-user", "alice");
          assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(200);
        }
        // The request's port (80): the top-level ROUND_ROBIN, the same key spread evenly.
        for (int i = 0; i < all.size(); i++) {
          assertThat(all.get(i).requests.get() - before[i]).as(all.get(i).id).isEqualTo(4);
        }
      }
    }
  }

  @Test
  void aPortLevelConnectionPoolLimitsOnlyThatPort() throws Exception {
    try (EchoUpstream a = new EchoUpstream("user-a", Map.of("app", "user"))) {
      String yaml = mesh("connectionPool: {http: {http2MaxRequests: 1}}", List.of(a));
      try (InboardGateway gw = UserServiceMesh.start(dir, yaml);
          TestClient client = new TestClient(gw.port());
          TestClient other = new TestClient(gw.port());
          TestClient admin = new TestClient(gw.adminPort())) {
        // One request in flight to port 9080 (held by the upstream) fills that port's one slot.
        CompletableFuture<ContentResponse> held = CompletableFuture.supplyAsync(() -> {
          try {
            return client.get(UserServiceMesh.HOST, "/gated", "x-to", "9080");
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
        waitFor(() -> a.requests.get() == 1);
        ContentResponse overflow = other.get(UserServiceMesh.HOST, "/orders", "x-to", "9080");
        assertThat(overflow.getStatus()).isEqualTo(503);
        assertThat(overflow.getHeaders().get("x-envoy-overloaded")).isEqualTo("true");
        assertThat(overflow.getContentAsString()).contains("upstream overflow: user.shop.svc.cluster.local port 9080 "
            + "already has 1 requests in flight from this gateway");
        // The other port has no limit: its requests go through meanwhile.
        ContentResponse elsewhere = other.get(UserServiceMesh.HOST, "/orders");
        assertThat(elsewhere.getStatus()).isEqualTo(200);
        // Explain names the port-level policy and shows that port's limit and requests in flight.
        JsonNode explained = new ObjectMapper().readTree(admin.get("127.0.0.1",
            "/explain?url=http://user.example.com/orders&header=x-to:9080").getContentAsString());
        assertThat(explained.path("destination").path("port").asInt()).isEqualTo(9080);
        assertThat(explained.path("destination").path("portLevelSettings").asInt()).isEqualTo(9080);
        assertThat(explained.path("connectionPool").path("maxRequests").asLong()).isEqualTo(1);
        assertThat(explained.path("connectionPool").path("requestsInFlight").asInt()).isEqualTo(1);
        assertThat(explained.path("trace").toString())
            .contains("the route destination's port 9080: the DestinationRule's portLevelSettings for port 9080 "
                + "apply (ROUND_ROBIN, connectionPool)");
        JsonNode otherPort = new ObjectMapper().readTree(admin.get("127.0.0.1",
            "/explain?url=http://user.example.com/orders").getContentAsString());
        assertThat(otherPort.path("destination").has("portLevelSettings")).isFalse();
        assertThat(otherPort.has("connectionPool")).isFalse();
        a.gate.countDown();
        assertThat(held.get(10, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
      }
    }
  }

  private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waited 5 s").isLessThan(deadline);
      Thread.sleep(5);
    }
  }
}
