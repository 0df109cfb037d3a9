package io.inboard.agent.instrument.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.agent.instrument.OutboundRouting;
import io.inboard.core.mesh.Instance;
import io.inboard.core.mesh.Workload;
import io.inboard.core.model.CorsPolicy;
import io.inboard.core.model.StringMatch;
import io.inboard.core.route.Cors;
import io.inboard.core.route.Decision;
import io.inboard.core.route.RequestView;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A rule's corsPolicy is the gateway's business: a JVM calling another service is not a browser,
 * so the agent plans a call under a rule with a policy exactly as under the same rule without one,
 * a preflight-shaped call included (it is sent, not answered).
 */
class CorsPolicyOutboundTest {
  private static final Instance V1 = new Instance("user-v1", "user", "shop", "10.0.0.5", 8081, Map.of());
  private static final Cors CORS = Cors.of(new CorsPolicy(List.of(StringMatch.exact("*")), List.of("GET"),
      null, null, null, true, CorsPolicy.UnmatchedPreflights.IGNORE));

  private static Decision routed(Cors cors) {
    Decision.Actions actions = new Decision.Actions(null, null, null, null, null, null, null, null, null,
        null, null, cors);
    return new Decision(Decision.Outcome.ROUTE, 200, "matched", null,
        new Decision.Target("user.shop.svc.cluster.local", null, 0), V1, null, actions, null);
  }

  private static CallPlan plan(Decision decision) {
    OutboundRouting routing = new OutboundRouting() {
      @Override
      public Decision decide(RequestView request) {
        return decision;
      }

      @Override
      public Workload caller() {
        return new Workload("shop", "front", Map.of());
      }

      @Override
      public void recordOutbound(Decision d, int status, long durationNanos) {}

      @Override
      public void recordFailure(String where, Throwable error) {}
    };
    Map<String, String> headers = Map.of("origin", "https://app.example.com", "access-control-request-method", "GET");
    return new MeshCalls(routing).plan(
        new OutgoingRequest("OPTIONS", "http", "user", "/items", null, headers::get, null));
  }

  @Test
  void aPreflightShapedCallIsRoutedAsIfTheRuleHadNoCorsPolicy() {
    CallPlan with = plan(routed(CORS));
    CallPlan without = plan(routed(null));
    assertThat(with).isInstanceOf(CallPlan.Routed.class);
    CallPlan.Routed a = (CallPlan.Routed) with;
    CallPlan.Routed b = (CallPlan.Routed) without;
    assertThat(List.of(a.address(), a.port(), a.hostHeader(), a.headers(), String.valueOf(a.path())))
        .isEqualTo(List.of(b.address(), b.port(), b.hostHeader(), b.headers(), String.valueOf(b.path())));
    assertThat(a.headers().isEmpty()).as("no header operations added for CORS").isTrue();
  }
}
