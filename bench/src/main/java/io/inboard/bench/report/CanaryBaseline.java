package io.inboard.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The agents' own cost, apart from the canary's: Inboard measured against {@code plain-canary}, the
 * same two user instances and 90/10 split chosen by the frontend's own code without a mesh. The
 * acceptance targets compare Inboard with {@code plain}, one user instance; a canary's second JVM
 * costs CPU and latency with or without a mesh, and this baseline shows how much of each figure
 * that is.
 */
final class CanaryBaseline {
  static final String SETUP = "plain-canary";

  private final JsonNode fixed;
  private final JsonNode saturation;

  private CanaryBaseline(JsonNode fixed, JsonNode saturation) {
    this.fixed = fixed;
    this.saturation = saturation;
  }

  /** The baseline of a whole-path run, or null when the run lacks plain, plain-canary, inboard or proxy. */
  static CanaryBaseline of(JsonNode whole) {
    JsonNode fixed = whole == null ? null : whole.get("fixedRate");
    if (fixed == null || !fixed.has(SETUP) || !fixed.has("plain") || !fixed.has("inboard") || !fixed.has("proxy")) {
      return null;
    }
    return new CanaryBaseline(fixed, whole.path("saturation"));
  }

  /** The headline's extra figures (results.json), each with how it is computed. */
  Map<String, Object> figures(Map<String, String> why) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("added_latency_ratio_p50_vs_plain_canary", AddedLatency.worst(fixed, SETUP, "p50").rounded());
    out.put("added_latency_ratio_p99_vs_plain_canary", AddedLatency.worst(fixed, SETUP, "p99").rounded());
    out.put("cpu_per_request_ratio_vs_plain_canary", round(cpuRatio("inboard", SETUP, false)));
    out.put("throughput_ratio_vs_plain_canary", round(throughputRatio("inboard", SETUP)));
    why.put("*_vs_plain_canary", "the same figures with plain-canary in place of plain: the frontend's own code"
        + " splits 90/10 over the same two user instances without a mesh, so these are the agents' own cost"
        + " (informative; the targets are against plain)");
    return out;
  }

  /** A table setting the targets' ratios against plain beside the same against plain-canary. */
  void section(StringBuilder md) {
    md.append("### The agents' own cost: against the same canary without a mesh\n\n")
        .append("`plain-canary` runs the same three JVMs as `inboard` and splits 90/10 in the frontend's own code,"
            + " with no agent anywhere. Against it, a ratio shows what the agents cost; `plain-canary` against"
            + " `plain` shows what the canary's second instance costs with or without a mesh.\n\n")
        .append("| figure | target | inboard vs plain (the target's figure) | inboard vs plain-canary (the agents)"
            + " | plain-canary vs plain (the canary) |\n|---|---|---|---|---|\n");
    for (String p : new String[] {"p50", "p99"}) {
      md.append("| added latency ").append(p).append(", (set-up - base) / (proxy - base) | <= 0.10 | ")
          .append(text(AddedLatency.worst(fixed, "plain", p).worst())).append(" | ")
          .append(text(AddedLatency.worst(fixed, SETUP, p).worst())).append(" | ")
          .append(text(AddedLatency.worst(fixed, SETUP, "plain", p).worst())).append(" |\n");
    }
    md.append("| saturation throughput | >= 0.95 | ").append(text(throughputRatio("inboard", "plain"))).append(" | ")
        .append(text(throughputRatio("inboard", SETUP))).append(" | ")
        .append(text(throughputRatio(SETUP, "plain"))).append(" |\n");
    md.append("| CPU per request | <= 1.10 | ").append(text(cpuRatio("inboard", "plain", false))).append(" | ")
        .append(text(cpuRatio("inboard", SETUP, false))).append(" | ")
        .append(text(cpuRatio(SETUP, "plain", false))).append(" |\n");
    // At saturation a request wakes no idle thread, and costs a third to a half of what it does at the fixed
    // rates: the agents' and the canary's per-request work are a larger share there, as throughput shows.
    md.append("| CPU per request at saturation (round by round) | - | ")
        .append(text(PairedRatio.saturationCpu(saturation, "inboard", "plain").median())).append(" | ")
        .append(text(PairedRatio.saturationCpu(saturation, "inboard", SETUP).median())).append(" | ")
        .append(text(PairedRatio.saturationCpu(saturation, SETUP, "plain").median())).append(" |\n");
    md.append("| CPU per request without the JIT compiler threads | - | ")
        .append(text(cpuRatio("inboard", "plain", true))).append(" | ")
        .append(text(cpuRatio("inboard", SETUP, true))).append(" | ")
        .append(text(cpuRatio(SETUP, "plain", true))).append(" |\n\n");
  }

  private double cpuRatio(String setup, String base, boolean withoutCompiler) {
    return withoutCompiler
        ? ReportWriter.cpuPer1000WithoutCompiler(fixed.get(setup)) / ReportWriter.cpuPer1000WithoutCompiler(fixed.get(base))
        : ReportWriter.cpuPer1000(fixed.get(setup)) / ReportWriter.cpuPer1000(fixed.get(base));
  }

  /** Round by round, as the target's own figure ({@link PairedRatio}). */
  private double throughputRatio(String setup, String base) {
    return PairedRatio.saturation(saturation, setup, base).median();
  }

  private static String text(double v) {
    return Double.isNaN(v) ? "-" : ReportWriter.fmt(v);
  }

  private static Double round(double v) {
    return Double.isNaN(v) ? null : Math.round(v * 1000) / 1000.0;
  }
}
