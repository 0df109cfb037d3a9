package io.inboard.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.mesh.Instance;
import io.inboard.core.route.InFlight;
import io.inboard.core.snapshot.Snapshot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's slow start exists only once a rule sets a {@code warmup}, and it warms up the
 * instances that join a destination after the agent first knew it, not those it found there.
 */
class RoutingStateSlowStartTest {
  private static final String ORDERS = "orders.traffic-management.svc.cluster.local";

  @TempDir Path dir;

  private Snapshot read(String extra, long revision) throws Exception {
    return MeshFixtures.walkThroughWith(dir, extra, revision);
  }

  private static String orders(String instances) {
    return """
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: orders, namespace: traffic-management}
        spec:
          host: orders
          trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN, warmup: {duration: 60s}}}
        ---
        kind: Instances
        instances:
        """ + instances;
  }

  private static String instance(int n) {
    return "- {id: orders-" + n + ", service: orders, namespace: traffic-management, address: 127.0.0.1, port: "
        + (18090 + n) + "}\n";
  }

  @Test
  void noSlowStartUntilARuleSetsAWarmupThenOnlyJoiningInstancesWarm() throws Exception {
    RoutingState state = new RoutingState(Set.of(), InFlight.NONE, Duration.ZERO);
    state.apply(read("", 1), null, "test");
    assertThat(state.slowStart()).as("the walk-through rules set no warmup").isNull();
    assertThat(state.read().router().route(MeshFixtures.userCall(Map.of())).instance()).isNotNull();

    state.apply(read(orders(instance(1)), 2), null, "test");
    assertThat(state.slowStart()).isNotNull();
    var orders = state.slowStart().destination(ORDERS, null, 0);
    assertThat(orders.anyWarming(orders.now())).as("orders-1 was there when the agent first knew orders").isFalse();

    state.apply(read(orders(instance(1) + instance(2)), 3), null, "test");
    orders = state.slowStart().destination(ORDERS, null, 0);
    assertThat(orders.anyWarming(orders.now())).isTrue();
    Instance joined = state.read().snapshot().instances().stream()
        .filter(i -> i.id().equals("orders-2")).findFirst().orElseThrow();
    Instance first = state.read().snapshot().instances().stream()
        .filter(i -> i.id().equals("orders-1")).findFirst().orElseThrow();
    assertThat(orders.factor(joined, orders.now())).as("orders-2 joined: a 60 s warm-up").isBetween(0.1, 0.99);
    assertThat(orders.factor(first, orders.now())).isEqualTo(1);
  }
}
