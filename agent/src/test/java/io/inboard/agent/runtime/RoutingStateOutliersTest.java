package io.inboard.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.route.Decision;
import io.inboard.core.route.InFlight;
import io.inboard.core.snapshot.Snapshot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's outlier detection exists only once a rule sets {@code outlierDetection}: the
 * walk-through rules route without it, and destinations without it are not tracked.
 */
class RoutingStateOutliersTest {
  @TempDir Path dir;

  private Snapshot read(String extra, long revision) throws Exception {
    return MeshFixtures.walkThroughWith(dir, extra, revision);
  }

  @Test
  void noDetectorUntilARuleSetsOutlierDetectionAndNoneConsultedAfterItGoes() throws Exception {
    RoutingState state = new RoutingState(Set.of(), InFlight.NONE, Duration.ZERO);
    Snapshot walkThrough = read("", 1);
    state.apply(walkThrough, null, "test");
    assertThat(state.outliers()).as("the walk-through rules set no outlierDetection").isNull();
    assertThat(state.read().router().route(MeshFixtures.userCall(Map.of())).instance()).isNotNull();

    Snapshot withOutliers = read("""
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: orders, namespace: traffic-management}
        spec:
          host: orders
          trafficPolicy: {outlierDetection: {consecutive5xxErrors: 3}}
        ---
        kind: Instances
        instances:
        - {id: orders-1, service: orders, namespace: traffic-management, address: 127.0.0.1, port: 18090}
        """, 2);
    state.apply(withOutliers, null, "test");
    assertThat(state.outliers()).isNotNull();
    assertThat(state.outliers().destination("orders.traffic-management.svc.cluster.local", null)).isNotNull();
    Decision user = state.read().router().route(MeshFixtures.userCall(Map.of()));
    assertThat(state.outliers().destination(user.destination().host(), user.destination().subset()))
        .as("user's DestinationRule sets none").isNull();

    state.apply(walkThrough, null, "test");
    assertThat(state.outliers().destination("orders.traffic-management.svc.cluster.local", null))
        .as("dropped with its rule").isNull();
  }
}
