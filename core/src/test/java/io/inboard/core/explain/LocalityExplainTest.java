package io.inboard.core.explain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inboard.core.mesh.InstancesFile;
import io.inboard.core.parse.ResourceParser;
import io.inboard.core.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Explain decides with the locality of the asking workload ({@code from}) and says which priority it chose. */
class LocalityExplainTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Snapshot snapshot() {
    String rules = """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: user, namespace: shop}
        spec:
          host: user
          trafficPolicy:
            loadBalancer: {simple: ROUND_ROBIN}
            outlierDetection: {consecutive5xxErrors: 3}
        """;
    String instances = """
        instances:
        - {id: user-a, service: user, namespace: shop, address: 127.0.0.1, port: 8081, labels: {istio-locality: us-east.a}}
        - {id: user-b, service: user, namespace: shop, address: 127.0.0.1, port: 8082, labels: {istio-locality: us-east.b}}
        """;
    return Snapshot.compile(1, ResourceParser.parse(rules).resources(), InstancesFile.parse(instances));
  }

  private static JsonNode explain(String from, int samples) throws Exception {
    String request = "{\"url\": \"http://user.shop/\", \"samples\": " + samples
        + (from == null ? "" : ", \"from\": \"" + from + "\"") + "}";
    return Explainer.explain(snapshot(), ExplainRequest.fromJson(JSON.readTree(request)));
  }

  private static List<String> trace(JsonNode out) {
    List<String> lines = new ArrayList<>();
    out.path("trace").forEach(n -> lines.add(n.asText()));
    return lines;
  }

  @Test
  void theCallersZoneDecidesWhichInstanceItsRequestsGoTo() throws Exception {
    JsonNode inA = explain("shop/web,topology.kubernetes.io/region=us-east,topology.kubernetes.io/zone=a", 100);
    assertThat(inA.path("byInstance").path("user-a").asInt()).isEqualTo(100);
    JsonNode inB = explain("shop/web,istio-locality=us-east.b", 100);
    assertThat(inB.path("byInstance").path("user-b").asInt()).isEqualTo(100);
  }

  @Test
  void theTraceNamesThePrioritiesAndTheOneChosen() throws Exception {
    JsonNode out = explain("shop/web,istio-locality=us-east.b", 0);
    assertThat(out.path("instance").path("id").asText()).isEqualTo("user-b");
    assertThat(trace(out)).contains("locality failover for the caller at us-east/b/: priority 0 (same locality) "
        + "[user-b]; priority 1 (same region) [user-a]. Shares now: priority 0 (same locality) 100.0%, "
        + "priority 1 (same region) 0.0%; chose priority 0 (same locality)");
  }

  @Test
  void withoutACallerThereIsNoLocalityPreference() throws Exception {
    JsonNode out = explain(null, 100);
    assertThat(out.path("byInstance").path("user-a").asInt()).isEqualTo(50);
    assertThat(out.path("byInstance").path("user-b").asInt()).isEqualTo(50);
  }
}
