package io.inboard.core.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.breaker.CircuitBreakers;
import io.inboard.core.breaker.LimitedDestination;
import io.inboard.core.health.OutlierDetector;
import io.inboard.core.health.TrackedDestination;
import io.inboard.core.mesh.Instance;
import io.inboard.core.snapshot.Snapshot;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The pools, circuit breakers and outlier-detection state that {@code portLevelSettings} give a
 * port of their own, and that a destination without them keeps one pool for every port.
 */
class PortLevelPoolsTest {
  private static final String HOST = "user.default.svc.cluster.local";
  private static final List<Instance> INSTANCES = List.of(
      new Instance("user-1", "user", "default", "127.0.0.1", 8001, Map.of("version", "v1")),
      new Instance("user-2", "user", "default", "127.0.0.1", 8002, Map.of("version", "v1")));

  private static Snapshot snapshot(String trafficPolicy) {
    return Snapshot.compile(1, Fixtures.parse("""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: user, namespace: default}
        spec:
          host: user
          trafficPolicy: %s
          subsets:
          - {name: v1, labels: {version: v1}}
        """.formatted(trafficPolicy)).resources(), INSTANCES);
  }

  private static DescribedRequest to(String url) {
    return DescribedRequest.of("GET", url).from(new io.inboard.core.mesh.Workload("default", "web", Map.of()));
  }

  @Test
  void withoutPortLevelSettingsThereIsOnePoolForEveryPort() {
    RouteTable table = snapshot("{loadBalancer: {simple: RANDOM}, connectionPool: {http: {http2MaxRequests: 3}}}")
        .routeTable();
    assertThat(table.lookup(HOST, null).defaultPool().portPools).isNull();
    assertThat(table.limitedDestinations()).extracting(LimitedDestination::port).containsOnly(0);
  }

  @Test
  void aPortWithItsOwnLimitsAndDetectionIsKeptApart() {
    Snapshot s = snapshot("""
        {connectionPool: {http: {http2MaxRequests: 3}},
         portLevelSettings: [{port: {number: 9080}, connectionPool: {http: {http2MaxRequests: 1}},
                              outlierDetection: {consecutive5xxErrors: 1}}]}""");
    RouteTable table = s.routeTable();
    assertThat(table.limitedDestinations()).contains(
        new LimitedDestination(HOST, null, 0, table.connectionPool(HOST, null)),
        new LimitedDestination(HOST, null, 9080, table.connectionPool(HOST, null, 9080)));
    assertThat(table.connectionPool(HOST, null).maxRequests()).isEqualTo(3);
    assertThat(table.connectionPool(HOST, null, 9080).maxRequests()).isEqualTo(1);
    // Only port 9080 has outlier detection.
    assertThat(table.trackedDestinations()).extracting(TrackedDestination::port).containsOnly(9080);

    List<String> overflows = new java.util.ArrayList<>();
    CircuitBreakers breakers = new CircuitBreakers(o -> overflows.add(o.describe()));
    breakers.apply(table.limitedDestinations());
    assertThat(breakers.destination(HOST, null, 9080)).isNotSameAs(breakers.destination(HOST, null, 0));
    assertThat(breakers.destination(HOST, null, 9080).settings().maxRequests()).isEqualTo(1);
    assertThat(breakers.destination(HOST, null, 8080)).isNull();
    assertThat(breakers.destination(HOST, null, 9080).tryStartRequest()).isTrue();
    assertThat(breakers.destination(HOST, null, 9080).tryStartRequest()).isFalse();
    assertThat(breakers.destination(HOST, null, 0).tryStartRequest()).as("the destination's own limit").isTrue();
    assertThat(overflows).singleElement().asString().startsWith("connectionPool of " + HOST + " port 9080 "
        + "(portLevelSettings): a request beyond 1 requests in flight");

    List<String> ejections = new java.util.ArrayList<>();
    OutlierDetector detector = new OutlierDetector(e -> ejections.add(e.describe()));
    detector.apply(table.trackedDestinations());
    Router router = new Router(s, InFlight.NONE, new SplittableRandom(3), detector);
    Decision first = router.route(to("http://user:9080/"));
    assertThat(first.destination().policyPort()).isEqualTo(9080);
    Instance failed = first.instance();
    detector.tried(HOST, null, 9080, failed, 503);
    assertThat(ejections).singleElement().asString()
        .contains("of " + HOST + " port 9080 (portLevelSettings) for 30000 ms");
    // Ejected from port 9080's pool, still chosen for other ports.
    Set<String> at9080 = new HashSet<>();
    Set<String> elsewhere = new HashSet<>();
    for (int i = 0; i < 40; i++) {
      at9080.add(router.route(to("http://user:9080/")).instance().id());
      Decision other = router.route(to("http://user:8080/"));
      assertThat(other.destination().policyPort()).isZero();
      elsewhere.add(other.instance().id());
    }
    assertThat(at9080).doesNotContain(failed.id());
    assertThat(elsewhere).contains(failed.id());
  }
}
