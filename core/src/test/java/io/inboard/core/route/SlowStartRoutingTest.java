package io.inboard.core.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.health.OutlierDetector;
import io.inboard.core.lb.SlowStart;
import io.inboard.core.mesh.Instance;
import io.inboard.core.mesh.Workload;
import io.inboard.core.snapshot.Snapshot;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * Slow start through the router: an instance that joins a destination gets a share of the picks
 * that follows Envoy's weight formula over the warm-up window, on a fake clock.
 */
class SlowStartRoutingTest {
  private static final Workload FRONTEND = new Workload("default", "frontend", Map.of());
  private static final long SECOND = 1_000_000_000L;
  private static final int PICKS = 20_000;

  private final AtomicLong clock = new AtomicLong(7 * SECOND);
  private final SlowStart slowStart = new SlowStart(clock::get);

  private static String rule(String loadBalancer) {
    return """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: user, namespace: default}
        spec:
          host: user
          trafficPolicy:
            loadBalancer: %s
        """.formatted(loadBalancer);
  }

  private static List<Instance> instances(int n) {
    return Fixtures.users(n);
  }

  private Router router(String yaml, long revision, int instances) {
    Snapshot snapshot = Snapshot.compile(revision, Fixtures.parse(yaml).resources(), instances(instances));
    if (snapshot.routeTable().usesSlowStart()) {
      slowStart.apply(snapshot.routeTable().warmingDestinations());
    }
    return new Router(snapshot, InFlight.NONE, new SplittableRandom(revision), null, slowStart);
  }

  /** Three instances known from the first snapshot, then a fourth joining: the router of the second. */
  private Router fourthJoins(String loadBalancer) {
    router(rule(loadBalancer), 1, 3);
    return router(rule(loadBalancer), 2, 4);
  }

  private static DescribedRequest get() {
    return DescribedRequest.of("GET", "http://user/").from(FRONTEND);
  }

  private static int picksOf(Router router, String id) {
    int n = 0;
    for (int i = 0; i < PICKS; i++) {
      if (router.route(get()).instance().id().equals(id)) {
        n++;
      }
    }
    return n;
  }

  /**
   * The share a weight {@code factor} gets beside three instances of full weight, and five
   * standard deviations of the count of {@link #PICKS} picks around it.
   */
  private static void assertShare(int count, double factor, String as) {
    double p = factor / (3 + factor);
    double sigma = Math.sqrt(PICKS * p * (1 - p));
    assertThat((double) count).as("%s: %d picks of %d, expected share %.4f +- 5 sigma", as, count, PICKS, p)
        .isBetween(PICKS * p - 5 * sigma, PICKS * p + 5 * sigma);
  }

  @Test
  void aJoiningInstancesShareFollowsEnvoysLinearRamp() {
    for (String lb : List.of("{simple: ROUND_ROBIN, warmup: {duration: 60s}}",
        "{simple: LEAST_REQUEST, warmupDurationSecs: 60s}", "{warmup: {duration: 60s}}")) {
      SlowStart fresh = new SlowStart(clock::get);
      Snapshot first = Snapshot.compile(1, Fixtures.parse(rule(lb)).resources(), instances(3));
      fresh.apply(first.routeTable().warmingDestinations());
      Snapshot second = Snapshot.compile(2, Fixtures.parse(rule(lb)).resources(), instances(4));
      fresh.apply(second.routeTable().warmingDestinations());
      Router router = new Router(second, InFlight.NONE, new SplittableRandom(5), null, fresh);
      long joined = clock.get();

      assertShare(picksOf(router, "user-3"), 0.1, lb + " at first (the 10% minimum)");
      clock.set(joined + 18 * SECOND);
      assertShare(picksOf(router, "user-3"), 0.3, lb + " after 18 s of 60");
      clock.set(joined + 45 * SECOND);
      assertShare(picksOf(router, "user-3"), 0.75, lb + " after 45 s of 60");
      clock.set(joined + 60 * SECOND);
      assertShare(picksOf(router, "user-3"), 1, lb + " once warm");
      clock.set(joined);
    }
  }

  @Test
  void roundRobinGivesAWarmInstanceExactlyItsTurn() {
    Router router = fourthJoins("{simple: ROUND_ROBIN, warmup: {duration: 10s}}");
    clock.addAndGet(10 * SECOND);
    assertThat(picksOf(router, "user-3")).isEqualTo(PICKS / 4);
  }

  @Test
  void aggressionAndMinimumPercentShapeTheRamp() {
    Router router = fourthJoins("{simple: ROUND_ROBIN, warmup: {duration: 100s, aggression: 2, minimumPercent: 30}}");
    long joined = clock.get();
    assertShare(picksOf(router, "user-3"), 0.3, "the 30% minimum");
    clock.set(joined + 25 * SECOND);
    assertShare(picksOf(router, "user-3"), 0.5, "(25/100)^(1/2)");
  }

  @Test
  void theInstancesPresentAtFirstTakeTheirFullShareAtOnce() {
    Router router = router(rule("{simple: ROUND_ROBIN, warmup: {duration: 60s}}"), 1, 4);
    assertThat(picksOf(router, "user-3")).isEqualTo(PICKS / 4);
  }

  @Test
  void randomAndConsistentHashAreNotSlowStarted() {
    for (String lb : List.of("{simple: RANDOM, warmup: {duration: 60s}}",
        "{consistentHash: {httpHeaderName: x-user}, warmup: {duration: 60s}}")) {
      router(rule(lb), 1, 3);
      Router router = router(rule(lb), 2, 4);
      assertThat(router.snapshot().routeTable().usesSlowStart()).as(lb).isFalse();
    }
  }

  @Test
  void theExplanationGivesAWarmingInstancesWeight() {
    Router router = fourthJoins("{simple: ROUND_ROBIN, warmup: {duration: 60s}}");
    clock.addAndGet(18 * SECOND);
    Decision d = router.explain(get());
    assertThat(d.trace()).contains(
        "slow start: user-3 at 30.0% of its weight (18000 ms of its 60000 ms warm-up)");
  }

  @Test
  void withoutAWarmupTheRequestPathNeverReadsTheClock() {
    AtomicLong reads = new AtomicLong();
    LongSupplier counting = () -> {
      reads.incrementAndGet();
      return clock.get();
    };
    SlowStart counted = new SlowStart(counting);
    Snapshot plain = Snapshot.compile(1, Fixtures.parse(rule("{simple: ROUND_ROBIN}")).resources(), instances(3));
    assertThat(plain.routeTable().usesSlowStart()).isFalse();
    counted.apply(plain.routeTable().warmingDestinations());
    Router router = new Router(plain, InFlight.NONE, new SplittableRandom(1), null, counted);
    long before = reads.get();
    for (int i = 0; i < 100; i++) {
      router.route(get());
    }
    assertThat(reads.get()).isEqualTo(before);
  }

  @Test
  void ejectionsAndWarmUpsCombine() {
    String yaml = rule("{simple: ROUND_ROBIN, warmup: {duration: 60s}}").replace("    loadBalancer:",
        "    outlierDetection: {consecutive5xxErrors: 1, maxEjectionPercent: 50}\n    loadBalancer:");
    OutlierDetector detector = new OutlierDetector(clock::get, e -> {});
    Snapshot first = Snapshot.compile(1, Fixtures.parse(yaml).resources(), instances(3));
    slowStart.apply(first.routeTable().warmingDestinations());
    Snapshot second = Snapshot.compile(2, Fixtures.parse(yaml).resources(), instances(4));
    slowStart.apply(second.routeTable().warmingDestinations());
    detector.apply(second.routeTable().trackedDestinations());
    Router router = new Router(second, InFlight.NONE, new SplittableRandom(3), detector, slowStart);
    detector.destination("user.default.svc.cluster.local", null).tried(second.instances().get(0), 500);
    clock.addAndGet(18 * SECOND);
    // user-0 is out; user-3 at 30% beside user-1 and user-2: 0.3 / 2.3 of the picks.
    int warm = 0;
    for (int i = 0; i < PICKS; i++) {
      String id = router.route(get()).instance().id();
      assertThat(id).isNotEqualTo("user-0");
      warm += id.equals("user-3") ? 1 : 0;
    }
    double p = 0.3 / 2.3;
    double sigma = Math.sqrt(PICKS * p * (1 - p));
    assertThat((double) warm).isBetween(PICKS * p - 5 * sigma, PICKS * p + 5 * sigma);
  }
}
