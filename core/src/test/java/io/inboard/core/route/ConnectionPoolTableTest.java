package io.inboard.core.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.breaker.LimitedDestination;
import io.inboard.core.mesh.Instance;
import io.inboard.core.model.ConnectionPoolSettings;
import io.inboard.core.snapshot.Snapshot;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which destinations of a snapshot carry a connectionPool, and the block in force for each. */
class ConnectionPoolTableTest {
  private static final String HOST = "user.default.svc.cluster.local";
  private static final List<Instance> INSTANCES = List.of(
      new Instance("user-v1", "user", "default", "127.0.0.1", 8001, Map.of("version", "v1")),
      new Instance("user-v2", "user", "default", "127.0.0.1", 8002, Map.of("version", "v2")));

  private static final String ROUTES = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: user, namespace: default}
      spec:
        hosts: [user]
        http:
        - match: [{headers: {v: {exact: "1"}}}]
          route: [{destination: {host: user, subset: v1}}]
        - route: [{destination: {host: user, subset: v2}}]
      ---
      """;

  @Test
  void eachDestinationCarriesItsSubsetsBlockOrTheTopLevelOne() {
    Snapshot s = Snapshot.compile(1, Fixtures.parse(ROUTES + """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: user, namespace: default}
        spec:
          host: user
          trafficPolicy: {connectionPool: {http: {http2MaxRequests: 5}}}
          subsets:
          - name: v1
            labels: {version: v1}
            trafficPolicy: {connectionPool: {http: {maxRetries: 1}}}
          - {name: v2, labels: {version: v2}}
        """).resources(), INSTANCES);
    RouteTable table = s.routeTable();
    assertThat(table.usesConnectionPool()).isTrue();
    assertThat(table.limitedDestinations()).extracting(LimitedDestination::subset)
        .containsExactlyInAnyOrder(null, "v1", "v2");
    ConnectionPoolSettings v1 = table.connectionPool(HOST, "v1");
    assertThat(v1.maxRetries()).isEqualTo(1);
    assertThat(v1.limitsRequests()).isFalse();
    assertThat(table.connectionPool(HOST, "v2").maxRequests()).isEqualTo(5);
    assertThat(table.connectionPool(HOST, null).maxRequests()).isEqualTo(5);
  }

  @Test
  void noConnectionPoolMeansNoLimitedDestination() {
    Snapshot s = Snapshot.compile(1, Fixtures.parse(ROUTES + """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: user, namespace: default}
        spec:
          host: user
          trafficPolicy: {connectionPool: {tcp: {maxConnections: 3}}}
          subsets:
          - {name: v1, labels: {version: v1}}
          - {name: v2, labels: {version: v2}}
        """).resources(), INSTANCES);
    // maxConnections alone bounds nothing: nothing to track.
    assertThat(s.routeTable().usesConnectionPool()).isFalse();
    assertThat(s.routeTable().connectionPool(HOST, "v1")).isNull();
  }
}
