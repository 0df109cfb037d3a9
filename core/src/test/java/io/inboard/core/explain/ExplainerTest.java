package io.inboard.core.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inboard.core.mesh.InstancesFile;
import io.inboard.core.mesh.Workload;
import io.inboard.core.parse.ParsedResource;
import io.inboard.core.parse.ResourceParser;
import io.inboard.core.snapshot.Snapshot;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExplainerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static String text(String resource) throws Exception {
    try (InputStream in = ExplainerTest.class.getResourceAsStream("/" + resource)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static Snapshot snapshot(String... files) throws Exception {
    List<ParsedResource> resources = new ArrayList<>();
    for (String f : files) {
      resources.addAll(ResourceParser.parse(text("scenarios/" + f)).resources());
    }
    return Snapshot.compile(3, resources, InstancesFile.parse(text("scenarios/instances.yaml")));
  }

  @Test
  void readsTheDocumentedJsonForm() throws Exception {
    ExplainRequest r = ExplainRequest.fromJson(JSON.readTree("""
        {"method":"GET","url":"http://user/","headers":{"Mode":"dev","x-many":["a","b"]},
         "from":"traffic-management/frontend,version=v1","gateway":null,"samples":0,"varyHeader":null}"""));
    assertThat(r.method()).isEqualTo("GET");
    assertThat(r.headers()).containsEntry("mode", List.of("dev")).containsEntry("x-many", List.of("a", "b"));
    assertThat(r.from()).isEqualTo(new Workload("traffic-management", "frontend", Map.of("version", "v1")));
    assertThat(r.gateway()).isNull();
    assertThat(ExplainRequest.fromJson(r.toJson(JSON))).isEqualTo(r);
  }

  @Test
  void badJsonSaysWhichFieldAndHowToFixIt() throws Exception {
    assertThatThrownBy(() -> ExplainRequest.fromJson(JSON.readTree("{\"url\":\"http://u/\",\"heders\":{}}")))
        .hasMessageContaining("unknown field 'heders'").hasMessageContaining("headers");
    assertThatThrownBy(() -> ExplainRequest.fromJson(JSON.readTree("{\"method\":\"GET\"}")))
        .hasMessageContaining("url is required");
    assertThatThrownBy(() -> ExplainRequest.fromJson(JSON.readTree("{\"url\":\"http://u/\",\"from\":\"frontend\"}")))
        .hasMessageContaining("NAMESPACE/SERVICE");
    assertThatThrownBy(() -> ExplainRequest.fromJson(JSON.readTree("{\"url\":\"http://u/\",\"gateway\":\"gw\"}")))
        .hasMessageContaining("NAMESPACE/NAME");
    assertThatThrownBy(() -> ExplainRequest.fromJson(JSON.readTree("{\"url\":\"http://u/\",\"varyHeader\":\"x\"}")))
        .hasMessageContaining("samples");
    assertThatThrownBy(() -> ExplainRequest.fromJson(JSON.readTree("{\"url\":\"http://u/\",\"samples\":\"many\"}")))
        .hasMessageContaining("whole number");
  }

  @Test
  void oneDecisionHasTheStableFields() throws Exception {
    ObjectNode out = Explainer.explain(snapshot("00-gateway.yaml", "10-canary.yaml"),
        new ExplainRequest("GET", "http://microservice.traffic-management.example.com/user/list?x=1", Map.of(),
            null, "traffic-management/microservice-gateway", 0, null));
    assertThat(out.get("status").asInt()).isEqualTo(200);
    assertThat(out.get("reason").asText()).contains("user-by-prefix");
    assertThat(out.get("matched").get("virtualService").asText()).isEqualTo("traffic-management/microservice-virtual-service");
    assertThat(out.get("matched").get("rule").asInt()).isZero();
    assertThat(out.get("destination").get("host").asText()).isEqualTo("user.traffic-management.svc.cluster.local");
    assertThat(out.get("destination").get("subset").asText()).isIn("v1", "v2");
    assertThat(out.get("destination").get("port").asInt()).isZero();
    JsonNode instance = out.get("instance");
    assertThat(instance.get("id").asText()).isIn("user-v1", "user-v2");
    assertThat(instance.get("address").asText()).isEqualTo("127.0.0.1");
    assertThat(instance.get("labels").get("app").asText()).isEqualTo("user");
    assertThat(out.has("hashKey")).isTrue();
    assertThat(out.get("actions").get("rewrittenPath").asText()).isEqualTo("/list");
    assertThat(out.get("actions").get("retries").get("attempts").asInt()).isEqualTo(2);
    assertThat(out.get("trace").size()).isGreaterThan(2);
  }

  @Test
  void samplesCountDecisionsReproducibly() throws Exception {
    Snapshot s = snapshot("00-gateway.yaml", "30-sticky-canary.yaml");
    ExplainRequest r = new ExplainRequest("GET", "http://user/", Map.of(),
        new Workload("traffic-management", "frontend", Map.of()), null, 2000, "my-header");
    ObjectNode out = Explainer.explain(s, r);
    assertThat(out.get("samples").asInt()).isEqualTo(2000);
    assertThat(out.get("byStatus").get("200").asInt()).isEqualTo(2000);
    assertThat(out.get("bySubset").get("v1").asInt() + out.get("bySubset").get("v2").asInt()).isEqualTo(2000);
    assertThat(out.get("byInstance").get("user-v2").asInt()).isEqualTo(out.get("bySubset").get("v2").asInt());
    assertThat(Explainer.explain(s, r)).isEqualTo(out);
  }

  @Test
  void durationsUseIstioForm() {
    assertThat(DecisionJson.duration(Duration.ofSeconds(2))).isEqualTo("2s");
    assertThat(DecisionJson.duration(Duration.ofMillis(250))).isEqualTo("250ms");
    assertThat(DecisionJson.duration(Duration.ofMillis(1500))).isEqualTo("1.5s");
  }
}
