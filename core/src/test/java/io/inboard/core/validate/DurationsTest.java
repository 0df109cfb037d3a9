package io.inboard.core.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationsTest {

  @ParameterizedTest
  @CsvSource({
      "1.5s, PT1.5S",
      "0.5s, PT0.5S",
      "250ms, PT0.25S",
      "1m, PT1M",
      "1h, PT1H",
      "1h30m, PT1H30M",
      "10us, PT0.00001S",
      "100ns, PT0.0000001S",
      "0s, PT0S",
      ".5s, PT0.5S",
      "3600s, PT1H"
  })
  void parsesIstioDurations(String text, String expected) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.parse(expected));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "10 | a unit is missing after 10",
      "1x | 'x' is not a unit",
      "-1s | it is negative",
      "s | expected a number at 's'",
      "1..2s | '1..2' is not a number",
      "''  | it is empty",
      "999999999999h | it is too long"
  })
  void refusesInvalidDurationsSayingWhy(String text, String why) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(why)
        .hasMessageContaining("write e.g. 1.5s, 250ms, 1m or 1h");
  }

  @ParameterizedTest
  @CsvSource({"PT1.5S, 1.5s", "PT0.25S, 250ms", "PT30S, 30s", "PT0.0000001S, 0.0000001s"})
  void formatsReadably(String duration, String expected) {
    assertThat(Durations.format(Duration.parse(duration))).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void aHugeNumberIsRefusedQuicklyWithoutEchoingIt() {
    // BigDecimal parses a long digit run in quadratic time: 1,000,000 digits took 19 s.
    String text = "1".repeat(400_000) + "s";
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(2),
        () -> assertThatThrownBy(() -> Durations.parse(text))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("it is too long")
            .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200)));
    String fraction = "1." + "5".repeat(1_000_000) + "s";
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(2),
        () -> assertThat(Durations.parse(fraction)).isEqualTo(Duration.ofNanos(1_555_555_555)));
    assertThat(Durations.parse("000000000000000000000000001.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThatThrownBy(() -> Durations.parse("1" + "x".repeat(100_000)))
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200));
  }
}
