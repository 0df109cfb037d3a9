package io.inboard.core.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inboard.core.mesh.Instance;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BalancersTest {
  private static final List<Instance> THREE = List.of(
      new Instance("a", "user", "ns", "127.0.0.1", 1, Map.of()),
      new Instance("b", "user", "ns", "127.0.0.1", 2, Map.of()),
      new Instance("c", "user", "ns", "127.0.0.1", 3, Map.of()));

  @Test
  void roundRobinTakesTurns() {
    AtomicInteger cursor = new AtomicInteger();
    int[] picks = new int[6];
    for (int i = 0; i < 6; i++) {
      picks[i] = SimpleBalancer.ROUND_ROBIN.pick(THREE, new SplittableRandom(1), id -> 0, cursor);
    }
    assertThat(picks).containsExactly(0, 1, 2, 0, 1, 2);
  }

  @Test
  void leastRequestPrefersTheLessBusyOfTwoChoices() {
    SplittableRandom random = new SplittableRandom(3);
    int[] counts = new int[3];
    for (int i = 0; i < 3000; i++) {
      counts[SimpleBalancer.LEAST_REQUEST.pick(THREE, random, id -> id.equals("a") ? 10 : id.equals("b") ? 5 : 0, null)]++;
    }
    // "a" is the busiest: it only wins when it is not among the two choices, which never happens.
    assertThat(counts[0]).isZero();
    // "c" wins whenever chosen (2 of 3 pairs): about 2000 of 3000.
    assertThat(counts[2]).isBetween(1800, 2200);
  }

  @Test
  void leastRequestWithOneInstancePicksIt() {
    assertThat(SimpleBalancer.LEAST_REQUEST.pick(THREE.subList(0, 1), new SplittableRandom(1), id -> 9, null)).isZero();
  }

  @Test
  void randomSpreadsEvenly() {
    SplittableRandom random = new SplittableRandom(5);
    int[] counts = new int[3];
    for (int i = 0; i < 30_000; i++) {
      counts[SimpleBalancer.RANDOM.pick(THREE, random, id -> 0, null)]++;
    }
    for (int c : counts) {
      assertThat(c).isBetween(9_500, 10_500);
    }
  }

  @Test
  void passthroughAndEmptyPickNothing() {
    assertThat(SimpleBalancer.PASSTHROUGH.pick(THREE, new SplittableRandom(1), id -> 0, null)).isEqualTo(-1);
    assertThat(SimpleBalancer.RANDOM.pick(List.of(), new SplittableRandom(1), id -> 0, null)).isEqualTo(-1);
  }

  @Test
  void weightedChoiceFollowsRelativeWeightsWithinTwoPercent() {
    WeightedChoice w = new WeightedChoice(new int[] {3, 0, 1});
    SplittableRandom random = new SplittableRandom(11);
    int[] counts = new int[3];
    for (int i = 0; i < 40_000; i++) {
      counts[w.pickRandom(random)]++;
    }
    assertThat(counts[1]).as("zero weight drops out").isZero();
    assertThat(counts[0] / 40_000.0).isBetween(0.73, 0.77);
  }

  @Test
  void pointsFallIntoCumulativeRangesInListedOrder() {
    WeightedChoice w = new WeightedChoice(new int[] {90, 10});
    assertThat(w.pickAtPoint(0.0)).isZero();
    assertThat(w.pickAtPoint(0.8999)).isZero();
    assertThat(w.pickAtPoint(0.9)).isEqualTo(1);
    assertThat(new WeightedChoice(new int[] {9, 1}).pickAtPoint(0.8999)).isZero();
  }

  @Test
  void weightsMustBeNonNegativeAndNotAllZero() {
    assertThatThrownBy(() -> new WeightedChoice(new int[] {0, 0})).hasMessageContaining("positive");
    assertThatThrownBy(() -> new WeightedChoice(new int[] {1, -1})).hasMessageContaining("negative");
  }
}
