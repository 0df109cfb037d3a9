package io.inboard.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.mesh.Instance;
import io.inboard.core.mesh.Workload;
import io.inboard.core.parse.ResourceParser;
import io.inboard.core.route.Decision;
import io.inboard.core.route.DescribedRequest;
import io.inboard.core.route.InFlight;
import io.inboard.core.snapshot.Snapshot;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The agent routes through its own workload's view of each snapshot, compiled when the snapshot is put in
 * force: a VirtualService exported to another namespace only is not used, and the DestinationRule is the one
 * Istio would give a proxy of the agent's namespace and labels.
 */
class RoutingStateViewTest {
  private static final String RULES = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: user, namespace: traffic-management}
      spec:
        hosts: [user]
        exportTo: ["."]
        http:
        - route: [{destination: {host: user, subset: v1}}]
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: user, namespace: traffic-management}
      spec:
        host: user
        subsets:
        - {name: v1, labels: {version: v1}}
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: user-for-canary-callers, namespace: shop}
      spec:
        host: user.traffic-management.svc.cluster.local
        workloadSelector: {matchLabels: {track: canary}}
        trafficPolicy: {loadBalancer: {consistentHash: {httpHeaderName: x-user}}}
      """;

  private static final List<Instance> INSTANCES = List.of(
      new Instance("user-v1", "user", "traffic-management", "127.0.0.1", 18081, Map.of("version", "v1")),
      new Instance("user-v2", "user", "traffic-management", "127.0.0.1", 18082, Map.of("version", "v2")));

  private static Decision call(Workload self, Map<String, String> headers) {
    RoutingState state = new RoutingState(self, Set.of(), InFlight.NONE, Duration.ZERO, e -> {}, o -> {});
    state.apply(Snapshot.compile(1, ResourceParser.parse(RULES).resources(), INSTANCES), null, "test");
    DescribedRequest request = DescribedRequest.of("GET", "http://user.traffic-management/");
    for (Map.Entry<String, String> h : headers.entrySet()) {
      request = request.withHeader(h.getKey(), h.getValue());
    }
    return state.read().router().route(request.from(self));
  }

  @Test
  void aCallerInTheVirtualServicesNamespaceRoutesByIt() {
    Decision d = call(new Workload("traffic-management", "front", Map.of()), Map.of());
    assertThat(d.matched().virtualService()).isEqualTo("traffic-management/user");
    assertThat(d.instance().id()).isEqualTo("user-v1");
  }

  @Test
  void aCallerElsewhereDoesNotSeeAVirtualServiceKeptToItsNamespace() {
    Decision d = call(new Workload("shop", "front", Map.of()), Map.of());
    assertThat(d.matched()).isNull();
    assertThat(d.hashKey()).as("no selector of shop's selects it").isNull();
  }

  @Test
  void aSelectedCallerTakesItsNamespacesRule() {
    Decision d = call(new Workload("shop", "front", Map.of("track", "canary")), Map.of("x-user", "alice"));
    assertThat(d.hashKey()).isEqualTo("header x-user=alice");
  }
}
