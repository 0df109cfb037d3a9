package io.inboard.core.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.health.DestinationOutliers;
import io.inboard.core.health.OutlierDetector;
import io.inboard.core.mesh.Instance;
import io.inboard.core.mesh.Workload;
import io.inboard.core.snapshot.Snapshot;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@code outlierDetection.minHealthPercent}, Envoy's panic threshold: while the share of instances
 * not ejected is below it, the balancer picks among all of them, ejected or not.
 */
class PanicThresholdTest {
  private static final Workload FRONTEND = new Workload("default", "frontend", Map.of());
  private static final String HOST = "user.default.svc.cluster.local";

  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final OutlierDetector detector = new OutlierDetector(clock::get, e -> {});

  private static String rule(String loadBalancer, int minHealthPercent) {
    return """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: user, namespace: default}
        spec:
          host: user
          trafficPolicy:
            loadBalancer: %s
            outlierDetection: {consecutive5xxErrors: 1, maxEjectionPercent: 100, minHealthPercent: %d}
        """.formatted(loadBalancer, minHealthPercent);
  }

  private static List<Instance> instances(int n) {
    return Fixtures.users(n);
  }

  private Router router(String loadBalancer, int minHealthPercent, int instances) {
    Snapshot snapshot = Fixtures.snapshotOf(rule(loadBalancer, minHealthPercent), instances(instances));
    detector.apply(snapshot.routeTable().trackedDestinations());
    return new Router(snapshot, InFlight.NONE, new SplittableRandom(11), detector);
  }

  private void eject(int... which) {
    DestinationOutliers d = detector.destination(HOST, null);
    for (int i : which) {
      Instance instance = instances(10).get(i);
      d.tried(instance, 500);
      assertThat(d.isEjected(instance)).isTrue();
    }
  }

  private static DescribedRequest get() {
    return DescribedRequest.of("GET", "http://user/").from(FRONTEND);
  }

  private static Set<String> picked(Router router, int times) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < times; i++) {
      Decision d = router.route(get());
      assertThat(d.outcome()).isEqualTo(Decision.Outcome.ROUTE);
      seen.add(d.instance().id());
    }
    return seen;
  }

  @Test
  void atOrAboveTheThresholdEjectedInstancesAreLeftOut() {
    Router router = router("{simple: ROUND_ROBIN}", 50, 4);
    eject(0, 1);
    // 2 of 4 healthy is 50%: not below the threshold.
    assertThat(picked(router, 40)).containsExactlyInAnyOrder("user-2", "user-3");
  }

  @Test
  void belowTheThresholdEveryInstanceIsPickedEjectedOrNot() {
    for (String lb : List.of("{simple: ROUND_ROBIN}", "{simple: LEAST_REQUEST}", "{simple: RANDOM}")) {
      OutlierDetector own = new OutlierDetector(clock::get, e -> {});
      Snapshot snapshot = Fixtures.snapshotOf(rule(lb, 50), instances(4));
      own.apply(snapshot.routeTable().trackedDestinations());
      Router router = new Router(snapshot, InFlight.NONE, new SplittableRandom(11), own);
      DestinationOutliers d = own.destination(HOST, null);
      for (int i = 0; i < 3; i++) {
        d.tried(snapshot.instances().get(i), 500);
      }
      // 1 of 4 healthy is 25%, below 50%: panic.
      assertThat(picked(router, 200)).as(lb).containsExactlyInAnyOrder("user-0", "user-1", "user-2", "user-3");
    }
  }

  @Test
  void everyInstanceEjectedWithAThresholdPanicsInsteadOfAnswering503() {
    Router router = router("{simple: ROUND_ROBIN}", 1, 2);
    eject(0, 1);
    assertThat(picked(router, 10)).containsExactlyInAnyOrder("user-0", "user-1");
    Decision explained = router.explain(get());
    assertThat(explained.trace()).anySatisfy(t -> assertThat(t)
        .startsWith("outlier detection has ejected every instance of " + HOST + " (user-0 for ")
        .endsWith("; 0 of 2 healthy is below minHealthPercent 1%: choosing among all of them (panic)"));
  }

  @Test
  void aThresholdOf100PanicsAtTheFirstEjection() {
    Router router = router("{simple: ROUND_ROBIN}", 100, 3);
    eject(0);
    assertThat(picked(router, 30)).contains("user-0");
    Decision explained = router.explain(get());
    assertThat(explained.trace()).anySatisfy(t -> assertThat(t)
        .startsWith("outlier detection has ejected 1 of 3 instance(s) of " + HOST)
        .endsWith("; 2 of 3 healthy is below minHealthPercent 100%: choosing among all of them (panic)"));
  }

  @Test
  void inPanicConsistentHashingKeepsEachKeyOnItsOwnInstance() {
    Router router = router("{consistentHash: {httpHeaderName: x-user}}", 60, 2);
    Map<String, String> before = new HashMap<>();
    for (int k = 0; k < 100; k++) {
      before.put("k" + k, router.route(get().withHeader("x-user", "k" + k)).instance().id());
    }
    eject(0);
    // 1 of 2 healthy is 50%, below 60%: the ring is used as if nothing were ejected.
    for (int k = 0; k < 100; k++) {
      assertThat(router.route(get().withHeader("x-user", "k" + k)).instance().id()).isEqualTo(before.get("k" + k));
    }
  }

  @Test
  void withoutPanicConsistentHashingMovesTheEjectedInstancesKeysAndAllEjectedIs503() {
    Router router = router("{consistentHash: {httpHeaderName: x-user}}", 0, 2);
    eject(0);
    for (int k = 0; k < 50; k++) {
      assertThat(router.route(get().withHeader("x-user", "k" + k)).instance().id()).isEqualTo("user-1");
    }
    eject(1);
    Decision d = router.route(get().withHeader("x-user", "k1"));
    assertThat(d.outcome()).isEqualTo(Decision.Outcome.NO_INSTANCE);
    assertThat(d.status()).isEqualTo(503);
  }
}
