package io.inboard.core.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.inboard.core.health.DestinationOutliers;
import io.inboard.core.health.OutlierDetector;
import io.inboard.core.mesh.Instance;
import io.inboard.core.mesh.Workload;
import io.inboard.core.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Locality load balancing ({@code localityLbSetting}): priorities from the caller's own locality,
 * spill-over with Envoy's overprovisioning factor as outlier detection ejects, {@code failover},
 * {@code failoverPriority}, {@code distribute}, and the cases where nothing changes.
 */
class LocalityRoutingTest {
  private static final String HOST = "user.default.svc.cluster.local";
  private static final int SAMPLES = 20_000;
  /** Shares are within 2.5 points of the expected with 20,000 seeded samples (about 8 standard deviations). */
  private static final double TOLERANCE = 0.025;

  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final OutlierDetector detector = new OutlierDetector(clock::get, e -> {});
  private List<Instance> instances;
  private Snapshot snapshot;

  private static Workload caller(String region, String zone) {
    return new Workload("default", "frontend",
        Map.of("topology.kubernetes.io/region", region, "topology.kubernetes.io/zone", zone));
  }

  private static Instance at(String id, String region, String zone, Map<String, String> more) {
    Map<String, String> labels = new HashMap<>(more);
    labels.put("topology.kubernetes.io/region", region);
    labels.put("topology.kubernetes.io/zone", zone);
    return new Instance(id, "user", "default", "127.0.0.1", 8000 + id.hashCode() % 1000, labels);
  }

  private static Instance at(String id, String region, String zone) {
    return at(id, region, zone, Map.of());
  }

  private static String rule(String loadBalancer, boolean outlierDetection) {
    return """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: user, namespace: default}
        spec:
          host: user
          trafficPolicy:
            loadBalancer: %s
        %s""".formatted(loadBalancer, outlierDetection
        ? "    outlierDetection: {consecutive5xxErrors: 1, maxEjectionPercent: 100}\n" : "");
  }

  private Router router(String rule, Workload caller, List<Instance> instances) {
    this.instances = instances;
    snapshot = Fixtures.snapshotOf(rule, instances).viewedBy(caller);
    detector.apply(snapshot.routeTable().trackedDestinations());
    return new Router(snapshot, InFlight.NONE, new SplittableRandom(7), detector);
  }

  private void eject(String... ids) {
    DestinationOutliers d = detector.destination(HOST, null);
    for (String id : ids) {
      Instance instance = instances.stream().filter(i -> i.id().equals(id)).findFirst().orElseThrow();
      d.tried(instance, 503);
      assertThat(d.isEjected(instance)).as(id).isTrue();
    }
  }

  private static DescribedRequest get() {
    return DescribedRequest.of("GET", "http://user.default/");
  }

  /** The share of {@link #SAMPLES} requests each instance got. */
  private static Map<String, Double> shares(Router router, DescribedRequest request) {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < SAMPLES; i++) {
      Decision d = router.route(request);
      assertThat(d.outcome()).isEqualTo(Decision.Outcome.ROUTE);
      counts.merge(d.instance().id(), 1, Integer::sum);
    }
    Map<String, Double> out = new HashMap<>();
    counts.forEach((id, n) -> out.put(id, (double) n / SAMPLES));
    return out;
  }

  private static double sum(Map<String, Double> shares, String prefix) {
    return shares.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToDouble(Map.Entry::getValue).sum();
  }

  private static List<Instance> zones() {
    return List.of(at("local-1", "us-east", "a"), at("zone-1", "us-east", "b"), at("region-1", "us-west", "a"),
        at("far-1", "eu-west", "a"));
  }

  @Test
  void allTrafficStaysInTheCallersZoneWhileItIsHealthy() {
    Router router = router(rule("{simple: ROUND_ROBIN, localityLbSetting: {enabled: true}}", true),
        caller("us-east", "a"), zones());
    assertThat(shares(router, get())).containsOnlyKeys("local-1");
  }

  @Test
  void prioritiesGoSameZoneThenSameRegionThenOtherRegions() {
    Router router = router(rule("{simple: ROUND_ROBIN, localityLbSetting: {enabled: true}}", true),
        caller("us-east", "a"), zones());
    Decision explained = router.explain(get());
    assertThat(explained.trace()).anySatisfy(t -> assertThat(t).startsWith(
        "locality failover for the caller at us-east/a/: priority 0 (same locality) [local-1]; "
            + "priority 1 (same region) [zone-1]; priority 2 (other regions) [far-1, region-1]. Shares now: "
            + "priority 0 (same locality) 100.0%, priority 1 (same region) 0.0%, priority 2 (other regions) 0.0%; "
            + "chose priority 0 (same locality)"));
    eject("local-1");
    assertThat(shares(router, get())).containsOnlyKeys("zone-1");
    eject("zone-1");
    assertThat(shares(router, get())).containsOnlyKeys("region-1", "far-1");
  }

  @Test
  void aPartlyHealthyPrioritySpillsOverWithTheOverprovisioningFactor() {
    List<Instance> all = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      all.add(at("local-" + i, "us-east", "a"));
    }
    for (int i = 0; i < 4; i++) {
      all.add(at("remote-" + i, "us-west", "a"));
    }
    Router router = router(rule("{simple: RANDOM}", true), caller("us-east", "a"), all);
    // 9 of 10 healthy: 90% x 1.4 is above 100%, so priority 0 still takes everything.
    eject("local-0");
    assertThat(sum(shares(router, get()), "remote-")).isZero();
    // 5 of 10 healthy: priority 0 takes 50% x 1.4 = 70%, the other 30% spills over to priority 1.
    eject("local-1", "local-2", "local-3", "local-4");
    Map<String, Double> shares = shares(router, get());
    assertThat(sum(shares, "local-")).isCloseTo(0.70, within(TOLERANCE));
    assertThat(sum(shares, "remote-")).isCloseTo(0.30, within(TOLERANCE));
    assertThat(shares).doesNotContainKeys("local-0", "local-1", "local-2", "local-3", "local-4");
    assertThat(router.explain(get()).trace()).anySatisfy(t -> assertThat(t)
        .contains("Shares now: priority 0 (same locality) 70.0% (5 of 10 healthy), priority 1 (other regions) 30.0%"));
  }

  @Test
  void aPriorityTakesOnlyWhatTheBetterOnesLeave() {
    List<Instance> all = List.of(at("local-0", "us-east", "a"), at("local-1", "us-east", "a"),
        at("remote-0", "us-west", "a"), at("remote-1", "us-west", "a"));
    Router router = router(rule("{simple: RANDOM}", true), caller("us-east", "a"), all);
    eject("local-0", "remote-0");
    // Each priority's health is 50% x 1.4 = 70%: priority 0 takes 70%, priority 1 the 30% left.
    Map<String, Double> shares = shares(router, get());
    assertThat(shares.get("local-1")).isCloseTo(0.7, within(TOLERANCE));
    assertThat(shares.get("remote-1")).isCloseTo(0.3, within(TOLERANCE));
  }

  @Test
  void whenTheHealthLeftIsBelow100TheSharesAreNormalised() {
    List<Instance> all = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      all.add(at("local-" + i, "us-east", "a"));
      all.add(at("remote-" + i, "us-west", "a"));
    }
    Router router = router(rule("{simple: RANDOM}", true), caller("us-east", "a"), all);
    eject("local-0", "local-1", "local-2", "local-3", "remote-0", "remote-1", "remote-2", "remote-3");
    // Each priority's health is 20% x 1.4 = 28%, 56% in all: scaled up to 100%, half each.
    Map<String, Double> shares = shares(router, get());
    assertThat(shares.get("local-4")).isCloseTo(0.5, within(TOLERANCE));
    assertThat(shares.get("remote-4")).isCloseTo(0.5, within(TOLERANCE));
  }

  @Test
  void failoverNamesTheRegionThatComesNext() {
    List<Instance> all = List.of(at("local", "us-east", "a"), at("west", "us-west", "a"), at("europe", "eu-west", "a"));
    Router router = router(rule("{simple: RANDOM, localityLbSetting: {failover: [{from: us-east, to: eu-west}]}}", true),
        caller("us-east", "a"), all);
    eject("local");
    assertThat(shares(router, get())).containsOnlyKeys("europe");
    eject("europe");
    assertThat(shares(router, get())).containsOnlyKeys("west");
  }

  @Test
  void failoverEntriesFromAnotherRegionDoNotApply() {
    List<Instance> all = List.of(at("local", "us-west", "a"), at("east", "us-east", "a"), at("europe", "eu-west", "a"));
    Router router = router(rule("{simple: RANDOM, localityLbSetting: {failover: [{from: us-east, to: eu-west}]}}", true),
        caller("us-west", "a"), all);
    eject("local");
    assertThat(shares(router, get())).containsOnlyKeys("east", "europe");
  }

  @Test
  void failoverPriorityPrefersTheLongestRunOfMatchingLabels() {
    Workload caller = new Workload("default", "frontend", Map.of("network", "n1", "rack", "r1"));
    List<Instance> all = List.of(
        at("both", "x", "x", Map.of("network", "n1", "rack", "r1")),
        at("network", "x", "x", Map.of("network", "n1", "rack", "r2")),
        at("rack-only", "x", "x", Map.of("network", "n2", "rack", "r1")),
        at("none", "x", "x", Map.of("network", "n2", "rack", "r2")));
    Router router = router(rule("{simple: RANDOM, localityLbSetting: {failoverPriority: [network, rack]}}", true),
        caller, all);
    assertThat(shares(router, get())).containsOnlyKeys("both");
    eject("both");
    assertThat(shares(router, get())).containsOnlyKeys("network");
    eject("network");
    // The first label no longer matches: a matching later label does not count.
    assertThat(shares(router, get())).containsOnlyKeys("rack-only", "none");
  }

  @Test
  void failoverPriorityWithAValueAsksForThatValue() {
    Workload caller = new Workload("default", "frontend", Map.of("network", "n1"));
    List<Instance> all = List.of(at("n1", "x", "x", Map.of("network", "n1")), at("n2", "x", "x", Map.of("network", "n2")));
    Router router = router(rule("{simple: RANDOM, localityLbSetting: {failoverPriority: ['network=n2']}}", true),
        caller, all);
    assertThat(shares(router, get())).containsOnlyKeys("n2");
  }

  @Test
  void distributeSplitsByTheWeightsOfTheCallersEntryAndLeavesOtherLocalitiesOut() {
    List<Instance> all = List.of(at("z1-0", "us-west", "zone1"), at("z1-1", "us-west", "zone1"),
        at("z2-0", "us-west", "zone2"), at("z3-0", "us-west", "zone3"));
    String lb = "{simple: ROUND_ROBIN, localityLbSetting: {distribute: [{from: 'us-east/*', to: {'us-west/zone3': 100}},"
        + " {from: 'us-west/zone1/*', to: {'us-west/zone1/*': 80, 'us-west/zone2/*': 20}}]}}";
    Router router = router(rule(lb, false), caller("us-west", "zone1"), all);
    Map<String, Double> shares = shares(router, get());
    assertThat(sum(shares, "z1-")).isCloseTo(0.8, within(TOLERANCE));
    assertThat(sum(shares, "z2-")).isCloseTo(0.2, within(TOLERANCE));
    assertThat(shares).doesNotContainKey("z3-0");
    // Another caller takes the first entry whose from matches it.
    Router east = router(rule(lb, false), caller("us-east", "a"), all);
    assertThat(shares(east, get())).containsOnlyKeys("z3-0");
  }

  @Test
  void aWildcardTargetSharesItsWeightByInstanceCount() {
    List<Instance> all = List.of(at("a-0", "us-west", "a"), at("a-1", "us-west", "a"), at("a-2", "us-west", "a"),
        at("b-0", "us-west", "b"), at("e-0", "eu", "x"));
    String lb = "{simple: RANDOM, localityLbSetting: {distribute: [{from: '*', to: {'us-west/*': 60, eu: 40}}]}}";
    Map<String, Double> shares = shares(router(rule(lb, false), caller("us-west", "a"), all), get());
    assertThat(sum(shares, "a-")).isCloseTo(0.45, within(TOLERANCE));
    assertThat(sum(shares, "b-")).isCloseTo(0.15, within(TOLERANCE));
    assertThat(sum(shares, "e-")).isCloseTo(0.40, within(TOLERANCE));
  }

  @Test
  void anEjectedLocalityLosesItsShareUnderDistribute() {
    List<Instance> all = List.of(at("a-0", "us-west", "a"), at("a-1", "us-west", "a"), at("b-0", "us-west", "b"));
    String lb = "{simple: RANDOM, localityLbSetting: {distribute: [{from: '*', to: {'us-west/a': 50, 'us-west/b': 50}}]}}";
    Router router = router(rule(lb, true), caller("us-west", "a"), all);
    eject("b-0");
    assertThat(shares(router, get())).containsOnlyKeys("a-0", "a-1");
  }

  @Test
  void enabledFalseBalancesOverEveryLocality() {
    Router router = router(rule("{simple: ROUND_ROBIN, localityLbSetting: {enabled: false}}", true),
        caller("us-east", "a"), zones());
    assertThat(shares(router, get())).containsOnlyKeys("local-1", "zone-1", "region-1", "far-1");
    assertThat(router.explain(get()).trace()).contains("localityLbSetting: disabled (enabled: false)");
  }

  @Test
  void withoutASettingFailoverIsIstiosDefaultOnlyWithOutlierDetection() {
    Router withOutliers = router(rule("{simple: ROUND_ROBIN}", true), caller("us-east", "a"), zones());
    assertThat(shares(withOutliers, get())).containsOnlyKeys("local-1");
    Router without = router(rule("{simple: ROUND_ROBIN}", false), caller("us-east", "a"), zones());
    assertThat(shares(without, get())).containsOnlyKeys("local-1", "zone-1", "region-1", "far-1");
  }

  @Test
  void failoverWithoutOutlierDetectionChangesNothingAndExplainSaysWhy() {
    Router router = router(rule("{simple: ROUND_ROBIN, localityLbSetting: {failover: [{from: us-east, to: eu-west}]}}",
        false), caller("us-east", "a"), zones());
    assertThat(shares(router, get())).containsOnlyKeys("local-1", "zone-1", "region-1", "far-1");
    assertThat(router.explain(get()).trace()).contains("localityLbSetting: failover takes effect only with "
        + "outlierDetection; every instance is balanced alike");
  }

  @Test
  void theWholeMeshsViewHasNoCallerAndNoLocalityPreference() {
    Snapshot whole = Fixtures.snapshotOf(rule("{simple: ROUND_ROBIN, localityLbSetting: {enabled: true}}", true), zones());
    Router router = new Router(whole, InFlight.NONE, new SplittableRandom(7));
    assertThat(shares(router, get())).containsOnlyKeys("local-1", "zone-1", "region-1", "far-1");
    assertThat(router.explain(get()).trace()).contains("localityLbSetting: not applied, the calling workload is not "
        + "known (explain a request with its from)");
  }

  @Test
  void aCallerWithoutLocalityLabelsTreatsEveryLabelledInstanceAlike() {
    Router router = router(rule("{simple: ROUND_ROBIN}", true), new Workload("default", "frontend", Map.of()), zones());
    assertThat(shares(router, get())).containsOnlyKeys("local-1", "zone-1", "region-1", "far-1");
  }

  @Test
  void aHashKeyStaysInItsPriorityAndFailsOverToOneInstance() {
    List<Instance> all = List.of(at("local-0", "us-east", "a"), at("local-1", "us-east", "a"),
        at("remote-0", "us-west", "a"), at("remote-1", "us-west", "a"));
    Router router = router(rule("{consistentHash: {httpHeaderName: x-user}}", true), caller("us-east", "a"), all);
    for (int u = 0; u < 50; u++) {
      DescribedRequest r = get().withHeader("x-user", "user-" + u);
      String first = router.route(r).instance().id();
      assertThat(first).startsWith("local-");
      assertThat(router.route(r).instance().id()).isEqualTo(first);
    }
    eject("local-0", "local-1");
    for (int u = 0; u < 50; u++) {
      DescribedRequest r = get().withHeader("x-user", "user-" + u);
      String failedOver = router.route(r).instance().id();
      assertThat(failedOver).startsWith("remote-");
      assertThat(router.route(r).instance().id()).isEqualTo(failedOver);
    }
  }

  @Test
  void everyInstanceEjectedIsStillNoHealthyUpstream() {
    Router router = router(rule("{simple: ROUND_ROBIN}", true), caller("us-east", "a"), zones());
    eject("local-1", "zone-1", "region-1", "far-1");
    assertThat(router.route(get()).outcome()).isEqualTo(Decision.Outcome.NO_INSTANCE);
  }

  private static String retryingRule(String retries) {
    return rule("{simple: ROUND_ROBIN}", true) + """
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: user, namespace: default}
        spec:
          hosts: [user]
          http:
          - route: [{destination: {host: user}}]
            retries: %s
        """.formatted(retries);
  }

  /** The instances of a first try and two retries, as the gateway's and the agent's retry loops pick them. */
  private static List<String> threeTries(Router router) {
    DescribedRequest request = get();
    Decision first = router.route(request);
    List<Instance> tried = new ArrayList<>(List.of(first.instance()));
    for (int retry = 1; retry <= 2; retry++) {
      tried.add(RetryPolicy.retryInstance(first, request, router::route, tried));
    }
    return tried.stream().map(Instance::id).toList();
  }

  @Test
  void withRetryRemoteLocalitiesTheSecondRetryLeavesThePrioritiesTried() {
    List<Instance> all = List.of(at("local-0", "us-east", "a"), at("local-1", "us-east", "a"),
        at("remote-0", "us-west", "a"));
    Router router = router(retryingRule("{attempts: 3, retryRemoteLocalities: true}"), caller("us-east", "a"), all);
    // Envoy's previous_priorities with Istio's update frequency 2: the first retry keeps the shares.
    List<String> tries = threeTries(router);
    assertThat(tries.subList(0, 2)).containsExactlyInAnyOrder("local-0", "local-1");
    assertThat(tries.get(2)).isEqualTo("remote-0");
    DescribedRequest request = get();
    Decision first = router.route(request);
    List<String> trace = router.explain(RetryPick.of(request, 0, List.of(all.get(0), all.get(1)))).trace();
    assertThat(trace).anySatisfy(t -> assertThat(t).endsWith("; left out as already tried (retryRemoteLocalities): "
        + "priority 0 (same locality); chose priority 1 (other regions)"));
    assertThat(first.actions().retries().remoteLocalities()).isTrue();
  }

  @Test
  void withoutRetryRemoteLocalitiesRetriesStayInTheHealthyPriority() {
    List<Instance> all = List.of(at("local-0", "us-east", "a"), at("local-1", "us-east", "a"),
        at("remote-0", "us-west", "a"));
    Router router = router(retryingRule("{attempts: 3}"), caller("us-east", "a"), all);
    assertThat(threeTries(router)).allSatisfy(id -> assertThat(id).startsWith("local-"));
  }
}
