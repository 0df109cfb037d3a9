package io.inboard.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.mesh.Instance;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutboundInFlightTest {
  private final OutboundInFlight inFlight = new OutboundInFlight();

  private static Instance instance(String id) {
    return new Instance(id, "user", "traffic-management", "127.0.0.1", 8081, Map.of("version", "v1"));
  }

  @Test
  void countsCallsInFlightPerInstanceId() {
    Instance v1 = instance("user-v1");
    Instance v2 = instance("user-v2");
    inFlight.started(v1);
    inFlight.started(v1);
    inFlight.started(v2);
    inFlight.finished(v1);

    assertThat(inFlight.inFlight("user-v1")).isEqualTo(1);
    assertThat(inFlight.inFlight("user-v2")).isEqualTo(1);
    assertThat(inFlight.inFlight("user-v3")).isZero();
  }

  @Test
  void theSameInstanceFromANewSnapshotSharesTheCount() {
    inFlight.started(instance("user-v1"));
    Instance fromNextSnapshot = instance("user-v1"); // equal, but another object

    inFlight.started(fromNextSnapshot);
    assertThat(inFlight.inFlight("user-v1")).isEqualTo(2);
    inFlight.finished(fromNextSnapshot);
    inFlight.finished(fromNextSnapshot);
    assertThat(inFlight.inFlight("user-v1")).isZero();
  }

  @Test
  void aFinishWithoutAStartNeverGoesBelowZero() {
    Instance v1 = instance("user-v1");
    inFlight.finished(v1);
    inFlight.started(v1);

    assertThat(inFlight.inFlight("user-v1")).isEqualTo(1);
  }

  @Test
  void manyInstancesEachKeepTheirOwnCount() {
    // More instances than the identity table has slots: collisions fall back to the map.
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 200; i++) {
        inFlight.started(instance("i-" + i));
      }
    }
    for (int i = 0; i < 200; i++) {
      assertThat(inFlight.inFlight("i-" + i)).isEqualTo(3);
    }
  }
}
