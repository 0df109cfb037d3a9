package io.inboard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A DestinationRule's {@code connectionPool} in a service running with the agent: while one call to
 * {@code user} is in flight ({@code http2MaxRequests: 1}), every other call of the service, through
 * each routed client, gets a 503 at once instead of an exception, and once the call is over they
 * are served again; the overflows are counted on the admin endpoint.
 */
class ConnectionPoolIT {
  static final String RULES =
      """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: user, namespace: traffic-management}
      spec:
        host: user
        trafficPolicy:
          connectionPool: {http: {http2MaxRequests: 1}}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: user, namespace: traffic-management}
      spec:
        hosts: [user]
        http:
        - route:
          - destination: {host: user}
          retries: {attempts: 0}
      """;

  @TempDir static Path dir;
  private static EchoServer user;

  @BeforeAll
  static void startUser() throws Exception {
    user = new EchoServer("v1", "user-1");
  }

  @AfterAll
  static void stopUser() throws Exception {
    user.close();
  }

  static List<Jdks.Jdk> runtimes() {
    return Jdks.available();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runtimes")
  void callsBeyondTheLimitGetA503AtOnceFromEveryRoutedClient(Jdks.Jdk jdk) throws Exception {
    int adminPort = ServiceCalls.freePort();
    Path rules = MeshFile.empty().with(RULES).instances("user", "traffic-management", user)
        .write(dir, "pool-" + jdk + ".yaml");
    Map<String, String> options = Map.of(
        "inboard.service", "front",
        "inboard.namespace", "traffic-management",
        "inboard.config", rules.toString(),
        "inboard.admin-port", Integer.toString(adminPort));
    try (ForkedService service = ForkedService.start("pool", jdk, "jetty", options, ForkedService.CLASSPATH)) {
      List<String> clients = List.of("okhttp", "okhttp-async", "jdk", "jdk-async");
      CompletableFuture<List<CallResult>> held = CompletableFuture.supplyAsync(() -> {
        try {
          return ServiceCalls.call(service, "okhttp", "request", 1, "http://user/echo?delay=4000", Map.of());
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      Thread.sleep(1_000); // the held call is in flight by now
      for (String client : clients) {
        long start = System.nanoTime();
        List<CallResult> calls = ServiceCalls.call(service, client, "request", 2, "http://user/echo", Map.of());
        assertThat(calls).as(client + ": " + calls).allSatisfy(c -> {
          assertThat(c.error()).as(c.line()).isNull();
          assertThat(c.status()).as(c.line()).isEqualTo(503);
        });
        assertThat((System.nanoTime() - start) / 1_000_000).as(client + " answered at once").isLessThan(2_000);
      }
      assertThat(held.get()).singleElement().satisfies(c -> assertThat(c.status()).as(c.line()).isEqualTo(200));
      for (String client : clients) {
        List<CallResult> calls = ServiceCalls.call(service, client, "request", 2, "http://user/echo", Map.of());
        assertThat(calls).as(client + ": " + calls).allSatisfy(c -> assertThat(c.status()).isEqualTo(200));
      }
      String metrics = ServiceCalls.metrics(adminPort);
      assertThat(metrics).as(metrics).contains("inboard_connection_pool_overflow_total{destination_service="
          + "\"user.traffic-management.svc.cluster.local\",destination_subset=\"\",limit=\"requests\"} 8");
      assertThat(metrics).contains("response_flags=\"UO\"");
    }
  }
}
