package io.inboard.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.breaker.DestinationLimits;
import io.inboard.core.route.InFlight;
import io.inboard.core.snapshot.Snapshot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's circuit breakers exist only once a rule sets a {@code connectionPool}, keep the calls
 * in flight through a rules change, and drop a destination whose rule no longer sets one.
 */
class RoutingStateBreakersTest {
  private static final String ORDERS = "orders.traffic-management.svc.cluster.local";

  @TempDir Path dir;

  private Snapshot read(String extra, long revision) throws Exception {
    return MeshFixtures.walkThroughWith(dir, extra, revision);
  }

  private static String orders(String connectionPool) {
    return """
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: orders, namespace: traffic-management}
        spec:
          host: orders
          trafficPolicy: {connectionPool: %s}
        ---
        kind: Instances
        instances:
        - {id: orders-1, service: orders, namespace: traffic-management, address: 127.0.0.1, port: 18090}
        """.formatted(connectionPool);
  }

  @Test
  void noBreakersUntilARuleSetsAConnectionPoolAndCountsSurviveAChange() throws Exception {
    RoutingState state = new RoutingState(Set.of(), InFlight.NONE, Duration.ZERO);
    Snapshot walkThrough = read("", 1);
    state.apply(walkThrough, null, "test");
    assertThat(state.breakers()).as("the walk-through rules set no connectionPool").isNull();

    state.apply(read(orders("{http: {http2MaxRequests: 1}}"), 2), null, "test");
    DestinationLimits limits = state.breakers().destination(ORDERS, null);
    assertThat(limits.tryStartRequest()).isTrue();
    assertThat(limits.tryStartRequest()).isFalse();

    state.apply(read(orders("{http: {http2MaxRequests: 2}}"), 3), null, "test");
    assertThat(state.breakers().destination(ORDERS, null)).as("kept, with its call in flight").isSameAs(limits);
    assertThat(limits.tryStartRequest()).as("the new limit").isTrue();

    state.apply(walkThrough, null, "test");
    assertThat(state.breakers().destination(ORDERS, null)).as("dropped with its rule").isNull();
  }
}
