package io.inboard.core.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.mesh.Instance;
import io.inboard.core.mesh.Workload;
import io.inboard.core.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Properties of weighted routing and the sticky canary (DESIGN.md, deliberate difference 1), over
 * fixed keys and seeds. Tolerances are stated per test.
 */
class StickyCanaryPropertiesTest {
  private static final Workload FRONTEND = new Workload("traffic-management", "frontend", Map.of());
  private static final int KEYS = 5000;

  private static List<Instance> userInstances(int v1, int v2) {
    List<Instance> out = new ArrayList<>();
    for (int i = 0; i < v1; i++) {
      out.add(new Instance("user-v1-" + i, "user", "traffic-management", "10.0.1." + i, 8080,
          Map.of("app", "user", "version", "v1")));
    }
    for (int i = 0; i < v2; i++) {
      out.add(new Instance("user-v2-" + i, "user", "traffic-management", "10.0.2." + i, 8080,
          Map.of("app", "user", "version", "v2")));
    }
    return out;
  }

  private static String rules(boolean hashed, int... weights) {
    StringBuilder b = new StringBuilder("""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: user, namespace: traffic-management}
        spec:
          host: user
        """);
    if (hashed) {
      b.append("  trafficPolicy: {loadBalancer: {consistentHash: {httpHeaderName: my-header}}}\n");
    }
    b.append("""
          subsets:
          - {name: v1, labels: {version: v1}}
          - {name: v2, labels: {version: v2}}
          - {name: v3, labels: {version: v2}}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: user, namespace: traffic-management}
        spec:
          hosts: [user]
          http:
          - route:
        """);
    for (int i = 0; i < weights.length; i++) {
      b.append("    - {destination: {host: user, subset: v").append(i + 1).append("}, weight: ")
          .append(weights[i]).append("}\n");
    }
    return b.toString();
  }

  private static DescribedRequest keyed(String key) {
    return DescribedRequest.of("GET", "http://user/").withHeader("my-header", key).from(FRONTEND);
  }

  private static String[] subsets(Snapshot snapshot, long seed) {
    Router router = new Router(snapshot, InFlight.NONE, new SplittableRandom(seed));
    String[] out = new String[KEYS];
    for (int k = 0; k < KEYS; k++) {
      out[k] = router.route(keyed("user-" + k)).destination().subset();
    }
    return out;
  }

  /** Tolerance: each share within 0.015 of its weight over 30 000 random decisions. */
  @Test
  void weightedSplitFollowsRelativeWeights() {
    Snapshot s = Fixtures.snapshotOf(rules(false, 6, 3, 1), userInstances(1, 1));
    Router router = new Router(s, InFlight.NONE, new SplittableRandom(7));
    Map<String, Integer> counts = new HashMap<>();
    int n = 30_000;
    DescribedRequest r = DescribedRequest.of("GET", "http://user/").from(FRONTEND);
    for (int i = 0; i < n; i++) {
      counts.merge(router.route(r).destination().subset(), 1, Integer::sum);
    }
    assertThat(counts.get("v1") / (double) n).isBetween(0.585, 0.615);
    assertThat(counts.get("v2") / (double) n).isBetween(0.285, 0.315);
    assertThat(counts.get("v3") / (double) n).isBetween(0.085, 0.115);
  }

  @Test
  void aKeyNeverChangesVersionWhileTheWeightsStay() {
    String yaml = rules(true, 90, 10);
    String[] first = subsets(Fixtures.snapshotOf(yaml, userInstances(2, 2)), 1);
    for (long seed = 2; seed < 5; seed++) {
      // A recompiled snapshot (as after any config change elsewhere) and other randomness.
      assertThat(subsets(Fixtures.snapshotOf(yaml, userInstances(2, 2)), seed)).containsExactly(first);
    }
  }

  /** Tolerance: the share of keys in the canary within 0.03 of its weight at every step. */
  @Test
  void rampingTheCanaryOnlyMovesKeysIntoIt() {
    int[][] steps = {{90, 10}, {80, 20}, {50, 50}, {0, 100}};
    String[] before = null;
    for (int[] w : steps) {
      String[] now = subsets(Fixtures.snapshotOf(rules(true, w), userInstances(2, 2)), 3);
      int inCanary = 0;
      for (int k = 0; k < KEYS; k++) {
        if (now[k].equals("v2")) {
          inCanary++;
        }
        if (before != null && before[k].equals("v2")) {
          assertThat(now[k]).as("key user-%d was in the canary before %s/%s", k, w[0], w[1]).isEqualTo("v2");
        }
      }
      assertThat(inCanary / (double) KEYS).as("canary share at %s/%s", w[0], w[1])
          .isBetween(w[1] / 100.0 - 0.03, w[1] / 100.0 + 0.03);
      before = now;
    }
  }

  /**
   * The subset is picked with another seed than the instance, so the keys that land in the canary
   * still spread over all its instances. Tolerance: each of 4 canary instances gets 15-35%.
   */
  @Test
  void keysInTheCanarySpreadOverAllItsInstances() {
    Snapshot s = Fixtures.snapshotOf(rules(true, 80, 20), userInstances(4, 4));
    Router router = new Router(s, InFlight.NONE, new SplittableRandom(1));
    Map<String, Integer> byInstance = new HashMap<>();
    int inCanary = 0;
    for (int k = 0; k < 20_000; k++) {
      Decision d = router.route(keyed("user-" + k));
      if (d.destination().subset().equals("v2")) {
        inCanary++;
        byInstance.merge(d.instance().id(), 1, Integer::sum);
      }
    }
    assertThat(byInstance).hasSize(4);
    for (int c : byInstance.values()) {
      assertThat(c / (double) inCanary).isBetween(0.15, 0.35);
    }
  }

  @Test
  void withoutTheKeyTheSubsetIsRandomByWeight() {
    Snapshot s = Fixtures.snapshotOf(rules(true, 50, 50), userInstances(1, 1));
    Router router = new Router(s, InFlight.NONE, new SplittableRandom(5));
    DescribedRequest r = DescribedRequest.of("GET", "http://user/").from(FRONTEND);
    int v2 = 0;
    for (int i = 0; i < 4000; i++) {
      v2 += router.route(r).destination().subset().equals("v2") ? 1 : 0;
    }
    assertThat(v2 / 4000.0).isBetween(0.46, 0.54);
  }
}
