package io.inboard.core.lb;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.mesh.Instance;
import io.inboard.core.model.Warmup;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Which instances a caller warms up, and from when, across snapshots. */
class SlowStartTest {
  private static final String HOST = "user.default.svc.cluster.local";
  private static final Warmup WARMUP = Warmup.of(Duration.ofSeconds(10));
  private static final long SECOND = 1_000_000_000L;

  private final AtomicLong clock = new AtomicLong(5 * SECOND);
  private final SlowStart slowStart = new SlowStart(clock::get);

  private static Instance instance(String id, int port) {
    return new Instance(id, "user", "default", "127.0.0.1", port, Map.of());
  }

  private static final Instance A = instance("a", 8001);
  private static final Instance B = instance("b", 8002);
  private static final Instance C = instance("c", 8003);

  private DestinationArrivals apply(Instance... instances) {
    slowStart.apply(List.of(new WarmingDestination(HOST, null, 0, WARMUP, List.of(instances))));
    return slowStart.destination(HOST, null, 0);
  }

  @Test
  void theInstancesOfADestinationFirstSeenAreNotWarmedUp() {
    DestinationArrivals d = apply(A, B);
    assertThat(d.anyWarming(clock.get())).isFalse();
    assertThat(d.factor(A, clock.get())).isEqualTo(1);
    assertThat(d.factor(B, clock.get())).isEqualTo(1);
  }

  @Test
  void anInstanceThatJoinsLaterWarmsUpFromWhenItWasFirstSeen() {
    apply(A, B);
    clock.addAndGet(100 * SECOND);
    DestinationArrivals d = apply(A, B, C);
    long joined = clock.get();
    assertThat(d.anyWarming(joined)).isTrue();
    assertThat(d.factor(C, joined)).isEqualTo(0.1);
    assertThat(d.factor(A, joined)).isEqualTo(1);
    clock.addAndGet(4 * SECOND);
    // A later snapshot with the same instances does not restart its warm-up.
    d = apply(A, B, C);
    assertThat(d.factor(C, clock.get())).isEqualTo(0.4);
    assertThat(d.warmingNanos(C, clock.get())).isEqualTo(4 * SECOND);
    clock.addAndGet(6 * SECOND);
    assertThat(d.factor(C, clock.get())).isEqualTo(1);
    assertThat(d.anyWarming(clock.get())).isFalse();
    assertThat(d.warmingNanos(C, clock.get())).isEqualTo(-1);
  }

  @Test
  void anInstanceThatLeavesAndComesBackOrMovesWarmsUpAgain() {
    apply(A, B, C);
    clock.addAndGet(SECOND);
    apply(A, B);
    clock.addAndGet(SECOND);
    DestinationArrivals d = apply(A, B, C);
    assertThat(d.factor(C, clock.get())).isEqualTo(0.1);
    Instance movedB = instance("b", 9002);
    d = apply(A, movedB, C);
    assertThat(d.factor(movedB, clock.get())).as("same id at another address is another endpoint").isEqualTo(0.1);
    assertThat(d.factor(A, clock.get())).isEqualTo(1);
  }

  @Test
  void aDestinationNoLongerWarmedIsForgottenAndStartsAfreshWhenItIsAgain() {
    apply(A);
    slowStart.apply(List.of());
    assertThat(slowStart.destination(HOST, null, 0)).isNull();
    DestinationArrivals d = apply(A, B);
    assertThat(d.factor(B, clock.get())).as("present when the warm-up was set again").isEqualTo(1);
  }

  @Test
  void eachSubsetAndPortIsADestinationOfItsOwn() {
    slowStart.apply(List.of(new WarmingDestination(HOST, null, 0, WARMUP, List.of(A)),
        new WarmingDestination(HOST, "v1", 0, WARMUP, List.of(A)),
        new WarmingDestination(HOST, "v1", 9080, WARMUP, List.of(A))));
    slowStart.apply(List.of(new WarmingDestination(HOST, null, 0, WARMUP, List.of(A, B)),
        new WarmingDestination(HOST, "v1", 0, WARMUP, List.of(A)),
        new WarmingDestination(HOST, "v1", 9080, WARMUP, List.of(A, B))));
    assertThat(slowStart.destination(HOST, null, 0).factor(B, clock.get())).isEqualTo(0.1);
    assertThat(slowStart.destination(HOST, "v1", 9080).factor(B, clock.get())).isEqualTo(0.1);
    assertThat(slowStart.destination(HOST, "v1", 0).anyWarming(clock.get())).isFalse();
  }
}
