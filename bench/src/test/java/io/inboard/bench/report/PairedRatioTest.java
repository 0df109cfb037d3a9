package io.inboard.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PairedRatioTest {
  @Test
  void aDriftThatMovesBothSetUpsTogetherDividesOut() {
    // The machine runs 20 % faster or slower from one round to the next; the set-up is always 0.9 of the base.
    List<Double> base = List.of(8000.0, 9600.0, 7700.0, 10_000.0, 8800.0, 9100.0);
    List<Double> setup = base.stream().map(v -> v * 0.9).toList();

    PairedRatio r = PairedRatio.of(setup, base);

    assertThat(r.median()).isCloseTo(0.9, within(1e-9));
    assertThat(r.low()).isCloseTo(0.9, within(1e-9));
    assertThat(r.high()).isCloseTo(0.9, within(1e-9));
  }

  @Test
  void fifteenRoundsGiveTheFourthSmallestAndFourthLargestRatioAsTheInterval() {
    List<Double> base = new ArrayList<>();
    List<Double> setup = new ArrayList<>();
    // Ratios 0.80, 0.81, ..., 0.94, in shuffled rounds.
    int[] order = {7, 2, 14, 0, 9, 4, 12, 1, 11, 6, 3, 13, 5, 10, 8};
    for (int i : order) {
      base.add(1000.0);
      setup.add(800.0 + 10 * i);
    }

    PairedRatio r = PairedRatio.of(setup, base);

    assertThat(r.rounds()).isEqualTo(15);
    assertThat(r.median()).isCloseTo(0.87, within(1e-9));
    // P(Binomial(15, 1/2) <= 3) = 576 / 32768: the 4th from each end covers the median with 96.5 %;
    // the 5th from each end would cover it with only 88 %.
    assertThat(r.low()).isCloseTo(0.83, within(1e-9));
    assertThat(r.high()).isCloseTo(0.91, within(1e-9));
    assertThat(r.coverage()).isCloseTo(1 - 2 * 576 / 32768.0, within(1e-12));
    assertThat(r.text()).isEqualTo("0.870 (96.5 % interval 0.830-0.910, 15 rounds)");
    assertThat(r.withInterval()).isEqualTo("0.870, 0.830-0.910");
    assertThat(r.resolves(0.95)).isTrue();
    assertThat(r.resolves(0.85)).isFalse();
    assertThat(r.resolves(0.80)).isTrue();
  }

  @Test
  void fewerThanSixRoundsGiveNoInterval() {
    // With five rounds, even the smallest and largest ratio hold the median with only 1 - 2/32 = 94 %.
    PairedRatio r = PairedRatio.of(List.of(950.0, 900.0, 990.0, 940.0, 1000.0), List.of(1000.0, 1000.0, 1000.0,
        1000.0, 1000.0));

    assertThat(r.median()).isCloseTo(0.95, within(1e-9));
    assertThat(r.low()).isNaN();
    assertThat(r.resolves(0.9)).isFalse();
    assertThat(r.text()).isEqualTo("0.950");
    assertThat(r.withInterval()).isEqualTo("0.950");
    assertThat(PairedRatio.of(List.of(950.0), List.of()).median()).isNaN();
  }

  @Test
  void binomialTailMatchesHandCounts() {
    assertThat(PairedRatio.binomialTail(15, 3)).isCloseTo(576 / 32768.0, within(1e-15));
    assertThat(PairedRatio.binomialTail(6, 0)).isCloseTo(1 / 64.0, within(1e-15));
    assertThat(PairedRatio.binomialTail(4, 4)).isCloseTo(1.0, within(1e-15));
  }

  @Test
  void readsTheRoundsOfARunsSaturationFigures() throws Exception {
    var saturation = new ObjectMapper().readTree("""
        {"plain": {"rps": [9000, 7000, 8000]}, "inboard": {"rps": [8550, 6300, 7680]}}
        """);

    PairedRatio r = PairedRatio.saturation(saturation, "inboard", "plain");

    assertThat(r.median()).isCloseTo(0.95, within(1e-9)); // 0.95, 0.90, 0.96
    assertThat(r.rounds()).isEqualTo(3);
  }
}
