package io.inboard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code exportTo} on a DestinationRule, in services running with the agent: {@code user}'s own namespace keeps
 * a rule to itself ({@code exportTo: ["."]}) that sends subset {@code pick} to v1, and the root namespace exports
 * one to every namespace that sends it to v2. A caller in {@code user}'s namespace goes by the first; a caller in
 * another namespace does not see it and goes by the root namespace's, as Istio's proxies would.
 */
class ExportToIT extends TwoUserInstances {
  static final String RULES =
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: user, namespace: traffic-management}
      spec:
        hosts: [user.traffic-management.svc.cluster.local]
        http:
        - route: [{destination: {host: user.traffic-management.svc.cluster.local, subset: pick}}]
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: user-to-itself, namespace: traffic-management}
      spec:
        host: user
        exportTo: ["."]
        subsets:
        - {name: pick, labels: {version: v1}}
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: user-for-the-mesh, namespace: istio-system}
      spec:
        host: user.traffic-management.svc.cluster.local
        subsets:
        - {name: pick, labels: {version: v2}}
      """;

  @TempDir static Path dir;
  @Test
  void aDestinationRuleExportedToItsOwnNamespaceDoesNotApplyToACallerElsewhere() throws Exception {
    assertThat(versionsSeenFrom("shop")).as("the root namespace's rule").containsOnly("v2");
    assertThat(versionsSeenFrom("traffic-management")).as("the namespace's own rule").containsOnly("v1");
  }

  private static List<String> versionsSeenFrom(String namespace) throws Exception {
    Path rules = MeshFile.empty().with(RULES).instances("user", "traffic-management", v1, v2)
        .write(dir, "export-" + namespace + ".yaml");
    Map<String, String> options = Map.of(
        "inboard.service", "front",
        "inboard.namespace", namespace,
        "inboard.config", rules.toString());
    Jdks.Jdk jdk = Jdks.available().get(0);
    try (ForkedService service = ForkedService.start("export-" + namespace, jdk, "jetty", options,
        ForkedService.CLASSPATH)) {
      List<CallResult> calls = new java.util.ArrayList<>();
      for (String client : List.of("okhttp", "jdk")) {
        calls.addAll(ServiceCalls.call(service, client, "request", 2, "http://user.traffic-management/echo", Map.of()));
      }
      assertThat(calls).as(namespace + ": " + calls).allSatisfy(c -> assertThat(c.status()).as(c.line()).isEqualTo(200));
      return calls.stream().map(CallResult::version).toList();
    }
  }
}
