package io.inboard.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The added latency paired round by round, beside the ratio of the set-ups' medians of rounds. */
class AddedLatencyPairedTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static String rounds(int... p50s) {
    StringBuilder out = new StringBuilder("{\"500\": {\"rounds\": [");
    for (int i = 0; i < p50s.length; i++) {
      out.append(i == 0 ? "" : ", ").append("{\"p50\": ").append(p50s[i]).append('}');
    }
    return out.append("]}}").toString();
  }

  private static JsonNode fixed(int[] plain, int[] inboard, int[] proxy) throws Exception {
    return JSON.readTree("{\"plain\": " + rounds(plain) + ", \"inboard\": " + rounds(inboard) + ", \"proxy\": "
        + rounds(proxy) + "}");
  }

  @Test
  void takesEachDifferenceWithinOneRoundSoThatTheMachinesDriftCancels() throws Exception {
    // The machine is 400 us slower in the second round, for every set-up alike; inboard adds 50, 10 and
    // 30 us in the three rounds, the proxy 300 in each.
    JsonNode fixed = fixed(new int[] {600, 1000, 610}, new int[] {650, 1010, 640}, new int[] {900, 1300, 910});

    assertThat(AddedLatency.pairedRatio(fixed, "inboard", "plain", "500", "p50")).isEqualTo(30.0 / 300);
    // The medians of rounds, set-up by set-up, take each set-up's middle round on its own: (650 - 610) / (910 - 610).
    assertThat(AddedLatency.ratio(fixed, "inboard", "plain", "500", "p50")).isEqualTo(40.0 / 300);
    assertThat(AddedLatency.pairedWorst(fixed, "inboard", "plain", "p50")).isEqualTo(30.0 / 300);
  }

  @Test
  void hasNoRatioWithoutCommonRoundsOrWhenTheProxyMeasuredNoSlower() throws Exception {
    assertThat(AddedLatency.pairedRatio(fixed(new int[] {}, new int[] {}, new int[] {}), "inboard", "plain", "500",
        "p50")).isNaN();
    assertThat(AddedLatency.pairedRatio(fixed(new int[] {500, 500}, new int[] {520, 530}, new int[] {490, 500}),
        "inboard", "plain", "500", "p50")).isNaN();
  }

  @Test
  void pairsOnlyAsManyRoundsAsEverySetUpHas() throws Exception {
    // The third round of plain and inboard has no proxy round beside it and is left out.
    JsonNode fixed = fixed(new int[] {500, 600, 100}, new int[] {540, 620, 900}, new int[] {800, 900});
    assertThat(AddedLatency.pairedRatio(fixed, "inboard", "plain", "500", "p50")).isEqualTo(30.0 / 300);
  }
}
