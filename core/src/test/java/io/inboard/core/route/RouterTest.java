package io.inboard.core.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.mesh.Instance;
import io.inboard.core.mesh.Workload;
import io.inboard.core.snapshot.Snapshot;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RouterTest {
  private static final Workload FRONTEND = new Workload("traffic-management", "frontend", Map.of());
  private static final String GATEWAY = "traffic-management/microservice-gateway";

  private static Snapshot walkThrough(String file) {
    return Fixtures.snapshot("scenarios/instances.yaml", "scenarios/00-gateway.yaml", "scenarios/" + file);
  }

  private static Snapshot conformance(String file) {
    return Fixtures.snapshot("conformance/instances.yaml", "conformance/" + file);
  }

  @Test
  void explainNamesTheFirstFailedConditionOfEachEarlierRule() {
    Decision d = new Router(walkThrough("40-dark-release.yaml"))
        .explain(DescribedRequest.of("GET", "http://user/").from(FRONTEND));
    assertThat(d.matched().ruleName()).isEqualTo("default");
    assertThat(d.trace()).containsSubsequence(
        "host user (from namespace traffic-management) resolved to user.traffic-management.svc.cluster.local",
        "VirtualService traffic-management/user-virtual-service applies at mesh",
        "rule 0 \"dark-release\": headers[mode] exact \"dev\" did not match (absent)",
        "rule 1 \"default\": matched (no match conditions)",
        "single destination user.traffic-management.svc.cluster.local subset v1");
    assertThat(d.trace().get(d.trace().size() - 1)).startsWith("instance user-v1 chosen by LEAST_REQUEST");
  }

  @Test
  void explainListsEveryBlockOfAnOrRule() {
    Decision d = new Router(conformance("match-kinds.yaml"))
        .explain(DescribedRequest.of("GET", "http://user/or-c").from(FRONTEND));
    assertThat(d.trace()).contains(
        "rule 22 \"or-blocks\": match[0] uri prefix \"/or-a\" did not match \"/or-c\"; "
            + "match[1] uri prefix \"/or-b\" did not match \"/or-c\"");
  }

  @Test
  void explainShowsTheStickyCanaryRanges() {
    Decision d = new Router(walkThrough("30-sticky-canary.yaml"))
        .explain(DescribedRequest.of("GET", "http://user/").withHeader("my-header", "alice").from(FRONTEND));
    assertThat(d.trace()).anySatisfy(t -> assertThat(t)
        .startsWith("sticky canary: header my-header=alice hashes to ")
        .endsWith("[v1 0.0-0.9, v2 0.9-1.0]"));
    assertThat(d.hashKey()).isEqualTo("header my-header=alice");
  }

  @Test
  void routeAndExplainDecideAlike() {
    Snapshot s = conformance("match-kinds.yaml");
    for (String path : List.of("/exact", "/prefix/x", "/items/7", "/none", "/or-b")) {
      DescribedRequest r = DescribedRequest.of("GET", "http://user" + path).withHeader("x-regex", "v1.0").from(FRONTEND);
      Decision routed = new Router(s, InFlight.NONE, new SplittableRandom(3)).route(r);
      Decision explained = new Router(s, InFlight.NONE, new SplittableRandom(3)).explain(r);
      assertThat(explained.matched()).isEqualTo(routed.matched());
      assertThat(explained.instance()).isEqualTo(routed.instance());
      assertThat(routed.trace()).isEmpty();
      assertThat(explained.trace()).isNotEmpty();
    }
  }

  @Test
  void propagatedHeadersAreTheHashAndMatchHeadersPlusTraceHeaders() {
    Snapshot s = Fixtures.snapshot(null, "scenarios/30-sticky-canary.yaml", "scenarios/40-dark-release.yaml",
        "conformance/match-kinds.yaml");
    assertThat(s.propagatedHeaders())
        .contains("my-header", "mode", "x-exact", "x-prefix", "x-block", "x-any")
        .contains("x-request-id", "traceparent", "tracestate", "baggage", "b3", "x-b3-traceid", "x-b3-spanid",
            "x-b3-parentspanid", "x-b3-sampled", "x-b3-flags", "x-ot-span-context")
        .doesNotContain("host", "cookie", "X-Prefix");
    assertThat(Snapshot.EMPTY.propagatedHeaders()).containsExactlyInAnyOrderElementsOf(RouteTable.TRACE_HEADERS);
  }

  @Test
  void leastRequestAvoidsTheBusiestInstance() {
    Snapshot s = conformance("hosts.yaml");
    Router router = new Router(s, id -> id.equals("orders-2") ? 50 : 1, new SplittableRandom(9));
    Set<String> chosen = new HashSet<>();
    for (int i = 0; i < 300; i++) {
      chosen.add(router.route(DescribedRequest.of("GET", "http://orders.shop/").from(FRONTEND)).instance().id());
    }
    assertThat(chosen).containsExactlyInAnyOrder("orders-1", "orders-3");
  }

  @Test
  void roundRobinTakesInstancesInTurn() {
    Router router = new Router(conformance("hashing.yaml"));
    DescribedRequest r = DescribedRequest.of("GET", "http://cart.shop/rr").from(FRONTEND);
    String[] ids = new String[8];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = router.route(r).instance().id();
    }
    assertThat(Set.of(ids[0], ids[1], ids[2], ids[3])).hasSize(4);
    assertThat(ids[4]).isEqualTo(ids[0]);
    assertThat(ids[7]).isEqualTo(ids[3]);
  }

  @Test
  void aMaglevTableSmallerThanTheInstancesStillRoutesToEveryInstance() {
    // tableSize 2 is a valid prime, but 12 instances need at least 12 slots: the pool grows the
    // table to the next prime (13). Growing it to 12, not a prime, once made compiling spin forever.
    String yaml = """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: cart, namespace: shop}
        spec:
          host: cart
          trafficPolicy:
            loadBalancer:
              consistentHash:
                httpHeaderName: x-user
                maglev: {tableSize: 2}
        """;
    List<Instance> instances = new java.util.ArrayList<>();
    for (int i = 0; i < 12; i++) {
      instances.add(new Instance("cart-" + i, "cart", "shop", "10.0.2." + i, 9100, Map.of("app", "cart")));
    }
    Workload frontend = new Workload("shop", "frontend", Map.of());
    Set<String> reached = new HashSet<>();
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), () -> {
      Router router = new Router(Fixtures.snapshotOf(yaml, instances));
      for (int k = 0; k < 2000; k++) {
        Decision d = router.route(
            DescribedRequest.of("GET", "http://cart/").withHeader("x-user", "user-" + k).from(frontend));
        assertThat(d.outcome()).isEqualTo(Decision.Outcome.ROUTE);
        reached.add(d.instance().id());
      }
    });
    assertThat(reached).hasSize(12);
  }

  @Test
  void aGeneratedCookieSentBackReachesTheSameInstance() {
    Snapshot s = conformance("hashing.yaml");
    for (long seed = 0; seed < 10; seed++) {
      Decision first = new Router(s, InFlight.NONE, new SplittableRandom(seed))
          .route(DescribedRequest.of("GET", "http://cart.shop/").from(FRONTEND));
      Decision.SetCookie cookie = first.actions().setCookie();
      assertThat(cookie.name()).isEqualTo("session");
      assertThat(cookie.path()).isEqualTo("/");
      assertThat(cookie.ttl()).hasSeconds(3600);
      assertThat(first.hashKey()).isEqualTo("cookie session=" + cookie.value());
      Decision again = new Router(s, InFlight.NONE, new SplittableRandom(seed + 100)).route(
          DescribedRequest.of("GET", "http://cart.shop/").withHeader("Cookie", "x=1; session=" + cookie.value())
              .from(FRONTEND));
      assertThat(again.instance()).isEqualTo(first.instance());
      assertThat(again.actions().setCookie()).isNull();
    }
  }

  @Test
  void mirrorCarriesAnInstanceOfTheMirrorSubset() {
    Decision d = new Router(conformance("actions.yaml"))
        .route(DescribedRequest.of("GET", "http://user/mirror").from(FRONTEND));
    assertThat(d.actions().mirrors()).singleElement().satisfies(mirror -> {
      assertThat(mirror.destination().subset()).isEqualTo("v2");
      assertThat(mirror.instance().labels()).containsEntry("version", "v2");
    });
    assertThat(d.instance().labels()).containsEntry("version", "v1");
  }

  @Test
  void aMirrorsAuthorityGetsTheShadowSuffixBeforeItsPort() {
    assertThat(Decision.Mirror.shadowAuthority("user")).isEqualTo("user-shadow");
    assertThat(Decision.Mirror.shadowAuthority("user.shop:8080")).isEqualTo("user.shop-shadow:8080");
    assertThat(Decision.Mirror.shadowAuthority("[::1]:8080")).isEqualTo("[::1]-shadow:8080");
    assertThat(Decision.Mirror.shadowAuthority("[::1]")).isEqualTo("[::1]-shadow");
  }

  @Test
  void requestsAtAGatewayIgnoreTheCallerNamespace() {
    Snapshot s = walkThrough("10-canary.yaml");
    Decision d = new Router(s).route(DescribedRequest.of("GET", "http://user/").atGateway(GATEWAY));
    assertThat(d.outcome()).isEqualTo(Decision.Outcome.NO_ROUTE);
    assertThat(d.reason()).isEqualTo("gateway " + GATEWAY + " does not serve host user");
  }

  @Test
  void anEmptySnapshotPassesEverythingThrough() {
    Decision d = new Router(Snapshot.EMPTY).route(DescribedRequest.of("GET", "http://user/").from(FRONTEND));
    assertThat(d.isPassthrough()).isTrue();
    assertThat(d.status()).isZero();
  }

  @Test
  void anInstanceWithoutRulesIsRoutedByDefault() {
    Instance only = new Instance("a-1", "a", "ns", "127.0.0.1", 9, Map.of());
    Decision d = new Router(Snapshot.compile(1, List.of(), List.of(only)))
        .route(DescribedRequest.of("GET", "http://a.ns.svc.cluster.local:9/").from(FRONTEND));
    assertThat(d.outcome()).isEqualTo(Decision.Outcome.ROUTE);
    assertThat(d.instance()).isEqualTo(only);
    assertThat(d.destination().host()).isEqualTo("a.ns.svc.cluster.local");
  }
}
