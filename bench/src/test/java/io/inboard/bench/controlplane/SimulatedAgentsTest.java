package io.inboard.bench.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SimulatedAgentsTest {
  private static int marker(String json) {
    return SimulatedAgents.marker(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void findsTheEditNumberInTheCanaryWeight() {
    String snapshot = "{\"revision\":7,\"resources\":[{\"spec\":{\"http\":[{\"route\":[{\"weight\":9000},"
        + "{\"weight\":1042}]}]}}],\"instances\":[{\"port\":20001}]}";
    assertThat(marker(snapshot)).isEqualTo(42);
    assertThat(marker("{\"weight\": 1000}")).isZero();
  }

  @Test
  void ignoresWeightsThatAreNotTheMarker() {
    assertThat(marker("{\"weight\":90},{\"weight\":10}")).isEqualTo(-1);
    assertThat(marker("{\"weight\":9000}")).isEqualTo(-1);
    assertThat(marker("{\"weight\":10000}")).isEqualTo(-1);
    assertThat(marker("{\"weight\":100}")).isEqualTo(-1);
  }
}
