package io.inboard.core.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inboard.core.mesh.Instance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StandaloneRulesFileTest {
  @TempDir Path dir;

  private Path write(String yaml) throws IOException {
    Path file = dir.resolve("rules.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  @Test
  void readsResourcesAndInstancesWithAnchorsExpanded() throws IOException {
    Path file = write("""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: user, namespace: traffic-management}
        spec:
          host: user
          subsets:
          - name: v1
            labels: {version: v1}
        ---
        kind: Instances
        instances:
        - &v1 {id: user-v1, service: user, namespace: traffic-management, address: 127.0.0.1, port: 8081, labels: {version: v1}}
        - {<<: *v1, id: user-v1b, port: 8082}
        """);
    StandaloneRulesFile.Loaded loaded = StandaloneRulesFile.read(file, 3);
    assertThat(loaded.snapshot().revision()).isEqualTo(3);
    assertThat(loaded.content().resources()).hasSize(1);
    assertThat(loaded.snapshot().instances())
        .containsExactly(
            new Instance("user-v1", "user", "traffic-management", "127.0.0.1", 8081, Map.of("version", "v1")),
            new Instance("user-v1b", "user", "traffic-management", "127.0.0.1", 8082, Map.of("version", "v1")));
  }

  @Test
  void anInvalidFileIsRefusedNamingTheFileDocumentAndProblem() throws IOException {
    Path file = write("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: user}
        spec:
          hosts: [user]
          http:
          - route:
            - destination: {host: user}
              wieght: 5
        ---
        - just a list
        """);
    assertThatThrownBy(() -> StandaloneRulesFile.read(file, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("document 1: must be a mapping")
        .hasMessageContaining("wieght");
  }

  @Test
  void malformedYamlIsRefusedWithItsLine() throws IOException {
    Path file = write("kind: VirtualService\nspec:\n  hosts: [user\n");
    assertThatThrownBy(() -> StandaloneRulesFile.read(file, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not valid YAML")
        .hasMessageContaining("line");
  }
}
