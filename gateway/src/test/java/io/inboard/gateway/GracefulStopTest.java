package io.inboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.snapshot.Snapshot;
import java.net.ConnectException;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.http.HttpHeader;
import org.junit.jupiter.api.Test;

/** Stopping the gateway (SIGTERM in a rolling update) lets the requests in flight finish. */
class GracefulStopTest {
  @Test
  void aRequestInFlightWhenTheGatewayStopsStillGetsItsAnswer() throws Exception {
    try (EchoUpstream v1 = new EchoUpstream("user-v1", Map.of("version", "v1"))) {
      GatewaySettings settings = new GatewaySettings("127.0.0.1", 0, 80, -1, null, null, null,
          Map.of("istio", "ingressgateway"), "inboard-gateway", "istio-system");
      InboardGateway gateway = InboardGateway.start(settings, new ProxyPlumbingTest.FixedSource());
      gateway.use(new GatewayRoutes(Snapshot.EMPTY,
          VirtualHostsTest.compileFor("user.example.com"),
          view -> ProxyPlumbingTest.route(v1, ProxyPlumbingTest.actions().build())));
      try (TestClient client = new TestClient(gateway.port())) {
        CompletableFuture<ContentResponse> slow =
            new CompletableResponseListener(client.request("user.example.com", "/slow?ms=1500")).send();
        org.awaitility.Awaitility.await().until(() -> v1.requests.get() == 1);

        long start = System.nanoTime();
        gateway.close();
        long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        ContentResponse response = slow.get(30, TimeUnit.SECONDS);
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(TestClient.echo(response)).containsEntry("instance", "user-v1");
        assertThat(stopMillis).as("stop waited for the request").isGreaterThan(300);
      }
    }
  }

  /**
   * Envoy drains as well: requests on connections already open are served during the drain, their
   * answers with {@code Connection: close}; only new connections are refused.
   */
  @Test
  void aRequestOnAKeptAliveConnectionDuringTheDrainIsServedWithConnectionClose() throws Exception {
    try (EchoUpstream v1 = new EchoUpstream("user-v1", Map.of("version", "v1"))) {
      GatewaySettings settings = new GatewaySettings("127.0.0.1", 0, 80, -1, null, null, null,
          Map.of("istio", "ingressgateway"), "inboard-gateway", "istio-system");
      InboardGateway gateway = InboardGateway.start(settings, new ProxyPlumbingTest.FixedSource());
      int port = gateway.port();
      gateway.use(new GatewayRoutes(Snapshot.EMPTY,
          VirtualHostsTest.compileFor("user.example.com"),
          view -> ProxyPlumbingTest.route(v1, ProxyPlumbingTest.actions().build())));
      try (TestClient client = new TestClient(port)) {
        // One connection busy with a slow request, a second one open and idle (keep-alive).
        CompletableFuture<ContentResponse> slow =
            new CompletableResponseListener(client.request("user.example.com", "/slow?ms=2000")).send();
        org.awaitility.Awaitility.await().until(() -> v1.requests.get() == 1);
        ContentResponse before = client.get("user.example.com", "/");
        assertThat(before.getStatus()).isEqualTo(200);
        assertThat(before.getHeaders().get(HttpHeader.CONNECTION)).isNull();

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> {
          try {
            gateway.close();
          } catch (Exception e) {
            throw new RuntimeException(e);
          }
        });
        Thread.sleep(300); // the gateway is draining: the slow request is still in flight
        ContentResponse during = client.request("user.example.com", "/").timeout(5, TimeUnit.SECONDS).send();
        boolean newConnectionAccepted;
        try (Socket socket = new Socket("127.0.0.1", port)) {
          newConnectionAccepted = true;
        } catch (ConnectException refused) {
          newConnectionAccepted = false;
        }

        assertThat(slow.get(30, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
        stopping.get(30, TimeUnit.SECONDS);
        assertThat(during.getStatus()).as(during.getContentAsString()).isEqualTo(200);
        assertThat(TestClient.echo(during)).containsEntry("instance", "user-v1");
        assertThat(during.getHeaders().get(HttpHeader.CONNECTION)).isEqualToIgnoringCase("close");
        assertThat(newConnectionAccepted).as("a new connection during the drain").isFalse();
      }
    }
  }
}
