package io.inboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.inboard.core.snapshot.Snapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StandaloneConfigTest {
  private static final String INSTANCES = """
      kind: Instances
      instances:
      - {id: user-v1, service: user, namespace: traffic-management, address: 127.0.0.1, port: 8081, labels: {version: v1}}
      """;

  @TempDir Path dir;

  @Test
  void readsIstioDocumentsAndInstancesFromOneFile() throws Exception {
    Path file = Files.writeString(dir.resolve("mesh.yaml"), WalkThroughMesh.resource("scenarios/00-gateway.yaml")
        + "\n---\n" + WalkThroughMesh.resource("scenarios/40-dark-release.yaml") + "\n---\n" + INSTANCES);

    Snapshot snapshot = StandaloneConfig.read(file, 7);

    assertThat(snapshot.revision()).isEqualTo(7);
    assertThat(snapshot.resources()).extracting(r -> r.resource().kind() + " " + r.resource().key())
        .containsExactlyInAnyOrder("Gateway traffic-management/microservice-gateway",
            "DestinationRule traffic-management/user-destination-rule",
            "VirtualService traffic-management/user-virtual-service",
            "VirtualService traffic-management/microservice-virtual-service");
    assertThat(snapshot.instances()).extracting(i -> i.id()).containsExactly("user-v1");
  }

  @Test
  void mistakesAreNamedWithTheirDocumentAndPath() throws Exception {
    Path file = Files.writeString(dir.resolve("mesh.yaml"), """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: user, namespace: traffic-management}
        spec:
          hosts: [user]
          http:
          - route:
            - destination: {host: user}
              wieght: 10
        ---
        instances:
        - {id: user-v1, service: user, address: 127.0.0.1}
        """);

    assertThatThrownBy(() -> StandaloneConfig.read(file, 1))
        .hasMessageContaining("mesh.yaml is invalid (nothing applied)")
        .hasMessageContaining("document 1 (instances)")
        .hasMessageContaining("port")
        .hasMessageContaining("wieght");
    Files.writeString(file, WalkThroughMesh.resource("scenarios/00-gateway.yaml").replace("selector:", "selektor:"));
    assertThatThrownBy(() -> StandaloneConfig.read(file, 1)).hasMessageContaining("selektor");
  }

  @Test
  void aBrokenEditKeepsTheLastGoodRulesAndTheNextGoodOneIsApplied() throws Exception {
    Path file = Files.writeString(dir.resolve("mesh.yaml"), WalkThroughMesh.resource("scenarios/00-gateway.yaml"));
    List<Snapshot> applied = new CopyOnWriteArrayList<>();
    try (StandaloneConfig config = new StandaloneConfig(file, 50)) {
      config.start(applied::add);
      assertThat(applied).hasSize(1);

      Files.writeString(file, "kind: [unclosed");
      Thread.sleep(500); // ten polls: none may apply anything
      assertThat(applied).hasSize(1);

      Files.writeString(file, WalkThroughMesh.resource("scenarios/00-gateway.yaml") + "\n---\n" + INSTANCES);
      await().atMost(Duration.ofSeconds(20)).until(() -> applied.size() >= 2);
      Thread.sleep(500); // ten more polls: the settled file is applied once, never half-written
      assertThat(applied).hasSize(2);
      assertThat(applied.get(1).revision()).isEqualTo(2);
      assertThat(applied.get(1).instances()).hasSize(1);
    }
  }
}
