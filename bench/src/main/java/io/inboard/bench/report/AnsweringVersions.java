package io.inboard.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The fixed-rate latency split by the version of the user service that answered the frontend's call
 * ({@code x-downstream-version}): in the canary set-ups, the calls user-v2 answered (a tenth) apart
 * from user-v1's. Whether the canary's second instance, or the agents on the path to either, is what
 * a set-up adds over {@code plain} shows here: an agent's cost falls on every call alike, a cold
 * second instance only on its own tenth.
 */
final class AnsweringVersions {
  private AnsweringVersions() {}

  /** The section for one rate, or nothing when the run did not record the split (older results). */
  static void append(StringBuilder md, JsonNode fixed, String rate) {
    if (!recorded(fixed, rate)) {
      return;
    }
    md.append("#### By the version that answered the frontend's call, at ").append(rate)
        .append(" requests/s (corrected µs)\n\n")
        .append("| set-up | version | share of calls | median of rounds p50 / p90 / p99 | p50 minus plain's"
            + " (medians of rounds) | all rounds p50 / p90 / p99 | p50 per round |\n|---|---|---|---|---|---|---|\n");
    double plainP50 = medianOfRounds(fixed.path("plain").path(rate), "v1", "p50");
    fixed.fieldNames().forEachRemaining(name -> {
      JsonNode phase = fixed.get(name).path(rate);
      JsonNode byVersion = phase.path("latencyByDownstreamVersionUs");
      long total = phase.path("ok").asLong();
      byVersion.fieldNames().forEachRemaining(version -> {
        JsonNode all = byVersion.get(version);
        double p50 = medianOfRounds(phase, version, "p50");
        md.append("| ").append(name).append(" | ").append(version).append(" | ")
            .append(String.format(Locale.ROOT, "%.1f %%", 100.0 * all.path("count").asLong() / Math.max(1, total)))
            .append(" | ")
            .append(ReportWriter.fmt(p50)).append(" / ")
            .append(ReportWriter.fmt(medianOfRounds(phase, version, "p90"))).append(" / ")
            .append(ReportWriter.fmt(medianOfRounds(phase, version, "p99"))).append(" | ")
            .append(Double.isNaN(plainP50) ? "-" : String.format(Locale.ROOT, "%+.0f", p50 - plainP50)).append(" | ")
            .append(all.path("p50").asLong()).append(" / ").append(all.path("p90").asLong()).append(" / ")
            .append(all.path("p99").asLong()).append(" | ").append(perRound(phase, version)).append(" |\n");
      });
    });
    md.append("\nA round's p99 of the calls user-v2 answered rests on about a tenth of the round's calls"
        + " (150 at 500 requests/s): read its tail from the all-rounds columns.\n\n");
  }

  private static boolean recorded(JsonNode fixed, String rate) {
    boolean[] any = {false};
    fixed.elements().forEachRemaining(byRate -> {
      if (byRate.path(rate).has("latencyByDownstreamVersionUs")) {
        any[0] = true;
      }
    });
    return any[0];
  }

  /** The median over the phase's rounds of one version's percentile; NaN when no round has that version. */
  static double medianOfRounds(JsonNode phase, String version, String percentile) {
    List<Double> values = new ArrayList<>();
    phase.path("rounds").forEach(round -> {
      JsonNode figures = round.path("byDownstreamVersion").path(version);
      if (figures.path("count").asLong() > 0) {
        values.add(figures.path(percentile).asDouble());
      }
    });
    return PairedRatio.median(values);
  }

  private static String perRound(JsonNode phase, String version) {
    List<String> values = new ArrayList<>();
    phase.path("rounds").forEach(round -> {
      JsonNode figures = round.path("byDownstreamVersion").path(version);
      values.add(figures.path("count").asLong() > 0 ? Long.toString(figures.path("p50").asLong()) : "-");
    });
    return String.join(", ", values);
  }
}
