package io.inboard.core.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inboard.core.mesh.Instance;
import io.inboard.core.parse.ResourceParser;
import io.inboard.core.snapshot.Snapshot;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapshotWireTest {
  private static final String RULE = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: user-virtual-service
        namespace: traffic-management
        resourceVersion: "7"
      spec:
        hosts:
        - user
        http:
        - route:
          - destination:
              host: user
      """;

  private static ObjectNode document() {
    return ResourceParser.parse(RULE).resources().get(0).source();
  }

  private static final Instance V1 =
      new Instance("user-v1", "user", "traffic-management", "127.0.0.1", 8081, Map.of("version", "v1", "app", "user"));

  @Test
  void encodedSnapshotDecodesToTheSameContent() {
    SnapshotWire.Content content = new SnapshotWire.Content(42, List.of(document()), List.of(V1));
    SnapshotWire.Content back = SnapshotWire.decode(SnapshotWire.encode(content));
    assertThat(back).isEqualTo(content);
    assertThat(back.toJson()).isEqualTo(content.toJson());
  }

  @Test
  void decodedSnapshotCompilesWithItsRevisionResourcesAndInstances() {
    byte[] wire = new SnapshotWire.Content(42, List.of(document()), List.of(V1)).toJson();
    Snapshot snapshot = SnapshotWire.decodeSnapshot(wire);
    assertThat(snapshot.revision()).isEqualTo(42);
    assertThat(snapshot.instances()).containsExactly(V1);
    assertThat(snapshot.resources()).hasSize(1);
    assertThat(snapshot.resources().get(0).resource().key()).isEqualTo("traffic-management/user-virtual-service");
  }

  @Test
  void instancesAreWrittenWithTheirLabelsInNameOrder() {
    String json = new String(SnapshotWire.encode(new SnapshotWire.Content(1, List.of(), List.of(V1))),
        StandardCharsets.UTF_8);
    assertThat(json).isEqualTo("{\"revision\":1,\"resources\":[],\"instances\":[{\"id\":\"user-v1\",\"service\":\"user\","
        + "\"namespace\":\"traffic-management\",\"address\":\"127.0.0.1\",\"port\":8081,"
        + "\"labels\":{\"app\":\"user\",\"version\":\"v1\"}}]}");
  }

  @Test
  void aSnapshotWithAnInvalidResourceIsRefusedNamingIt() {
    ObjectNode bad = document();
    bad.withObjectProperty("spec").put("wieght", 5);
    SnapshotWire.Content content = new SnapshotWire.Content(3, List.of(document(), bad), List.of());
    assertThatThrownBy(content::compile)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("resources[1]")
        .hasMessageContaining("wieght");
  }

  @Test
  void somethingThatIsNotASnapshotIsRefused() {
    assertThatThrownBy(() -> SnapshotWire.decode("{\"revision\":1}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a snapshot");
    assertThatThrownBy(() -> SnapshotWire.decode("nope".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not JSON");
    ObjectNode noPort = new ObjectMapper().createObjectNode();
    noPort.put("revision", 1).putArray("resources");
    noPort.putArray("instances").addObject().put("id", "x").put("service", "s").put("address", "a");
    assertThatThrownBy(() -> SnapshotWire.decode(noPort.toString().getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port");
  }
}
