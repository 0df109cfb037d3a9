package io.inboard.agent.instrument.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inboard.agent.instrument.OutboundRouting;
import io.inboard.core.mesh.Instance;
import io.inboard.core.mesh.Workload;
import io.inboard.core.model.CorsPolicy;
import io.inboard.core.model.StringMatch;
import io.inboard.core.propagation.PropagationContext;
import io.inboard.core.propagation.Scope;
import io.inboard.core.route.Cors;
import io.inboard.core.route.Decision;
import io.inboard.core.route.RequestView;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a router decision becomes what a client does with its call. */
class MeshCallsTest {
  private static final Instance V2 =
      new Instance("user-v2", "user", "traffic-management", "10.0.0.7", 8082, Map.of("version", "v2"));

  /** Answers every call with one decision, remembering what it was asked. */
  private static class FixedRouting implements OutboundRouting {
    final Decision decision;
    final List<RequestView> asked = new ArrayList<>();

    FixedRouting(Decision decision) {
      this.decision = decision;
    }

    @Override
    public Decision decide(RequestView request) {
      asked.add(request);
      return decision;
    }

    @Override
    public Workload caller() {
      return new Workload("traffic-management", "front", Map.of());
    }

    @Override
    public void recordOutbound(Decision decision, int status, long durationNanos) {}

    @Override
    public void recordFailure(String where, Throwable error) {}
  }

  private static OutgoingRequest request(String authority) {
    return new OutgoingRequest("GET", "http", authority, "/user/list", "a=1", name -> null, null);
  }

  private static Decision decision(Decision.Outcome outcome, int status, String reason, Decision.Actions actions) {
    return new Decision(
        outcome,
        status,
        reason,
        null,
        outcome == Decision.Outcome.NO_ROUTE ? null : new Decision.Target("user.traffic-management.svc.cluster.local", "v2", 0),
        outcome == Decision.Outcome.ROUTE ? V2 : null,
        null,
        actions,
        null);
  }

  @Test
  void routedCallGoesToTheInstanceAndKeepsTheLogicalHost() {
    Decision.Actions actions =
        new Decision.Actions(
            "/list", null, new Decision.HeaderOps(Map.of("x-set", "1"), Map.of(), List.of("x-gone")),
            null, Duration.ofMillis(250), null, null, null, null, null, null);
    CallPlan plan = new MeshCalls(new FixedRouting(decision(Decision.Outcome.ROUTE, 200, null, actions)))
        .plan(request("user"));

    assertThat(plan).isInstanceOfSatisfying(CallPlan.Routed.class, routed -> {
      assertThat(routed.address()).isEqualTo("10.0.0.7");
      assertThat(routed.port()).isEqualTo(8082);
      assertThat(routed.hostHeader()).isEqualTo("user");
      assertThat(routed.path()).isEqualTo("/list");
      assertThat(routed.timeout()).isEqualTo(Duration.ofMillis(250));
      assertThat(routed.headers().remove()).containsExactly("x-gone");
    });
  }

  /** As an Envoy sidecar by Istio's default: the route is picked by the normalized path, which is then sent. */
  @Test
  void theRouterSeesTheNormalizedPathAndACallWhosePathChangedSendsIt() {
    Decision.Actions none = new Decision.Actions(null, null, null, null, null, null, null, null, null, null, null);
    FixedRouting routing = new FixedRouting(decision(Decision.Outcome.ROUTE, 200, null, none));
    MeshCalls calls = new MeshCalls(routing);

    CallPlan dotted = calls.plan(new OutgoingRequest("GET", "http", "user", "/public/..%2F/../%61dmin", null,
        name -> null, null));
    assertThat(routing.asked.get(0).path()).isEqualTo("/public/admin");
    assertThat(((CallPlan.Routed) dotted).path()).isEqualTo("/public/admin");

    CallPlan plain = calls.plan(request("user"));
    assertThat(routing.asked.get(1).path()).isEqualTo("/user/list");
    assertThat(((CallPlan.Routed) plain).path()).as("nothing to normalize: the application's URL is kept").isNull();
  }

  @Test
  void rewrittenAuthorityBecomesTheHostHeader() {
    Decision.Actions actions =
        new Decision.Actions(null, "users.internal", null, null, null, null, null, null, null, null, null);
    CallPlan plan = new MeshCalls(new FixedRouting(decision(Decision.Outcome.ROUTE, 200, null, actions)))
        .plan(request("user:80"));

    assertThat(((CallPlan.Routed) plan).hostHeader()).isEqualTo("users.internal");
  }

  @Test
  void unknownHostIsLeftUntouched() {
    CallPlan plan = new MeshCalls(new FixedRouting(decision(Decision.Outcome.PASSTHROUGH, 0, null, null)))
        .plan(request("example.org"));

    assertThat(plan).isSameAs(CallPlan.UNTOUCHED);
  }

  @Test
  void noInstanceIsAnsweredWithAMessageNamingHostSubsetAndReason() {
    CallPlan plan =
        new MeshCalls(new FixedRouting(decision(Decision.Outcome.NO_INSTANCE, 503, "no endpoint in subset v2", null)))
            .plan(request("user"));

    assertThat(plan).isInstanceOfSatisfying(CallPlan.Answered.class, answered -> {
      assertThat(answered.status()).isEqualTo(503);
      assertThat(answered.message())
          .isEqualTo("inboard answered 503 for user.traffic-management.svc.cluster.local subset v2: no endpoint in subset v2");
      assertThat(new RefusedCall(answered)).hasMessage(answered.message());
    });
  }

  @Test
  void noRouteNamesTheAuthorityCalled() {
    CallPlan plan =
        new MeshCalls(new FixedRouting(decision(Decision.Outcome.NO_ROUTE, 404, null, null))).plan(request("nowhere"));

    assertThat(((CallPlan.Answered) plan).message()).isEqualTo("inboard answered 404 for nowhere: no_route");
  }

  @Test
  void injectedAbortIsAnsweredEvenWhenARouteWasChosen() {
    Decision.Actions actions =
        new Decision.Actions(null, null, null, null, null, null, new Decision.Fault(null, 418), null, null, null, null);
    CallPlan plan = new MeshCalls(new FixedRouting(decision(Decision.Outcome.ROUTE, 200, null, actions)))
        .plan(request("user"));

    assertThat(plan).isInstanceOfSatisfying(CallPlan.Answered.class, a -> {
      assertThat(a.status()).isEqualTo(418);
      assertThat(a.delay()).as("no delay injected").isNull();
    });
  }

  @Test
  void anAbortWithADelayCarriesTheDelayToWaitBeforeTheAnswerAsEnvoysFaultFilterDoes() {
    Decision.Actions actions = new Decision.Actions(
        null, null, null, null, null, null, new Decision.Fault(Duration.ofMillis(300), 503), null, null, null, null);
    CallPlan plan = new MeshCalls(new FixedRouting(decision(Decision.Outcome.ROUTE, 200, null, actions)))
        .plan(request("user"));

    assertThat(plan).isInstanceOfSatisfying(CallPlan.Answered.class, a -> {
      assertThat(a.status()).isEqualTo(503);
      assertThat(a.delay()).isEqualTo(Duration.ofMillis(300));
    });
  }

  @Test
  void contextHeadersAreAddedOnlyWhereTheCallLacksThem() {
    Map<String, String> sent = new LinkedHashMap<>(Map.of("my-header", "own"));
    PropagationContext context =
        PropagationContext.of(Map.of("my-header", List.of("alice"), "mode", List.of("dev")));
    try (Scope ignored = PropagationContext.attach(context)) {
      MeshCalls.addContextHeaders(sent::containsKey, sent::put);
    }

    assertThat(sent).containsExactlyInAnyOrderEntriesOf(Map.of("my-header", "own", "mode", "dev"));
  }

  @Test
  void noContextAddsNothing() {
    Map<String, String> sent = new LinkedHashMap<>();
    MeshCalls.addContextHeaders(sent::containsKey, sent::put);

    assertThat(sent).isEmpty();
  }

  @Test
  void onlyPlainHttpIsRouted() {
    assertThat(MeshCalls.routable("http")).isTrue();
    assertThat(MeshCalls.routable("HTTP")).isTrue();
    assertThat(MeshCalls.routable("https")).isFalse();
  }

  @Test
  void instanceTargetKeepsPathAndQueryAndBracketsIpv6() {
    assertThat(JdkHttpRouting.target("10.0.0.7", 8082, "/a%20b", "q=1"))
        .isEqualTo(URI.create("http://10.0.0.7:8082/a%20b?q=1"));
    assertThat(JdkHttpRouting.target("::1", 9000, "", null)).isEqualTo(URI.create("http://[::1]:9000/"));
  }

  @Test
  void authorityOmitsAnAbsentPort() {
    assertThat(OutgoingRequest.authority("user", -1)).isEqualTo("user");
    assertThat(OutgoingRequest.authority("user", 8080)).isEqualTo("user:8080");
  }

  @Test
  void routerFailureReachesTheClientRoutingWhichFailsOpen() {
    OutboundRouting failing =
        new FixedRouting(null) {
          @Override
          public Decision decide(RequestView request) {
            throw new IllegalStateException("boom");
          }
        };
    assertThatThrownBy(() -> new MeshCalls(failing).plan(request("user"))).hasMessage("boom");

    java.net.http.HttpRequest app = java.net.http.HttpRequest.newBuilder(URI.create("http://user/x")).build();
    assertThat(new JdkHttpRouting(new MeshCalls(failing)).request(app)).isSameAs(app);
  }

  /**
   * A rule's corsPolicy is the gateway's business: a service calling another is not a browser, so a
   * preflight-shaped call under a rule with a policy is planned exactly as under the same rule
   * without one (sent, not answered; no header added).
   */
  @Test
  void aCorsPolicyLeavesTheCallPlanAsItIsWithoutOne() {
    Cors cors = Cors.of(new CorsPolicy(List.of(StringMatch.exact("*")), List.of("GET"), null, null, null,
        true, CorsPolicy.UnmatchedPreflights.IGNORE));
    Map<String, String> headers = Map.of("origin", "https://app.example.com", "access-control-request-method", "GET");
    OutgoingRequest preflight = new OutgoingRequest("OPTIONS", "http", "user", "/items", null, headers::get, null);
    List<CallPlan.Routed> plans = new ArrayList<>();
    for (Cors policy : java.util.Arrays.asList(cors, null)) {
      Decision.Actions actions = new Decision.Actions(null, null, null, null, null, null, null, null, null,
          null, null, policy);
      plans.add((CallPlan.Routed) new MeshCalls(new FixedRouting(decision(Decision.Outcome.ROUTE, 200, null, actions)))
          .plan(preflight));
    }
    CallPlan.Routed with = plans.get(0);
    CallPlan.Routed without = plans.get(1);
    assertThat(with.decision().actions().cors()).isSameAs(cors);
    assertThat(List.of(with.address(), with.port(), with.hostHeader(), with.headers(), String.valueOf(with.path())))
        .isEqualTo(List.of(without.address(), without.port(), without.hostHeader(), without.headers(),
            String.valueOf(without.path())));
    assertThat(with.headers().isEmpty()).isTrue();
  }
}
