package io.inboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outlier detection at the gateway against real upstreams on 127.0.0.1: an instance that keeps
 * failing gets no traffic for {@code baseEjectionTime}, then gets it again.
 */
class OutlierEjectionTest {
  private static final String HOST = UserServiceMesh.HOST;

  @TempDir Path dir;

  private static String mesh(String outlierDetection) {
    return UserServiceMesh.rules("{attempts: 0}",
        "{loadBalancer: {simple: ROUND_ROBIN}, outlierDetection: " + outlierDetection + "}");
  }

  private static String instance(String id, int port) {
    return UserServiceMesh.instance(id, port);
  }

  private InboardGateway start(String yaml) throws Exception {
    return UserServiceMesh.start(dir, yaml);
  }

  @Test
  void anInstanceAnswering503IsEjectedAfterThreeInARowAndComesBackAfterTheBaseEjectionTime() throws Exception {
    try (EchoUpstream good = new EchoUpstream("user-good", Map.of("app", "user"));
        EchoUpstream bad = new EchoUpstream("user-bad", Map.of("app", "user"))) {
      bad.failWith = 503;
      String yaml = mesh("{consecutive5xxErrors: 3, interval: 1s, baseEjectionTime: 3s, maxEjectionPercent: 50}")
          + instance(good.id, good.port()) + instance(bad.id, bad.port());
      try (InboardGateway gw = start(yaml);
          TestClient client = new TestClient(gw.port());
          TestClient admin = new TestClient(gw.adminPort())) {
        // Round robin: the bad instance gets every other request until its third 503.
        int failures = 0;
        for (int i = 0; i < 20 && bad.requests.get() < 3; i++) {
          ContentResponse r = client.get(HOST, "/");
          failures += r.getStatus() == 503 ? 1 : 0;
        }
        long ejectedBy = System.nanoTime();
        assertThat(bad.requests.get()).isEqualTo(3);
        assertThat(failures).isEqualTo(3);

        int goodBefore = good.requests.get();
        for (int i = 0; i < 20; i++) {
          ContentResponse r = client.get(HOST, "/");
          assertThat(r.getStatus()).as("request %d after the ejection", i).isEqualTo(200);
        }
        assertThat(bad.requests.get()).as("no traffic while ejected").isEqualTo(3);
        assertThat(good.requests.get() - goodBefore).isEqualTo(20);

        String metrics = admin.get("127.0.0.1", "/metrics").getContentAsString();
        assertThat(metrics).containsPattern("inboard_outlier_ejections_total\\{cause=\"consecutive_5xx\","
            + "destination_service=\"user.shop.svc.cluster.local\",destination_subset=\"\",?\\} 1\\.0");
        String explained = admin.get("127.0.0.1", "/explain?url=http://user.example.com/").getContentAsString();
        assertThat(explained).contains("outlier detection has ejected 1 of 2 instance(s) of user.shop.svc.cluster.local"
            + " (user-bad for ");

        // Once its 3 s are up it is tried again.
        while (bad.requests.get() == 3 && System.nanoTime() - ejectedBy < 15_000_000_000L) {
          client.get(HOST, "/");
          Thread.sleep(50);
        }
        long ejectedForMillis = (System.nanoTime() - ejectedBy) / 1_000_000;
        assertThat(bad.requests.get()).as("back in service").isEqualTo(4);
        assertThat(ejectedForMillis).as("held out for baseEjectionTime").isBetween(2_900L, 10_000L);
      }
    }
  }

  @Test
  void anInstanceRefusingConnectionsIsEjectedAsAGatewayError() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (EchoUpstream good = new EchoUpstream("user-good", Map.of("app", "user"))) {
      String yaml = mesh("{consecutive5xxErrors: 0, consecutiveGatewayErrors: 2, baseEjectionTime: 60s, "
          + "maxEjectionPercent: 50}") + instance(good.id, good.port()) + instance("user-down", closedPort);
      try (InboardGateway gw = start(yaml);
          TestClient client = new TestClient(gw.port())) {
        int refused = 0;
        for (int i = 0; i < 4; i++) {
          refused += client.get(HOST, "/").getStatus() == 503 ? 1 : 0;
        }
        assertThat(refused).as("round robin sent two requests to the closed port").isEqualTo(2);
        for (int i = 0; i < 10; i++) {
          ContentResponse r = client.get(HOST, "/");
          assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(200);
        }
      }
    }
  }

  /**
   * With {@code splitExternalLocalOriginErrors}, refused connects count apart: the gateway-error
   * threshold (2) does not eject, {@code consecutiveLocalOriginFailures} (3) does, with that cause.
   */
  @Test
  void withTheSplitRefusedConnectsEjectByTheLocalOriginCount() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (EchoUpstream good = new EchoUpstream("user-good", Map.of("app", "user"))) {
      String yaml = mesh("{consecutive5xxErrors: 2, consecutiveGatewayErrors: 2, baseEjectionTime: 60s, "
          + "maxEjectionPercent: 50, splitExternalLocalOriginErrors: true, consecutiveLocalOriginFailures: 3}")
          + instance(good.id, good.port()) + instance("user-down", closedPort);
      try (InboardGateway gw = start(yaml);
          TestClient client = new TestClient(gw.port());
          TestClient admin = new TestClient(gw.adminPort())) {
        int refused = 0;
        for (int i = 0; i < 4; i++) {
          refused += client.get(HOST, "/").getStatus() == 503 ? 1 : 0;
        }
        assertThat(refused).as("two refused connects, not yet three").isEqualTo(2);
        assertThat(admin.get("127.0.0.1", "/metrics").getContentAsString()).doesNotContain("inboard_outlier_ejections_total{");
        for (int i = 0; i < 2; i++) {
          refused += client.get(HOST, "/").getStatus() == 503 ? 1 : 0;
        }
        assertThat(refused).as("the third refused connect").isEqualTo(3);
        for (int i = 0; i < 10; i++) {
          ContentResponse r = client.get(HOST, "/");
          assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(200);
        }
        assertThat(admin.get("127.0.0.1", "/metrics").getContentAsString())
            .contains("inboard_outlier_ejections_total{cause=\"consecutive_local_origin_failures\"");
      }
    }
  }
}
