package io.inboard.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Envoy's slow-start weight: max(minWeightPercent, (time / window)^(1 / aggression)). */
class WarmupTest {
  private static final long MS = 1_000_000L;

  @Test
  void theWeightGrowsLinearlyFromTheMinimumToFullOverTheWindow() {
    Warmup w = Warmup.of(Duration.ofSeconds(60));
    assertThat(w.factor(0)).as("at least 1 ms counts, then the 10% floor").isEqualTo(0.1);
    assertThat(w.factor(3_000 * MS)).as("5% of the window, still the floor").isEqualTo(0.1);
    assertThat(w.factor(18_000 * MS)).isCloseTo(0.3, within(1e-12));
    assertThat(w.factor(45_000 * MS)).isCloseTo(0.75, within(1e-12));
    assertThat(w.factor(60_000 * MS)).isEqualTo(1);
    assertThat(w.factor(3_600_000 * MS)).isEqualTo(1);
  }

  @Test
  void aggressionRaisesTheRampEarly() {
    Warmup w = new Warmup(Duration.ofSeconds(100), 10, 2);
    assertThat(w.factor(25_000 * MS)).isCloseTo(0.5, within(1e-12));
    assertThat(new Warmup(Duration.ofSeconds(100), 10, 4).factor(1_000 * MS))
        .isCloseTo(Math.pow(0.01, 0.25), within(1e-12));
  }

  @Test
  void aMinimumOfZeroStartsFromOneMillisecondsShare() {
    Warmup w = new Warmup(Duration.ofSeconds(10), 0, 1);
    assertThat(w.factor(0)).isCloseTo(0.0001, within(1e-15));
    assertThat(w.factor(500_000)).as("time is counted in whole milliseconds, at least one").isCloseTo(0.0001, within(1e-15));
  }

  @Test
  void valuesThatWouldBreakTheRampAreRefused() {
    assertThatThrownBy(() -> new Warmup(Duration.ZERO, 10, 1)).hasMessageContaining("duration");
    assertThatThrownBy(() -> new Warmup(Duration.ofSeconds(1), 101, 1)).hasMessageContaining("minimumPercent");
    assertThatThrownBy(() -> new Warmup(Duration.ofSeconds(1), 10, 0)).hasMessageContaining("aggression");
  }
}
