package io.inboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.snapshot.Snapshot;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.Test;

/** Stopping the gateway (SIGTERM in a rolling update) lets the requests in flight finish. */
class GracefulStopTest {
  @Test
  void aRequestInFlightWhenTheGatewayStopsStillGetsItsAnswer() throws Exception {
    try (EchoUpstream v1 = new EchoUpstream("user-v1", Map.of("version", "v1"))) {
      GatewaySettings settings = new GatewaySettings("127.0.0.1", 0, -1, null, null, null,
          Map.of("istio", "ingressgateway"), "inboard-gateway", "istio-system");
      InboardGateway gateway = InboardGateway.start(settings, new ProxyPlumbingTest.FixedSource());
      gateway.use(new GatewayRoutes(Snapshot.EMPTY,
          VirtualHosts.compile(List.of(VirtualHostsTest.gateway("ns", "gw", Map.of(), "user.example.com")), Map.of()),
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
}
