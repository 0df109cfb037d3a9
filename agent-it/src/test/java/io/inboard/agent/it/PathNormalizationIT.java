package io.inboard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A call's path is normalized before its route is picked, and sent normalized, as an Envoy sidecar
 * does by Istio's default ({@code pathNormalization: BASE}): a path that climbs out of one prefix
 * into another, or spells it with escapes, meets the rules for where it really goes. Without it,
 * {@code /public/../v2/echo} would miss the {@code /v2} rule that the instance's own server, which
 * resolves the dots, then serves.
 */
class PathNormalizationIT extends TwoUserInstances {
  static final String RULES =
      """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: user, namespace: traffic-management}
      spec:
        host: user
        subsets:
        - {name: v1, labels: {version: v1}}
        - {name: v2, labels: {version: v2}}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: user, namespace: traffic-management}
      spec:
        hosts: [user]
        http:
        - match: [{uri: {prefix: /v2/}}]
          route: [{destination: {host: user, subset: v2}}]
        - route: [{destination: {host: user, subset: v1}}]
      """;

  @TempDir static Path dir;
  @Test
  void everyClientsCallIsRoutedAndSentByItsNormalizedPath() throws Exception {
    Path rules = MeshFile.empty().with(RULES).instances("user", "traffic-management", v1, v2)
        .write(dir, "path-normalization.yaml");
    Map<String, String> options = Map.of(
        "inboard.service", "front",
        "inboard.namespace", "traffic-management",
        "inboard.config", rules.toString());
    try (ForkedService service = ForkedService.start("path-normalization", Jdks.available().get(0), "jetty", options,
        ForkedService.CLASSPATH)) {
      for (String client : List.of("okhttp", "jdk", "jdk-async", "huc")) {
        CallResult plain = ServiceCalls.call(service, client, "request", 1, "http://user/public/echo", Map.of()).get(0);
        assertThat(plain.version()).as(client + ": " + plain.line()).isEqualTo("v1");
        assertThat(plain.fields().get("path")).as(client + ": " + plain.line()).isEqualTo("/public/echo");

        CallResult dotted =
            ServiceCalls.call(service, client, "request", 1, "http://user/public/../v2/./echo", Map.of()).get(0);
        assertThat(dotted.version()).as(client + ": " + dotted.line()).isEqualTo("v2");
        assertThat(dotted.fields().get("path")).as(client + ": " + dotted.line()).isEqualTo("/v2/echo");

        // %76%32 is "v2" escaped: unreserved characters are decoded before the match.
        CallResult escaped =
            ServiceCalls.call(service, client, "request", 1, "http://user/%76%32/echo?x=1", Map.of()).get(0);
        assertThat(escaped.version()).as(client + ": " + escaped.line()).isEqualTo("v2");
        assertThat(escaped.fields().get("path")).as(client + ": " + escaped.line()).isEqualTo("/v2/echo");
      }
    }
  }
}
