package io.inboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Locality load balancing at the gateway against real upstreams on 127.0.0.1 in two zones: the
 * gateway's own labels put it in zone a, so traffic stays with the instance in zone a until outlier
 * detection ejects it, then fails over to zone b.
 */
class LocalityFailoverTest {
  private static final String HOST = UserServiceMesh.HOST;
  private static final String ZONE_A = "topology.kubernetes.io/region: us-east, topology.kubernetes.io/zone: us-east-1a";
  private static final String ZONE_B = "topology.kubernetes.io/region: us-east, topology.kubernetes.io/zone: us-east-1b";

  @TempDir Path dir;

  private static String instance(String id, int port, String locality) {
    return "- {id: " + id + ", service: user, namespace: shop, address: 127.0.0.1, port: " + port
        + ", labels: {app: user, " + locality + "}}\n";
  }

  private InboardGateway start(String yaml) throws Exception {
    Path file = Files.writeString(dir.resolve("mesh.yaml"), yaml);
    return InboardGateway.start(new GatewaySettings("127.0.0.1", 0, 80, 0, null, null, file,
        Map.of("istio", "ingressgateway", "topology.kubernetes.io/region", "us-east",
            "topology.kubernetes.io/zone", "us-east-1a"), "inboard-gateway", "istio-system"));
  }

  @Test
  void trafficStaysInTheGatewaysZoneThenFailsOverWhenItsInstanceIsEjected() throws Exception {
    try (EchoUpstream local = new EchoUpstream("user-1a", Map.of("app", "user"));
        EchoUpstream remote = new EchoUpstream("user-1b", Map.of("app", "user"))) {
      String yaml = UserServiceMesh.rules("{attempts: 0}", "{loadBalancer: {simple: ROUND_ROBIN, "
          + "localityLbSetting: {enabled: true}}, outlierDetection: {consecutive5xxErrors: 2, interval: 1s, "
          + "baseEjectionTime: 60s, maxEjectionPercent: 100}}")
          + instance(local.id, local.port(), ZONE_A) + instance(remote.id, remote.port(), ZONE_B);
      try (InboardGateway gw = start(yaml);
          TestClient client = new TestClient(gw.port());
          TestClient admin = new TestClient(gw.adminPort())) {
        for (int i = 0; i < 20; i++) {
          ContentResponse r = client.get(HOST, "/");
          assertThat(r.getStatus()).isEqualTo(200);
        }
        assertThat(local.requests.get()).as("round robin over both zones would send 10 away").isEqualTo(20);
        assertThat(remote.requests.get()).isZero();
        String before = admin.get("127.0.0.1", "/explain?url=http://user.example.com/").getContentAsString();
        assertThat(before).contains("locality failover for the caller at us-east/us-east-1a/: priority 0 "
            + "(same locality) [user-1a]; priority 1 (same region) [user-1b]").contains("chose priority 0");

        local.failWith = 503;
        assertThat(client.get(HOST, "/").getStatus()).isEqualTo(503);
        assertThat(client.get(HOST, "/").getStatus()).isEqualTo(503);
        // Two 503s in a row eject the local instance: zone b takes all the traffic.
        for (int i = 0; i < 10; i++) {
          ContentResponse r = client.get(HOST, "/");
          assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(200);
        }
        assertThat(local.requests.get()).isEqualTo(22);
        assertThat(remote.requests.get()).isEqualTo(10);
        String after = admin.get("127.0.0.1", "/explain?url=http://user.example.com/").getContentAsString();
        assertThat(after).contains("priority 0 (same locality) 0.0% (0 of 1 healthy), priority 1 (same region) 100.0%")
            .contains("chose priority 1 (same region)");
      }
    }
  }
}
