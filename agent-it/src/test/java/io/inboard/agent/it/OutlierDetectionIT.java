package io.inboard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Outlier detection in a service running with the agent: of two {@code user} instances one answers
 * 503; after its second 503 in a row no client of the service calls it any more, and the ejection
 * is logged and counted on the admin endpoint.
 */
class OutlierDetectionIT {
  static final String RULES =
      """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: user, namespace: traffic-management}
      spec:
        host: user
        trafficPolicy:
          loadBalancer: {simple: ROUND_ROBIN}
          outlierDetection: {consecutive5xxErrors: 2, baseEjectionTime: 120s, maxEjectionPercent: 50}
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
  private static EchoServer good;
  private static EchoServer bad;

  @BeforeAll
  static void startUser() throws Exception {
    good = new EchoServer("v1", "user-good");
    bad = new EchoServer("v1", "user-bad", 503);
  }

  @AfterAll
  static void stopUser() throws Exception {
    good.close();
    bad.close();
  }

  static List<Jdks.Jdk> runtimes() {
    return Jdks.available();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runtimes")
  void anInstanceAnswering503IsEjectedForEveryClientOfTheService(Jdks.Jdk jdk) throws Exception {
    int adminPort;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      adminPort = free.getLocalPort();
    }
    Path rules = MeshFile.empty().with(RULES).instances("user", "traffic-management", good, bad)
        .write(dir, "outliers-" + jdk + ".yaml");
    Map<String, String> options = Map.of(
        "inboard.service", "front",
        "inboard.namespace", "traffic-management",
        "inboard.config", rules.toString(),
        "inboard.admin-port", Integer.toString(adminPort));
    try (ForkedService service = ForkedService.start("outliers", jdk, "jetty", options, ForkedService.CLASSPATH)) {
      // Round robin: the bad instance gets every other call until its second 503.
      List<CallResult> first = ServiceCalls.call(service, "okhttp", "request", 10, "http://user/echo", Map.of());
      assertThat(first.stream().filter(c -> c.status() == 503)).as(first.toString()).hasSize(2);
      assertThat(first.subList(4, 10)).as(first.toString())
          .allSatisfy(c -> assertThat(c.instance()).isEqualTo("user-good"));

      // Ejected for this service as a whole: the other clients do not call it either.
      for (String client : List.of("okhttp-async", "jdk", "jdk-async", "huc")) {
        List<CallResult> calls = ServiceCalls.call(service, client, "request", 4, "http://user/echo", Map.of());
        assertThat(calls).as(client + ": " + calls)
            .allSatisfy(c -> assertThat(c.instance()).as(c.line()).isEqualTo("user-good"));
      }

      String metrics = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/metrics"))
              .timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertThat(metrics).as(metrics).contains("inboard_outlier_ejections_total{cause=\"consecutive_5xx\","
          + "destination_service=\"user.traffic-management.svc.cluster.local\",destination_subset=\"\"} 1");
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (!service.output().contains("outlier detection ejected instance user-bad") && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(service.output()).contains("outlier detection ejected instance user-bad");
    }
  }
}
