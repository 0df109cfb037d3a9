package io.inboard.core.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.mesh.Instance;
import io.inboard.core.route.RetryPolicy.Failure;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private static final Decision.Retries ISTIO_DEFAULT = RouteTable.DEFAULT_RETRIES;

  private static Decision.Retries on(String... conditions) {
    return new Decision.Retries(3, Duration.ofSeconds(1), List.of(conditions));
  }

  @Test
  void grpcConditionsRetryTheirStatusCodesOnly() {
    assertThat(RetryPolicy.retriesGrpcStatus(on("unavailable"), 14)).isTrue();
    assertThat(RetryPolicy.retriesGrpcStatus(on("unavailable"), 13)).isFalse();
    assertThat(RetryPolicy.retriesGrpcStatus(on("5xx", "internal", "resource-exhausted"), 13)).isTrue();
    assertThat(RetryPolicy.retriesGrpcStatus(on("resource-exhausted"), 8)).isTrue();
    assertThat(RetryPolicy.retriesGrpcStatus(on("deadline-exceeded"), 4)).isTrue();
    assertThat(RetryPolicy.retriesGrpcStatus(on("cancelled"), 1)).isTrue();
    assertThat(RetryPolicy.retriesGrpcStatus(on("5xx", "gateway-error", "reset"), 14))
        .as("HTTP conditions do not read grpc-status").isFalse();
    assertThat(RetryPolicy.retriesGrpcStatus(on("unavailable"), 0)).isFalse();
    assertThat(RetryPolicy.retriesGrpcStatus(ISTIO_DEFAULT, 14)).as("Istio's default has unavailable").isTrue();
    assertThat(RetryPolicy.retriesGrpcStatus(ISTIO_DEFAULT, 1)).as("and cancelled").isTrue();
    assertThat(RetryPolicy.retriesGrpcStatus(ISTIO_DEFAULT, 13)).isFalse();
    assertThat(RetryPolicy.retriesGrpcStatus(null, 14)).isFalse();
  }

  @Test
  void istiosDefaultRetriesA503AndAConnectFailureOnlyTwice() {
    assertThat(RetryPolicy.retriesStatus(ISTIO_DEFAULT, 503)).isTrue();
    assertThat(RetryPolicy.retriesStatus(ISTIO_DEFAULT, 500)).isFalse();
    assertThat(RetryPolicy.retriesStatus(ISTIO_DEFAULT, 502)).isFalse();
    assertThat(RetryPolicy.retriesFailure(ISTIO_DEFAULT, Failure.CONNECT)).isTrue();
    assertThat(RetryPolicy.retriesFailure(ISTIO_DEFAULT, Failure.RESET)).isFalse();
    assertThat(RetryPolicy.retriesFailure(ISTIO_DEFAULT, Failure.PER_TRY_TIMEOUT)).isFalse();
    assertThat(RetryPolicy.mayRetry(ISTIO_DEFAULT, 1, "GET", false)).isTrue();
    assertThat(RetryPolicy.mayRetry(ISTIO_DEFAULT, 2, "GET", false)).isFalse();
  }

  @Test
  void conditionsMatchEnvoysMeaning() {
    assertThat(RetryPolicy.retriesStatus(on("5xx"), 500)).isTrue();
    assertThat(RetryPolicy.retriesStatus(on("5xx"), 404)).isFalse();
    assertThat(RetryPolicy.retriesStatus(on("gateway-error"), 504)).isTrue();
    assertThat(RetryPolicy.retriesStatus(on("gateway-error"), 500)).isFalse();
    assertThat(RetryPolicy.retriesStatus(on("Gateway-Error"), 502)).as("conditions ignore case").isTrue();
    assertThat(RetryPolicy.retriesStatus(on("retriable-4xx"), 409)).isTrue();
    assertThat(RetryPolicy.retriesStatus(on("retriable-4xx"), 404)).isFalse();
    assertThat(RetryPolicy.retriesFailure(on("reset"), Failure.RESET)).isTrue();
    assertThat(RetryPolicy.retriesFailure(on("reset"), Failure.CONNECT)).as("no answer at all is a reset").isTrue();
    assertThat(RetryPolicy.retriesFailure(on("reset"), Failure.PER_TRY_TIMEOUT)).isTrue();
    assertThat(RetryPolicy.retriesFailure(on("gateway-error"), Failure.RESET)).as("a reset counts as a 5xx").isTrue();
    assertThat(RetryPolicy.retriesFailure(on("gateway-error"), Failure.PER_TRY_TIMEOUT)).isTrue();
    assertThat(RetryPolicy.retriesFailure(on("5xx"), Failure.CONNECT)).isTrue();
    assertThat(RetryPolicy.retriesFailure(on("connect-failure"), Failure.RESET)).isFalse();
    assertThat(RetryPolicy.retriesFailure(on("connect-failure"), Failure.PER_TRY_TIMEOUT)).isFalse();
    assertThat(RetryPolicy.retriesFailure(on("retriable-status-codes", "503"), Failure.RESET)).isFalse();
  }

  @Test
  void listedCodesRetryThoseCodesEvenBelow500AndReplaceTheDefault503() {
    Decision.Retries codes = on("retriable-status-codes", "404", "502");
    assertThat(RetryPolicy.retriesStatus(codes, 404)).isTrue();
    assertThat(RetryPolicy.retriesStatus(codes, 502)).isTrue();
    assertThat(RetryPolicy.retriesStatus(codes, 503)).as("a rule's own codes replace the default 503").isFalse();
    assertThat(RetryPolicy.retriesStatus(codes, 400)).isFalse();
  }

  @Test
  void onlyRequestsSafeToSendTwiceAreRetried() {
    Decision.Retries retries = on("5xx");
    assertThat(RetryPolicy.mayRetry(retries, 0, "GET", false)).isTrue();
    assertThat(RetryPolicy.mayRetry(retries, 0, "delete", false)).as("methods ignore case").isTrue();
    assertThat(RetryPolicy.mayRetry(retries, 0, "POST", false)).isFalse();
    assertThat(RetryPolicy.mayRetry(retries, 0, "PUT", true)).as("a body is sent once").isFalse();
    assertThat(RetryPolicy.mayRetry(retries, 3, "GET", false)).as("attempts used up").isFalse();
    assertThat(RetryPolicy.mayRetry(new Decision.Retries(0, null, List.of()), 0, "GET", false)).isFalse();
    assertThat(RetryPolicy.mayRetry(null, 0, "GET", false)).isFalse();
  }

  @Test
  void backOffDoublesFrom25MillisecondsUpTo250() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 200; i++) {
      assertThat(RetryPolicy.backoffMillis(1, random)).isBetween(12L, 25L);
      assertThat(RetryPolicy.backoffMillis(2, random)).isBetween(25L, 50L);
      assertThat(RetryPolicy.backoffMillis(4, random)).isBetween(100L, 200L);
      assertThat(RetryPolicy.backoffMillis(9, random)).isBetween(125L, 250L);
    }
  }

  @Test
  void aRetryPicksAgainUntilItFindsAnInstanceNotTriedYetAtMostFiveTimes() {
    Instance a = new Instance("a", "user", "ns", "10.0.0.1", 80, Map.of());
    Instance b = new Instance("b", "user", "ns", "10.0.0.2", 80, Map.of());
    Decision.Target target = new Decision.Target("user.ns.svc.cluster.local", null, 0);
    Decision first = routed(target, a, new Decision.Retries(2, null, List.of("5xx")));
    java.util.Iterator<Instance> picks = List.of(a, a, b).iterator();
    RequestView request = DescribedRequest.of("GET", "http://user/");
    List<Integer> attempts = new java.util.ArrayList<>();
    assertThat(RetryPolicy.retryInstance(first, request, pick -> {
      attempts.add(pick.hostSelectionAttempt());
      assertThat(pick.authority()).isEqualTo("user");
      return routed(target, picks.next(), null);
    }, List.of(a))).isEqualTo(b);
    assertThat(attempts).as("each pick is told its attempt").containsExactly(0, 1, 2);

    attempts.clear();
    assertThat(RetryPolicy.retryInstance(first, request, pick -> {
      attempts.add(pick.hostSelectionAttempt());
      return routed(target, a, null);
    }, List.of(a))).as("the last pick stands").isEqualTo(a);
    assertThat(attempts).hasSize(RetryPolicy.HOST_SELECTION_ATTEMPTS);

    Decision keeping = routed(target, a, new Decision.Retries(2, null, List.of("5xx"), null, false));
    attempts.clear();
    assertThat(RetryPolicy.retryInstance(keeping, request, pick -> {
      attempts.add(pick.hostSelectionAttempt());
      return routed(target, a, null);
    }, List.of(a))).as("retryIgnorePreviousHosts: false picks once").isEqualTo(a);
    assertThat(attempts).containsExactly(0);
  }

  @Test
  void aConsistentHashRetryWalksOnToAnInstanceNotTriedYet() {
    // The key's own instance answered 503 once. A new decision alone gives it again; the
    // host-selection attempts move on along the ring, as Envoy's previous-hosts retry does.
    String rules = """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: user, namespace: default}
        spec:
          host: user
          trafficPolicy: {loadBalancer: {consistentHash: {httpHeaderName: x-user}}}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: user, namespace: default}
        spec:
          hosts: [user]
          http:
          - route: [{destination: {host: user}}]
        """;
    List<Instance> instances = List.of(
        new Instance("user-0", "user", "default", "127.0.0.1", 8000, Map.of()),
        new Instance("user-1", "user", "default", "127.0.0.1", 8001, Map.of()),
        new Instance("user-2", "user", "default", "127.0.0.1", 8002, Map.of()));
    Router router = new Router(Fixtures.snapshotOf(rules, instances), InFlight.NONE, new java.util.SplittableRandom(7));
    io.inboard.core.mesh.Workload frontend = new io.inboard.core.mesh.Workload("default", "frontend", Map.of());
    int moved = 0;
    for (int u = 0; u < 100; u++) {
      DescribedRequest request = DescribedRequest.of("GET", "http://user/").withHeader("x-user", "user-" + u).from(frontend);
      Decision first = router.route(request);
      assertThat(router.route(request).instance()).as("the key's own instance").isEqualTo(first.instance());
      Instance retry = RetryPolicy.retryInstance(first, request, router::route, List.of(first.instance()));
      if (!retry.equals(first.instance())) {
        moved++;
      }
    }
    assertThat(moved).as("retries that reached another instance").isGreaterThan(90);
    Decision explained = router.explain(
        RetryPick.of(DescribedRequest.of("GET", "http://user/").withHeader("x-user", "bob").from(frontend), 2));
    assertThat(String.join("\n", explained.trace())).contains("(a retry's host selection attempt 2)");
  }

  private static Decision routed(Decision.Target target, Instance instance, Decision.Retries retries) {
    Decision.Actions actions = new Decision.Actions(null, null, null, null, null, retries, null, null, null, null, null);
    return new Decision(Decision.Outcome.ROUTE, 200, "test", null, target, instance, null, actions, null);
  }

  @Test
  void theRulesBackoffIsTheBaseIntervalCappedAtTenTimesIt() {
    SplittableRandom random = new SplittableRandom(11);
    Decision.Retries slow = new Decision.Retries(5, null, List.of("5xx"), Duration.ofMillis(100));
    Decision.Retries unset = new Decision.Retries(5, null, List.of("5xx"));
    for (int i = 0; i < 200; i++) {
      assertThat(RetryPolicy.backoffMillis(slow, 1, random)).isBetween(50L, 100L);
      assertThat(RetryPolicy.backoffMillis(slow, 2, random)).isBetween(100L, 200L);
      assertThat(RetryPolicy.backoffMillis(slow, 5, random)).isBetween(500L, 1000L);
      assertThat(RetryPolicy.backoffMillis(slow, 40, random)).isBetween(500L, 1000L);
      assertThat(RetryPolicy.backoffMillis(unset, 1, random)).isBetween(12L, 25L);
      assertThat(RetryPolicy.backoffMillis(null, 9, random)).isBetween(125L, 250L);
    }
  }

  @Test
  void aRetryKeepsTheFirstDestinationAndTakesOnlyAnotherInstanceOfIt() {
    Decision.Target v1 = new Decision.Target("user.default.svc.cluster.local", "v1", 0);
    Decision.Target v2 = new Decision.Target("user.default.svc.cluster.local", "v2", 0);
    Instance a = instance("user-v1-a");
    Instance b = instance("user-v1-b");
    Instance c = instance("user-v2-a");
    Decision first = routed(v1, a);

    assertThat(RetryPolicy.retryInstance(first, routed(v1, b))).isSameAs(b);
    assertThat(RetryPolicy.retryInstance(first, routed(v2, c))).as("weights rolled again: keep v1").isSameAs(a);
    assertThat(RetryPolicy.retryInstance(first, null)).isSameAs(a);
    Decision fault = new Decision(Decision.Outcome.DIRECT_RESPONSE, 503, "fault", null, null, null, null, null, null);
    assertThat(RetryPolicy.retryInstance(first, fault)).isSameAs(a);
  }

  private static Decision routed(Decision.Target target, Instance instance) {
    return new Decision(Decision.Outcome.ROUTE, 200, null, null, target, instance, null, null, null);
  }

  private static Instance instance(String id) {
    return new Instance(id, "user", "default", "127.0.0.1", 8080, Map.of());
  }
}
