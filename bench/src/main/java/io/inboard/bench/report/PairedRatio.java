package io.inboard.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One set-up's figure over another's, taken round by round: in each round both were measured within
 * seconds of each other, so what the machine did in that round (on a shared 2-core machine, every
 * set-up ran 10-20 % faster or slower together from one round to the next) divides out of the
 * round's ratio. The figure is the median of those ratios, with a distribution-free interval for
 * that median from the order statistics of the ratios: it holds whatever their distribution, given
 * rounds that are independent of each other.
 *
 * @param median the median of the rounds' ratios (NaN when no round has both figures)
 * @param low the interval's lower end, NaN with fewer than six rounds (too few for 95 %)
 * @param high the interval's upper end, NaN like {@code low}
 * @param rounds the rounds that had both figures
 * @param coverage the probability that the interval holds the true median (at least 0.95), or NaN
 */
record PairedRatio(double median, double low, double high, int rounds, double coverage) {
  private static final double CONFIDENCE = 0.95;

  /** {@code setup}'s saturation throughput over {@code base}'s, round by round. */
  static PairedRatio saturation(JsonNode saturation, String setup, String base) {
    return of(values(saturation.path(setup).path("rps")), values(saturation.path(base).path("rps")));
  }

  /** {@code setup}'s CPU per request at saturation over {@code base}'s, round by round. */
  static PairedRatio saturationCpu(JsonNode saturation, String setup, String base) {
    return of(values(saturation.path(setup).path("cpuSecondsPer1000")),
        values(saturation.path(base).path("cpuSecondsPer1000")));
  }

  /** {@code a[i] / b[i]} for every round {@code i} both have, summarised. */
  static PairedRatio of(List<Double> a, List<Double> b) {
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      if (b.get(i) > 0) {
        ratios.add(a.get(i) / b.get(i));
      }
    }
    Collections.sort(ratios);
    int n = ratios.size();
    double median = median(ratios);
    if (n == 0) {
      return new PairedRatio(median, Double.NaN, Double.NaN, 0, Double.NaN);
    }
    // The k-th smallest and k-th largest ratio bound the median unless k or more ratios fall on one side
    // of it, which for a true median happens with probability 2 * P(Binomial(n, 1/2) < k). Take the
    // narrowest interval whose coverage is still at least 95 %.
    int k = 0;
    while (k + 1 <= n / 2 && 1 - 2 * binomialTail(n, k) >= CONFIDENCE) {
      k++;
    }
    if (k == 0) {
      return new PairedRatio(median, Double.NaN, Double.NaN, n, Double.NaN);
    }
    return new PairedRatio(median, ratios.get(k - 1), ratios.get(n - k), n, 1 - 2 * binomialTail(n, k - 1));
  }

  /** Whether the interval is known and lies wholly on one side of {@code limit}. */
  boolean resolves(double limit) {
    return !Double.isNaN(low) && (low >= limit || high < limit);
  }

  /** E.g. {@code 0.941 (95 % interval 0.925-0.953, 15 rounds)}; just the median without an interval. */
  String text() {
    if (Double.isNaN(median)) {
      return "-";
    }
    if (Double.isNaN(low)) {
      return ReportWriter.fmt(median);
    }
    return ReportWriter.fmt(median) + " (" + Math.round(coverage * 1000) / 10.0 + " % interval " + ReportWriter.fmt(low)
        + "-" + ReportWriter.fmt(high) + ", " + rounds + " rounds)";
  }

  /** The median of {@code values} (NaN for none). */
  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    if (n == 0) {
      return Double.NaN;
    }
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** E.g. {@code 0.941, 0.925-0.953}: the median and, when known, the interval. */
  String withInterval() {
    return ReportWriter.fmt(median) + (Double.isNaN(low) ? "" : ", " + ReportWriter.fmt(low) + "-" + ReportWriter.fmt(high));
  }

  /** P(X <= k) for X ~ Binomial(n, 1/2). */
  static double binomialTail(int n, int k) {
    double sum = 0;
    double term = Math.pow(0.5, n); // C(n, 0) / 2^n
    for (int i = 0; i <= k; i++) {
      sum += term;
      term = term * (n - i) / (i + 1);
    }
    return sum;
  }

  private static List<Double> values(JsonNode array) {
    List<Double> out = new ArrayList<>();
    array.forEach(v -> out.add(v.asDouble()));
    return out;
  }
}
