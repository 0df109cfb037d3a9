package io.inboard.agent.instrument.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.agent.instrument.outbound.RetryFixture.ScriptedRouting;
import io.inboard.core.mesh.Instance;
import io.inboard.core.propagation.PropagationContext;
import io.inboard.core.propagation.Scope;
import io.inboard.core.route.Decision;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A rule's {@code headers.request.remove} on the JDK's clients: a header the call would carry only
 * because it is propagated from the inbound request is removed, as OkHttp's interceptor does (it adds
 * the context's headers first, then applies remove/set/add).
 */
class RemovedHeadersTest {
  private static final Instance V2 =
      new Instance("user-v2", "user", "traffic-management", "10.0.0.7", 8082, Map.of("version", "v2"));
  private static final PropagationContext INBOUND =
      PropagationContext.of(Map.of("x-debug", List.of("on"), "mode", List.of("dev")));

  private static Decision removingXDebug() {
    Decision.Actions actions =
        new Decision.Actions(
            null, null, new Decision.HeaderOps(Map.of(), Map.of(), List.of("x-debug")),
            null, null, null, null, null, null, null, null);
    return new Decision(
        Decision.Outcome.ROUTE, 200, null, null,
        new Decision.Target("user.traffic-management.svc.cluster.local", "v2", 0), V2, null, actions, null);
  }

  @Test
  void theHttpClientDoesNotAddBackAPropagatedHeaderTheRuleRemoves() {
    OutgoingRequest view = new OutgoingRequest("GET", "http", "user", "/list", null, name -> null, null);
    CallPlan.Routed routed = (CallPlan.Routed) new MeshCalls(new ScriptedRouting(removingXDebug())).plan(view);

    HttpRequest sent =
        JdkHttpRouting.rewrite(HttpRequest.newBuilder(URI.create("http://user/list")).build(), routed, null, INBOUND);

    assertThat(sent.headers().firstValue("mode")).contains("dev");
    assertThat(sent.headers().firstValue("x-debug")).as("removed by the rule").isEmpty();
  }

  @Test
  void httpUrlConnectionDoesNotAddAPropagatedHeaderTheRuleRemoves() throws Exception {
    URL url = new URL("http://user/list");
    HttpURLConnection connection = (HttpURLConnection) url.openConnection();
    UrlConnectionRouting routing = new UrlConnectionRouting(new MeshCalls(new ScriptedRouting(removingXDebug())));

    Object target;
    try (Scope ignored = PropagationContext.attach(INBOUND)) {
      target = routing.connecting(connection, url);
    }

    assertThat(target).hasToString("http://10.0.0.7:8082/list");
    assertThat(connection.getRequestProperty("mode")).isEqualTo("dev");
    assertThat(connection.getRequestProperty("x-debug")).as("removed by the rule").isNull();
  }
}
