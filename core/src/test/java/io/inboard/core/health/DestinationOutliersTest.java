package io.inboard.core.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.mesh.Instance;
import io.inboard.core.model.OutlierDetection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The ejection rules of one destination, on a clock the test moves. */
class DestinationOutliersTest {
  private static final String HOST = "user.default.svc.cluster.local";

  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final List<Ejection> ejections = new ArrayList<>();
  private final OutlierDetector detector = new OutlierDetector(clock::get, ejections::add);

  private DestinationOutliers track(OutlierDetection policy, Instance... instances) {
    detector.apply(List.of(new TrackedDestination(HOST, null, policy, List.of(instances))));
    return detector.destination(HOST, null);
  }

  private void advance(Duration d) {
    clock.addAndGet(d.toNanos());
  }

  private static void fail(DestinationOutliers d, Instance i, int status, int times) {
    for (int n = 0; n < times; n++) {
      d.tried(i, status);
    }
  }

  @Test
  void fiveConsecutive5xxEjectAnInstanceForTheBaseTimeByDefault() {
    Instance a = instance("a");
    Instance b = instance("b");
    DestinationOutliers d = track(OutlierDetection.DEFAULTS, a, b);

    fail(d, a, 500, 4);
    assertThat(d.isEjected(a)).isFalse();
    d.tried(a, 500);

    assertThat(d.isEjected(a)).isTrue();
    assertThat(d.isEjected(b)).isFalse();
    assertThat(d.available(List.of(a, b))).containsExactly(b);
    assertThat(ejections).singleElement().satisfies(e -> {
      assertThat(e.instance()).isEqualTo(a);
      assertThat(e.cause()).isEqualTo(Ejection.CONSECUTIVE_5XX);
      assertThat(e.duration()).isEqualTo(Duration.ofSeconds(30));
      assertThat(e.describe()).contains("ejected instance a", "for 30000 ms", "1 of 2 instance(s) ejected");
    });
  }

  @Test
  void anAnswerBelow500ResetsTheCount() {
    Instance a = instance("a");
    Instance b = instance("b");
    DestinationOutliers d = track(OutlierDetection.DEFAULTS, a, b);

    fail(d, a, 503, 4);
    d.tried(a, 404);
    fail(d, a, 503, 4);
    assertThat(d.isEjected(a)).isFalse();
    d.tried(a, 503);
    assertThat(d.isEjected(a)).isTrue();
  }

  @Test
  void gatewayErrorsCountOnTheirOwnAndAnother5xxResetsThem() {
    Instance a = instance("a");
    Instance b = instance("b");
    // consecutive5xxErrors 0 turns the 5xx count off; three gateway errors eject.
    DestinationOutliers d = track(policy(0, 3, 30, 100), a, b);

    fail(d, a, 500, 20);
    assertThat(d.isEjected(a)).as("500 is not a gateway error").isFalse();
    fail(d, a, 502, 2);
    d.tried(a, 500);
    fail(d, a, 504, 2);
    assertThat(d.isEjected(a)).as("the 500 reset the gateway count").isFalse();
    d.tried(a, 503);
    assertThat(d.isEjected(a)).isTrue();
    assertThat(ejections).singleElement().extracting(Ejection::cause).isEqualTo(Ejection.CONSECUTIVE_GATEWAY_ERRORS);
  }

  @Test
  void aTryWithoutAnAnswerCountsAsA5xxAndAsAGatewayError() {
    Instance a = instance("a");
    Instance b = instance("b");
    DestinationOutliers gateway = track(policy(0, 2, 30, 100), a, b);
    fail(gateway, a, 0, 2);
    assertThat(gateway.isEjected(a)).isTrue();

    Instance c = instance("c");
    Instance e = instance("e");
    DestinationOutliers fives = track(policy(2, 0, 30, 100), c, e);
    fail(fives, c, 0, 2);
    assertThat(fives.isEjected(c)).isTrue();
  }

  /**
   * {@code splitExternalLocalOriginErrors}: tries without an answer count apart, towards
   * {@code consecutiveLocalOriginFailures}, and any answer (the connection worked) resets that count;
   * answers count towards the 5xx counts as before, tries without one no longer do.
   */
  @Test
  void withTheSplitTriesWithoutAnAnswerCountApartAndAnyAnswerResetsThem() {
    Instance a = instance("a");
    Instance b = instance("b");
    OutlierDetection split = new OutlierDetection(2, 0, Duration.ofSeconds(10), Duration.ofSeconds(30), 100, 0, true, 3);
    DestinationOutliers d = track(split, a, b);

    fail(d, a, 0, 2);
    d.tried(a, 503); // an answer: the connection worked
    fail(d, a, 0, 2);
    assertThat(d.isEjected(a)).as("no three in a row, and no 5xx count from them").isFalse();
    d.tried(a, 0);
    assertThat(d.isEjected(a)).isTrue();
    assertThat(ejections).singleElement().satisfies(e -> {
      assertThat(e.cause()).isEqualTo(Ejection.CONSECUTIVE_LOCAL_ORIGIN_FAILURES);
      assertThat(e.describe()).contains("after consecutive tries without an answer");
    });

    fail(d, b, 503, 1);
    fail(d, b, 0, 2);
    d.tried(b, 503);
    assertThat(d.isEjected(b)).as("two 503s in a row between tries without an answer").isTrue();
  }

  @Test
  void withTheSplitAZeroLocalOriginThresholdNeverEjectsForTriesWithoutAnAnswer() {
    Instance a = instance("a");
    Instance b = instance("b");
    DestinationOutliers d = track(
        new OutlierDetection(2, 2, Duration.ofSeconds(10), Duration.ofSeconds(30), 100, 0, true, 0), a, b);
    fail(d, a, 0, 50);
    assertThat(d.isEjected(a)).isFalse();
    assertThat(ejections).isEmpty();
  }

  @Test
  void anEjectedInstanceComesBackWhenItsTimeIsUpWithItsCountsCleared() {
    Instance a = instance("a");
    Instance b = instance("b");
    DestinationOutliers d = track(policy(2, 0, 30, 100), a, b);
    fail(d, a, 500, 2);

    advance(Duration.ofSeconds(29));
    assertThat(d.isEjected(a)).isTrue();
    advance(Duration.ofSeconds(1));
    assertThat(d.isEjected(a)).isFalse();
    assertThat(d.anyEjected()).isFalse();
    assertThat(d.available(List.of(a, b))).containsExactly(a, b);
    d.tried(a, 500);
    assertThat(d.isEjected(a)).as("one failure after coming back is not two").isFalse();
  }

  @Test
  void eachEjectionInARowLastsLongerUpToTheCapAndHealthyIntervalsBringItDown() {
    Instance a = instance("a");
    Instance b = instance("b");
    // base 100 s: the cap is Envoy's 300 s.
    DestinationOutliers d = track(policy(1, 0, 100, 100), a, b);
    List<Long> seconds = new ArrayList<>();
    for (int n = 0; n < 5; n++) {
      d.tried(a, 500);
      seconds.add(ejections.get(ejections.size() - 1).duration().toSeconds());
      advance(ejections.get(ejections.size() - 1).duration());
      assertThat(d.isEjected(a)).isFalse();
    }
    assertThat(seconds).containsExactly(100L, 200L, 300L, 300L, 300L);

    // Healthy for three 10 s intervals: the multiplier (4 after the cap's extra step) drops by 3.
    advance(Duration.ofSeconds(30));
    d.tried(a, 500);
    assertThat(ejections.get(ejections.size() - 1).duration()).isEqualTo(Duration.ofSeconds(200));
    // Healthy long enough for the multiplier to reach 0: back to the base time.
    advance(Duration.ofSeconds(200 + 600));
    assertThat(d.isEjected(a)).isFalse();
    d.tried(a, 500);
    assertThat(ejections.get(ejections.size() - 1).duration()).isEqualTo(Duration.ofSeconds(100));
  }

  @Test
  void aBaseEjectionTimeAboveFiveMinutesIsItsOwnCap() {
    assertThat(policy(1, 0, 400, 10).maxEjectionTime()).isEqualTo(Duration.ofSeconds(400));
    assertThat(policy(1, 0, 30, 10).maxEjectionTime()).isEqualTo(Duration.ofSeconds(300));
  }

  @Test
  void maxEjectionPercentLimitsHowManyAreOutButOneIsAlwaysAllowed() {
    Instance a = instance("a");
    Instance b = instance("b");
    DestinationOutliers two = track(policy(1, 0, 30, 10), a, b);
    two.tried(a, 500);
    two.tried(b, 500);
    assertThat(two.isEjected(a)).as("the first ejection, though 1 of 2 is over 10%").isTrue();
    assertThat(two.isEjected(b)).isFalse();
    assertThat(two.ejectedCount()).isEqualTo(1);

    List<Instance> ten = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ten.add(instance("i" + i));
    }
    DestinationOutliers d = track(policy(1, 0, 30, 20), ten.toArray(new Instance[0]));
    for (Instance i : ten) {
      d.tried(i, 503);
    }
    assertThat(d.ejectedCount()).as("20% of 10").isEqualTo(2);
    assertThat(d.available(ten)).hasSize(8);
  }

  @Test
  void aFailureRefusedByThePercentageIsCountedAgainFromZero() {
    Instance a = instance("a");
    Instance b = instance("b");
    DestinationOutliers d = track(policy(2, 0, 30, 10), a, b);
    fail(d, a, 500, 2);
    fail(d, b, 500, 2);
    assertThat(d.isEjected(b)).isFalse();
    advance(Duration.ofSeconds(30));
    assertThat(d.isEjected(a)).isFalse();
    d.tried(b, 500);
    assertThat(d.isEjected(b)).as("its count started again when the ejection was refused").isFalse();
    d.tried(b, 500);
    assertThat(d.isEjected(b)).isTrue();
  }

  @Test
  void everyInstanceEjectedLeavesNoneAvailableSoTheRouterPanics() {
    Instance a = instance("a");
    DestinationOutliers d = track(OutlierDetection.DEFAULTS, a);
    fail(d, a, 503, 5);
    assertThat(d.isEjected(a)).isTrue();
    assertThat(d.available(List.of(a))).isEmpty();
  }

  @Test
  void ejectionsSurviveANewSnapshotWhileVanishedOrMovedInstancesStartAfresh() {
    Instance a = instance("a");
    Instance b = instance("b");
    Instance c = instance("c");
    DestinationOutliers d = track(policy(2, 0, 30, 100), a, b, c);
    fail(d, a, 500, 2);
    d.tried(b, 500);
    fail(d, c, 500, 2);

    // The next snapshot: a stays, b moves to another port, c vanishes.
    Instance bMoved = new Instance("b", "user", "default", "127.0.0.1", 9999, Map.of());
    DestinationOutliers again = track(policy(2, 0, 30, 100), a, bMoved);
    assertThat(again).isSameAs(d);
    assertThat(d.isEjected(a)).isTrue();
    d.tried(bMoved, 500);
    assertThat(d.isEjected(bMoved)).as("b's earlier failure was at its old address").isFalse();
    d.tried(b, 500);
    assertThat(d.isEjected(bMoved)).as("tries to the old address are ignored").isFalse();
    assertThat(d.ejectedCount()).isEqualTo(1);

    // c comes back: a new endpoint, not the ejected one.
    track(policy(2, 0, 30, 100), a, bMoved, c);
    assertThat(d.isEjected(c)).isFalse();
  }

  @Test
  void aDestinationNoLongerTrackedIsDropped() {
    Instance a = instance("a");
    track(OutlierDetection.DEFAULTS, a);
    detector.apply(List.of());
    assertThat(detector.destination(HOST, null)).isNull();
  }

  @Test
  void aSuccessWithNothingToForgetChangesNothing() {
    Instance a = instance("a");
    Instance b = instance("b");
    DestinationOutliers d = track(policy(1, 0, 30, 100), a, b);
    d.tried(a, 200);
    d.tried(instance("unknown"), 500);
    assertThat(d.anyEjected()).isFalse();
    assertThat(ejections).isEmpty();
  }

  private static OutlierDetection policy(int fives, int gateways, int baseSeconds, int maxPercent) {
    return new OutlierDetection(fives, gateways, Duration.ofSeconds(10), Duration.ofSeconds(baseSeconds), maxPercent);
  }

  private static Instance instance(String id) {
    return new Instance(id, "user", "default", "127.0.0.1", 8080, Map.of());
  }
}
