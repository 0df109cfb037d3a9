package io.inboard.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The latency Inboard (or another set-up) adds over a baseline set-up, as a share of what the proxy
 * set-up adds over the same baseline: {@code (inboard - base) / (proxy - base)} of one percentile, each set-up's value the
 * median over its rounds (a round disturbed by other work on the shared machine moves a merged
 * histogram's tail, not the median of the rounds).
 *
 * @param worst        the larger ratio over the fixed rates measured, NaN when no rate could give one
 * @param undetermined the rates left out because the proxy measured no slower than the baseline
 *                     there, so the run's noise exceeded the proxy's cost
 */
record AddedLatency(double worst, List<String> undetermined) {

  /** The ratio at one rate. */
  static double ratio(JsonNode fixed, String measured, String base, String rate, String p) {
    double baseline = ReportWriter.robust(fixed.get(base).get(rate), p);
    double added = ReportWriter.robust(fixed.get(measured).get(rate), p);
    double proxy = ReportWriter.robust(fixed.get("proxy").get(rate), p);
    return (added - baseline) / (proxy - baseline);
  }

  /** The larger ratio over the rates that {@code base}, {@code inboard} and {@code proxy} all ran at. */
  static AddedLatency worst(JsonNode fixed, String base, String p) {
    return worst(fixed, "inboard", base, p);
  }

  /**
   * The same for another set-up than {@code inboard}: {@code plain-canary} over {@code plain} is the
   * share of the proxies' cost that the canary's second instance takes without any mesh.
   */
  static AddedLatency worst(JsonNode fixed, String measured, String base, String p) {
    double worst = Double.NaN;
    List<String> undetermined = new ArrayList<>();
    for (Iterator<String> rates = fixed.get(base).fieldNames(); rates.hasNext(); ) {
      String rate = rates.next();
      if (!fixed.get(measured).has(rate) || !fixed.get("proxy").has(rate)) {
        continue;
      }
      double proxyAdded = ReportWriter.robust(fixed.get("proxy").get(rate), p)
          - ReportWriter.robust(fixed.get(base).get(rate), p);
      if (proxyAdded <= 0) {
        undetermined.add(p + " at " + rate + " rps");
        continue;
      }
      double ratio = ratio(fixed, measured, base, rate, p);
      worst = Double.isNaN(worst) ? ratio : Math.max(worst, ratio);
    }
    return new AddedLatency(worst, undetermined);
  }

  /**
   * The ratio at one rate paired round by round, as the saturation throughput is: the median over
   * rounds of {@code measured - base} over the median over rounds of {@code proxy - base}, each
   * difference taken within one round (the set-ups take turns, seconds apart, so what the shared
   * machine does in a round moves all three). NaN without rounds common to the three set-ups, or
   * when the proxy's median difference is not positive. Informative: the target is set on
   * {@link #ratio}.
   */
  static double pairedRatio(JsonNode fixed, String measured, String base, String rate, String p) {
    JsonNode baseRounds = fixed.get(base).get(rate).path("rounds");
    JsonNode measuredRounds = fixed.get(measured).get(rate).path("rounds");
    JsonNode proxyRounds = fixed.get("proxy").get(rate).path("rounds");
    int rounds = Math.min(baseRounds.size(), Math.min(measuredRounds.size(), proxyRounds.size()));
    List<Double> added = new ArrayList<>();
    List<Double> proxyAdded = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      JsonNode b = baseRounds.get(i);
      JsonNode m = measuredRounds.get(i);
      JsonNode x = proxyRounds.get(i);
      if (b.has(p) && m.has(p) && x.has(p)) {
        added.add(m.get(p).asDouble() - b.get(p).asDouble());
        proxyAdded.add(x.get(p).asDouble() - b.get(p).asDouble());
      }
    }
    if (added.isEmpty()) {
      return Double.NaN;
    }
    double proxy = median(proxyAdded);
    return proxy > 0 ? median(added) / proxy : Double.NaN;
  }

  /** The larger {@link #pairedRatio} over the rates the three set-ups ran at; NaN when none gives one. */
  static double pairedWorst(JsonNode fixed, String measured, String base, String p) {
    double worst = Double.NaN;
    for (Iterator<String> rates = fixed.get(base).fieldNames(); rates.hasNext(); ) {
      String rate = rates.next();
      if (!fixed.get(measured).has(rate) || !fixed.get("proxy").has(rate)) {
        continue;
      }
      double ratio = pairedRatio(fixed, measured, base, rate, p);
      if (!Double.isNaN(ratio)) {
        worst = Double.isNaN(worst) ? ratio : Math.max(worst, ratio);
      }
    }
    return worst;
  }

  private static double median(List<Double> values) {
    values.sort(Double::compare);
    int mid = values.size() / 2;
    return values.size() % 2 == 1 ? values.get(mid) : (values.get(mid - 1) + values.get(mid)) / 2;
  }

  /** The worst ratio to three decimals, or null when there is none. */
  Double rounded() {
    return Double.isNaN(worst) ? null : Math.round(worst * 1000) / 1000.0;
  }
}
