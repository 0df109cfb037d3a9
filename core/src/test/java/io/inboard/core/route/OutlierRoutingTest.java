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

/** How the router leaves ejected instances out, and that it does nothing extra without outlierDetection. */
class OutlierRoutingTest {
  private static final Workload FRONTEND = new Workload("default", "frontend", Map.of());
  private static final String HOST = "user.default.svc.cluster.local";

  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final OutlierDetector detector = new OutlierDetector(clock::get, e -> {});

  private static String rule(String loadBalancer) {
    return """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: user, namespace: default}
        spec:
          host: user
          trafficPolicy:
            loadBalancer: %s
            outlierDetection: {consecutive5xxErrors: 2, baseEjectionTime: 30s, maxEjectionPercent: 50}
          subsets:
          - {name: v1, labels: {version: v1}}
          - name: v2
            labels: {version: v2}
            trafficPolicy: {outlierDetection: {consecutive5xxErrors: 1, maxEjectionPercent: 100}}
        """.formatted(loadBalancer);
  }

  private static final String SUBSET_ROUTE = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: user, namespace: default}
      spec:
        hosts: [user]
        http:
        - match: [{headers: {version: {exact: v2}}}]
          route: [{destination: {host: user, subset: v2}}]
        - route: [{destination: {host: user}}]
      """;

  private static List<Instance> instances(int v1, int v2) {
    List<Instance> all = new java.util.ArrayList<>();
    for (int i = 0; i < v1; i++) {
      all.add(new Instance("user-v1-" + i, "user", "default", "127.0.0.1", 8000 + i, Map.of("version", "v1")));
    }
    for (int i = 0; i < v2; i++) {
      all.add(new Instance("user-v2-" + i, "user", "default", "127.0.0.1", 9000 + i, Map.of("version", "v2")));
    }
    return all;
  }

  private Router router(Snapshot snapshot) {
    detector.apply(snapshot.routeTable().trackedDestinations());
    return new Router(snapshot, InFlight.NONE, new SplittableRandom(7), detector);
  }

  /** Reports a try of {@code decision}'s call to {@code instance}, as the agent and the gateway do. */
  private void tried(Decision decision, Instance instance, int status) {
    detector.tried(decision.destination().host(), decision.destination().subset(), instance, status);
  }

  private DestinationOutliers of(Decision decision) {
    return detector.destination(decision.destination().host(), decision.destination().subset());
  }

  private static DescribedRequest get() {
    return DescribedRequest.of("GET", "http://user/").from(FRONTEND);
  }

  @Test
  void roundRobinSkipsAnEjectedInstanceUntilItComesBack() {
    Router router = router(Fixtures.snapshotOf(rule("{simple: ROUND_ROBIN}") + "---\n" + SUBSET_ROUTE, instances(3, 0)));
    Decision first = router.route(get());
    assertThat(of(first)).isNotNull();
    Instance bad = first.instance();
    tried(first, bad, 503);
    tried(first, bad, 503);

    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 30; i++) {
      seen.add(router.route(get()).instance().id());
    }
    assertThat(seen).hasSize(2).doesNotContain(bad.id());

    clock.addAndGet(30_000_000_000L);
    for (int i = 0; i < 30; i++) {
      seen.add(router.route(get()).instance().id());
    }
    assertThat(seen).contains(bad.id());
  }

  @Test
  void leastRequestAndRandomNeverPickAnEjectedInstance() {
    for (String lb : List.of("{simple: LEAST_REQUEST}", "{simple: RANDOM}")) {
      OutlierDetector own = new OutlierDetector(clock::get, e -> {});
      Snapshot snapshot = Fixtures.snapshotOf(rule(lb) + "---\n" + SUBSET_ROUTE, instances(2, 0));
      own.apply(snapshot.routeTable().trackedDestinations());
      Router router = new Router(snapshot, InFlight.NONE, new SplittableRandom(3), own);
      Instance bad = snapshot.instances().get(0);
      DestinationOutliers health = own.destination(HOST, null);
      health.tried(bad, 500);
      health.tried(bad, 500);
      for (int i = 0; i < 50; i++) {
        assertThat(router.route(get()).instance().id()).as(lb).isEqualTo("user-v1-1");
      }
    }
  }

  @Test
  void consistentHashMovesOnlyTheEjectedInstancesKeys() {
    for (String algorithm : List.of("ringHash: {minimumRingSize: 64}", "maglev: {tableSize: 251}")) {
      OutlierDetector own = new OutlierDetector(clock::get, e -> {});
      String lb = "{consistentHash: {httpHeaderName: x-user, " + algorithm + "}}";
      Snapshot snapshot = Fixtures.snapshotOf(rule(lb) + "---\n" + SUBSET_ROUTE, instances(4, 0));
      own.apply(snapshot.routeTable().trackedDestinations());
      Router router = new Router(snapshot, InFlight.NONE, new SplittableRandom(3), own);
      Map<String, String> before = new HashMap<>();
      for (int k = 0; k < 400; k++) {
        before.put("k" + k, router.route(get().withHeader("x-user", "k" + k)).instance().id());
      }
      Instance bad = snapshot.instances().get(1);
      DestinationOutliers health = own.destination(HOST, null);
      health.tried(bad, 500);
      health.tried(bad, 500);
      assertThat(health.isEjected(bad)).isTrue();
      int moved = 0;
      for (int k = 0; k < 400; k++) {
        String now = router.route(get().withHeader("x-user", "k" + k)).instance().id();
        assertThat(now).as(algorithm).isNotEqualTo(bad.id());
        if (!before.get("k" + k).equals(bad.id())) {
          assertThat(now).as("a key of a healthy instance stays (%s)", algorithm).isEqualTo(before.get("k" + k));
        } else {
          moved++;
        }
      }
      assertThat(moved).as("the ejected instance had keys to move").isPositive();
    }
  }

  @Test
  void aDestinationWithEveryInstanceEjectedAnswers503AsIstiosDefaultMinHealthPercentZeroDoes() {
    Router router = router(Fixtures.snapshotOf(rule("{simple: ROUND_ROBIN}") + "---\n" + SUBSET_ROUTE, instances(1, 1)));
    DescribedRequest v2 = get().withHeader("version", "v2");
    Decision d = router.route(v2);
    assertThat(d.destination().subset()).isEqualTo("v2");
    tried(d, d.instance(), 502);

    Decision again = router.explain(v2);
    assertThat(again.outcome()).isEqualTo(Decision.Outcome.NO_INSTANCE);
    assertThat(again.status()).isEqualTo(503);
    assertThat(again.instance()).isNull();
    assertThat(again.reason()).isEqualTo("no healthy instance of " + HOST + " subset v2: outlier detection has "
        + "ejected every one (minHealthPercent 0)");
    assertThat(again.trace()).anySatisfy(t -> assertThat(t)
        .startsWith("outlier detection has ejected every instance of " + HOST + " subset v2 (user-v2-0 for ")
        .endsWith("; minHealthPercent is 0, so no panic mode: no healthy instance"));
    // Once its ejection is over it is routed to again.
    clock.addAndGet(30_000_000_000L);
    assertThat(router.route(v2).instance().id()).isEqualTo("user-v2-0");
  }

  @Test
  void eachSubsetIsADestinationOfItsOwnWithItsOwnPolicy() {
    Router router = router(Fixtures.snapshotOf(rule("{simple: ROUND_ROBIN}") + "---\n" + SUBSET_ROUTE, instances(2, 2)));
    Decision v2 = router.route(get().withHeader("version", "v2"));
    // The v2 subset's own policy: one 5xx ejects.
    tried(v2, v2.instance(), 500);
    assertThat(of(v2).isEjected(v2.instance())).isTrue();
    // The host's destination (no subset) counts on its own: the same instance is not ejected there.
    Decision all = router.route(get());
    assertThat(of(all)).isNotSameAs(of(v2));
    assertThat(of(all).isEjected(v2.instance())).isFalse();
  }

  @Test
  void theExplanationNamesTheEjectedInstance() {
    Router router = router(Fixtures.snapshotOf(rule("{simple: ROUND_ROBIN}") + "---\n" + SUBSET_ROUTE, instances(2, 0)));
    Decision d = router.route(get());
    tried(d, d.instance(), 500);
    tried(d, d.instance(), 500);
    Decision explained = router.explain(get());
    assertThat(explained.trace()).anySatisfy(t -> assertThat(t)
        .startsWith("outlier detection has ejected 1 of 2 instance(s) of " + HOST + " (" + d.instance().id() + " for 30000 ms more")
        .endsWith("; choosing among the others"));
  }

  @Test
  void ejectionsSurviveANewSnapshotsRouter() {
    String yaml = rule("{simple: ROUND_ROBIN}") + "---\n" + SUBSET_ROUTE;
    Router router = router(Fixtures.snapshotOf(yaml, instances(2, 0)));
    Decision d = router.route(get());
    tried(d, d.instance(), 500);
    tried(d, d.instance(), 500);

    Router next = router(Snapshot.compile(2, Fixtures.parse(yaml).resources(), instances(2, 0)));
    for (int i = 0; i < 10; i++) {
      assertThat(next.route(get()).instance().id()).isNotEqualTo(d.instance().id());
    }
  }

  @Test
  void aRetryGoesToAnotherInstanceThanTheEjectedOne() {
    Router router = router(Fixtures.snapshotOf(rule("{consistentHash: {httpHeaderName: x-user}}") + "---\n" + SUBSET_ROUTE,
        instances(3, 0)));
    DescribedRequest request = get().withHeader("x-user", "alice");
    Decision first = router.route(request);
    tried(first, first.instance(), 503);
    tried(first, first.instance(), 503);
    Instance retry = RetryPolicy.retryInstance(first, router.route(request));
    assertThat(retry).isNotEqualTo(first.instance());
  }

  @Test
  void withoutOutlierDetectionNothingIsTracked() {
    Snapshot walkThrough = Fixtures.snapshot("scenarios/instances.yaml", "scenarios/00-gateway.yaml",
        "scenarios/20-consistent-hash.yaml");
    assertThat(walkThrough.routeTable().usesOutlierDetection()).isFalse();
    assertThat(walkThrough.routeTable().trackedDestinations()).isEmpty();
    // A detector left from earlier rules keeps nothing for these.
    router(Fixtures.snapshotOf(rule("{simple: ROUND_ROBIN}") + "---\n" + SUBSET_ROUTE, instances(1, 0)));
    assertThat(detector.destination(HOST, null)).isNotNull();
    Decision d = router(walkThrough)
        .route(DescribedRequest.of("GET", "http://user/").from(new Workload("traffic-management", "frontend", Map.of())));
    assertThat(d.outcome()).isEqualTo(Decision.Outcome.ROUTE);
    assertThat(detector.destination(HOST, null)).isNull();
    assertThat(detector.destination(d.destination().host(), d.destination().subset())).isNull();
  }
}
