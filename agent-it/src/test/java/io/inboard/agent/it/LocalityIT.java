package io.inboard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Locality failover in a service running with the agent: its own {@code labels} put it in zone
 * us-east-1a; its calls go to the instance of its zone until outlier detection ejects it (it answers
 * 503), then to the instance of its region, never to the one in another region.
 */
class LocalityIT {
  static final String RULES =
      """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: user, namespace: traffic-management}
      spec:
        host: user
        trafficPolicy:
          loadBalancer: {simple: ROUND_ROBIN}
          outlierDetection: {consecutive5xxErrors: 2, baseEjectionTime: 120s, maxEjectionPercent: 100}
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
  private static EchoServer local;
  private static EchoServer sameRegion;
  private static EchoServer farAway;

  @BeforeAll
  static void startUser() throws Exception {
    local = new EchoServer("v1", "user-1a", 503);
    sameRegion = new EchoServer("v1", "user-1b");
    farAway = new EchoServer("v1", "user-eu");
  }

  @AfterAll
  static void stopUser() throws Exception {
    local.close();
    sameRegion.close();
    farAway.close();
  }

  static List<Jdks.Jdk> runtimes() {
    return Jdks.available();
  }

  private static String instance(EchoServer server, String region, String zone) {
    return "- {id: " + server.instance + ", service: user, namespace: traffic-management, address: 127.0.0.1, port: "
        + server.port() + ", labels: {app: user, topology.kubernetes.io/region: " + region
        + ", topology.kubernetes.io/zone: " + zone + "}}\n";
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runtimes")
  void callsStayInTheServicesZoneThenFailOverWithinItsRegion(Jdks.Jdk jdk) throws Exception {
    Path rules = MeshFile.empty().with(RULES).with("kind: Instances\ninstances:\n"
        + instance(local, "us-east", "us-east-1a") + instance(sameRegion, "us-east", "us-east-1b")
        + instance(farAway, "eu-west", "eu-west-1a")).write(dir, "locality-" + jdk + ".yaml");
    Map<String, String> options = Map.of(
        "inboard.service", "front",
        "inboard.namespace", "traffic-management",
        "inboard.labels", "app=front,topology.kubernetes.io/region=us-east,topology.kubernetes.io/zone=us-east-1a",
        "inboard.config", rules.toString());
    try (ForkedService service = ForkedService.start("locality", jdk, "jetty", options, ForkedService.CLASSPATH)) {
      List<CallResult> calls = ServiceCalls.call(service, "okhttp", "request", 10, "http://user/echo", Map.of());
      // Round robin over the three would reach user-eu; the zone's instance takes every call until
      // its second 503 ejects it, then the region's.
      assertThat(calls.subList(0, 2)).as(calls.toString())
          .allSatisfy(c -> assertThat(c.status()).as(c.line()).isEqualTo(503));
      assertThat(calls.subList(2, 10)).as(calls.toString())
          .allSatisfy(c -> assertThat(c.instance()).as(c.line()).isEqualTo("user-1b"));
      List<CallResult> jdkCalls = ServiceCalls.call(service, "jdk", "request", 4, "http://user/echo", Map.of());
      assertThat(jdkCalls).as(jdkCalls.toString())
          .allSatisfy(c -> assertThat(c.instance()).as(c.line()).isEqualTo("user-1b"));
    }
  }
}
