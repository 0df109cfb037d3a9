package io.inboard.core.propagation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inboard.core.snapshot.Snapshot;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PropagatedHeadersTest {
  @Test
  void aConfiguredListIsTrimmedAndLowerCased() {
    assertThat(PropagatedHeaders.parseList(" My-Header, mode ,,X-Tenant", "option propagate"))
        .containsExactlyInAnyOrder("my-header", "mode", "x-tenant");
  }

  @Test
  void anInvalidNameIsRefusedNamingTheSettingAndTheEntry() {
    assertThatThrownBy(() -> PropagatedHeaders.parseList("my-header,bad header", "option propagate"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("option propagate")
        .hasMessageContaining("'bad header'");
  }

  @Test
  void traceHeadersAndExtrasAreAlwaysPropagated() {
    Set<String> names = PropagatedHeaders.of(Snapshot.EMPTY, List.of("X-Tenant"));
    assertThat(names).containsAll(TraceHeaders.NAMES).contains("x-tenant");
  }

  @Test
  void withoutSnapshotTheTraceHeadersAndExtrasRemain() {
    assertThat(PropagatedHeaders.of(null, List.of("mode")))
        .containsAll(TraceHeaders.NAMES)
        .contains("mode")
        .hasSize(TraceHeaders.NAMES.size() + 1);
  }

  @Test
  void generatedRequestIdsAreVersion4UuidsAndDistinct() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String id = RequestId.generate();
      assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
      ids.add(id);
    }
    assertThat(ids).hasSize(1000);
  }
}
