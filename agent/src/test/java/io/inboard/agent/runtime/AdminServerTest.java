package io.inboard.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inboard.core.route.Decision;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The admin endpoint over real HTTP: /metrics, /config, /explain. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private AgentRuntime runtime;
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    Path file = MeshFixtures.rulesFile(dir, "40-dark-release.yaml");
    runtime = AgentRuntime.startDetached(AgentOptions.parse(
        "config=" + file + ",service=frontend,namespace=traffic-management,labels=version=v1,admin-port=0,"
            + "first-snapshot-wait=60s", Map.of(), Map.of()));
    runtime.router(); // the rules are in force
  }

  @AfterAll
  void stop() {
    runtime.stop();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + runtime.adminPort() + path)).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void metricsUseIstiosNamesAndLabels() throws Exception {
    System.gc(); // the revision gauge must survive a collection
    Decision decision = runtime.router().route(MeshFixtures.userCall(Map.of("mode", "dev")));
    runtime.recordOutbound(decision, 200, 3_000_000);
    runtime.recordFailure("okhttp", new IllegalStateException("test"));
    HttpResponse<String> response = get("/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .contains("istio_requests_total{")
        .contains("reporter=\"source\"")
        .contains("destination_service=\"user.traffic-management.svc.cluster.local\"")
        .contains("destination_version=\"v2\"")
        .contains("source_workload=\"frontend\"")
        .contains("response_code=\"200\"")
        .contains("istio_request_duration_milliseconds_bucket{")
        .contains("inboard_agent_errors_total{where=\"okhttp\"} 1")
        .containsPattern("inboard_agent_snapshot_revision [1-9]");
  }

  @Test
  void configShowsTheSnapshotInForceAndItsRevision() throws Exception {
    JsonNode config = JSON.readTree(get("/config").body());
    assertThat(config.get("revision").asLong()).isEqualTo(runtime.snapshot().revision()).isPositive();
    assertThat(config.get("origin").asText()).startsWith("file ");
    assertThat(config.at("/self/service").asText()).isEqualTo("frontend");
    assertThat(config.at("/snapshot/resources").size()).isGreaterThan(0);
    assertThat(config.at("/snapshot/instances").size()).isEqualTo(2);
    assertThat(config.get("propagatedHeaders").toString()).contains("mode");
  }

  @Test
  void explainTellsWhyACallGoesWhereItGoes() throws Exception {
    String url = URLEncoder.encode("http://user/", StandardCharsets.UTF_8);
    JsonNode dev = JSON.readTree(get("/explain?url=" + url + "&method=GET&h=mode:dev").body());
    assertThat(dev.get("status").asInt()).isEqualTo(200);
    assertThat(dev.at("/destination/subset").asText()).isEqualTo("v2");
    JsonNode other = JSON.readTree(get("/explain?url=" + url).body());
    assertThat(other.at("/destination/subset").asText()).isEqualTo("v1");
  }

  @Test
  void explainWithoutUrlSaysHowToAsk() throws Exception {
    HttpResponse<String> response = get("/explain");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("/explain?url=");
  }

  @Test
  void inboundRequestsThroughTheFilterAreMeasuredAsTheDestination() throws Exception {
    // The filter's metrics go to the same registry: record one as the filter would.
    runtime.metrics().record(new io.inboard.filter.RequestSample(
        "destination", null, null, null, "frontend", "traffic-management", "frontend.traffic-management.svc.cluster.local",
        "frontend", "traffic-management", "v1", "http", 204, null, 1_000_000));
    assertThat(get("/metrics").body()).contains("reporter=\"destination\"").contains("response_code=\"204\"");
  }
}
