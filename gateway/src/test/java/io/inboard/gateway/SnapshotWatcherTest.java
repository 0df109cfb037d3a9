package io.inboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.junit.jupiter.api.Test;

/** The config-server watch against a stand-in server whose store is lost between two runs. */
class SnapshotWatcherTest {
  /** A config server speaking GET /v1/snapshot: answers since != revision at once, else 304 after a short hold. */
  static Server fakeServer(int port, long revision, String body, List<String> sinces) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);
    server.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Fields query = Request.extractQueryParameters(request);
        long since = Long.parseLong(query.getValue("since"));
        sinces.add(revision + "/" + body.hashCode() + " since=" + since);
        if (since == revision) {
          Thread.sleep(300);
          response.setStatus(304);
          callback.succeeded();
          return true;
        }
        response.getHeaders().put("Content-Type", "application/json");
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
        return true;
      }
    });
    server.start();
    return server;
  }

  static String snapshot(long revision, String answer) {
    return """
        {"revision": %d, "instances": [], "resources": [
          {"apiVersion": "networking.istio.io/v1", "kind": "Gateway",
           "metadata": {"name": "gw", "namespace": "edge"},
           "spec": {"selector": {"istio": "ingressgateway"},
                    "servers": [{"port": {"number": 80, "name": "http", "protocol": "HTTP"}, "hosts": ["user.example.com"]}]}},
          {"apiVersion": "networking.istio.io/v1", "kind": "VirtualService",
           "metadata": {"name": "vs", "namespace": "edge"},
           "spec": {"hosts": ["user.example.com"], "gateways": ["gw"],
                    "http": [{"directResponse": {"status": 200, "body": {"string": "%s"}}}]}}]}
        """.formatted(revision, answer);
  }

  /**
   * A config server that lost its store starts again from revision 0 (ConfigServer.startRevision)
   * and may reach the number the gateway holds with other content; after a reconnect the gateway
   * must take the server's current state, not assume that an equal number means equal content.
   */
  @Test
  void afterTheServerCameBackTheGatewayTakesItsCurrentStateEvenUnderTheSameRevisionNumber() throws Exception {
    int port = ProxyPlumbingTest.closedPort();
    List<String> sinces = new CopyOnWriteArrayList<>();
    Server first = fakeServer(port, 3, snapshot(3, "old-rules"), sinces);
    GatewaySettings settings = new GatewaySettings("127.0.0.1", 0, 80, -1,
        java.net.URI.create("http://127.0.0.1:" + port), null, null,
        Map.of("istio", "ingressgateway"), "inboard-gateway", "istio-system");
    try (InboardGateway gateway = InboardGateway.start(settings);
        TestClient client = new TestClient(gateway.port())) {
      org.awaitility.Awaitility.await().until(gateway::isReady);
      assertThat(client.get("user.example.com", "/").getContentAsString()).isEqualTo("old-rules");

      first.stop(); // the config server goes away ...
      Thread.sleep(1500); // ... the gateway fails to reach it a few times
      Server second = fakeServer(port, 3, snapshot(3, "new-rules"), sinces); // ... and comes back
      try {
        String secondKey = 3 + "/" + snapshot(3, "new-rules").hashCode();
        // The gateway is back in touch: it has watched the new server three times.
        try {
          org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(40))
              .until(() -> sinces.stream().filter(x -> x.startsWith(secondKey)).count() >= 3);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
          throw new AssertionError("the gateway did not watch the new server three times in 40 s; watch requests: "
              + sinces + "; the watch thread: " + watchThreadStack(), e);
        }
        assertThat(client.get("user.example.com", "/").getContentAsString()).as("watch requests: " + sinces)
            .isEqualTo("new-rules");
        assertThat(sinces.stream().filter(x -> x.startsWith(secondKey)).findFirst()).as("watch requests: " + sinces)
            .hasValue(secondKey + " since=-1");
      } finally {
        second.stop();
      }
    }
  }

  /** Where the gateway's watch thread is, for a failure message. */
  private static String watchThreadStack() {
    return Thread.getAllStackTraces().entrySet().stream()
        .filter(e -> e.getKey().getName().equals("inboard-gateway-watch"))
        .map(e -> java.util.Arrays.toString(e.getValue()))
        .findFirst().orElse("(not running)");
  }
}
