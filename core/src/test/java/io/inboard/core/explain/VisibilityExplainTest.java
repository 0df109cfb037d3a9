package io.inboard.core.explain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.inboard.core.mesh.InstancesFile;
import io.inboard.core.mesh.Workload;
import io.inboard.core.parse.ResourceParser;
import io.inboard.core.snapshot.Snapshot;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Explain decides as the asking workload sees the mesh, and names what it does not see. */
class VisibilityExplainTest {
  private static Snapshot snapshot() throws Exception {
    return Snapshot.compile(1, ResourceParser.parse(text("conformance/visibility.yaml")).resources(),
        InstancesFile.parse(text("conformance/instances.yaml")));
  }

  private static String text(String resource) throws Exception {
    try (InputStream in = VisibilityExplainTest.class.getResourceAsStream("/" + resource)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static ExplainRequest from(String url, Workload from) {
    return new ExplainRequest("GET", url, Map.of(), from, null, 0, null, null);
  }

  private static List<String> notVisible(JsonNode out) {
    List<String> lines = new ArrayList<>();
    out.path("notVisible").forEach(n -> lines.add(n.asText()));
    return lines;
  }

  @Test
  void aVirtualServiceNotExportedToTheCallerIsNamedAndNotUsed() throws Exception {
    JsonNode out = Explainer.explain(snapshot(),
        from("http://orders.shop/", new Workload("traffic-management", "frontend", Map.of("app", "frontend"))));
    assertThat(out.path("matched").isNull()).isTrue();
    assertThat(notVisible(out)).containsExactly("VirtualService shop/orders-shop-only is not exported to namespace "
        + "traffic-management (exportTo [.]), so it does not route this request");
  }

  @Test
  void theDestinationRuleIsTheCallersAndTheOthersSayWhyNot() throws Exception {
    JsonNode out = Explainer.explain(snapshot(),
        from("http://user.traffic-management/", new Workload("shop", "web", Map.of("app", "web"))));
    assertThat(out.path("destination").path("subset").asText()).isEqualTo("pick");
    assertThat(out.path("instance").path("labels").path("version").asText()).isEqualTo("v2");
    assertThat(notVisible(out)).containsExactlyInAnyOrder(
        "DestinationRule team/user-part-1 is not exported to namespace shop (exportTo [.]), so it does not apply"
            + " to user.traffic-management.svc.cluster.local",
        "DestinationRule team/user-part-2 is not exported to namespace shop (exportTo [.]), so it does not apply"
            + " to user.traffic-management.svc.cluster.local",
        "DestinationRule traffic-management/user-private is not exported to namespace shop (exportTo [.]), so it"
            + " does not apply to user.traffic-management.svc.cluster.local",
        "DestinationRule traffic-management/user-canary-clients has a workloadSelector, which selects workloads of"
            + " its own namespace traffic-management only, so it does not apply to"
            + " user.traffic-management.svc.cluster.local",
        "DestinationRule shop/user-selected-in-shop selects workloads with labels {app=frontend}, which this"
            + " workload does not have, so it does not apply to user.traffic-management.svc.cluster.local");
  }

  @Test
  void withoutACallerEveryResourceIsSeen() throws Exception {
    JsonNode out = Explainer.explain(snapshot(), from("http://orders.shop/", null));
    assertThat(out.path("matched").path("virtualService").asText()).isEqualTo("shop/orders-shop-only");
    assertThat(out.has("notVisible")).isFalse();
  }

  @Test
  void aGatewayIsTakenToBeInItsGatewaysNamespace() throws Exception {
    ExplainRequest at = new ExplainRequest("GET", "http://private.example.com/", Map.of(), null,
        "istio-system/ingress", 0, null, null);
    JsonNode out = Explainer.explain(snapshot(), at);
    assertThat(out.path("status").asInt()).isEqualTo(404);
    assertThat(notVisible(out)).containsExactly("VirtualService shop/shop-private-site is not exported to namespace "
        + "istio-system (exportTo [.]), so it does not route this request");
  }
}
