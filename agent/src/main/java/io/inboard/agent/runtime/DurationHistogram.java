package io.inboard.agent.runtime;

import java.util.concurrent.atomic.LongAdder;

/**
 * A Prometheus histogram with fixed upper bounds: one striped counter per bucket, so that requests
 * recording at once on different threads do not contend. Buckets are stored per bucket and summed
 * into Prometheus's cumulative form only when scraped, which is rare next to recording.
 *
 * <p>Recording touches two counters: the observation's bucket and the sum. The count is the sum of
 * all buckets (one more bucket holds what lies above the last bound), and durations stay in
 * nanoseconds, compared with bounds converted once, until a scrape writes them in milliseconds.
 */
final class DurationHistogram {
  private final double[] boundsMillis;
  private final long[] boundsNanos;
  /** One per bound, then one for observations above the last bound. */
  private final LongAdder[] buckets;
  private final LongAdder sumNanos = new LongAdder();

  /** {@code boundsMillis} ascending; observations above the last one count only in {@code +Inf}. */
  DurationHistogram(double[] boundsMillis) {
    this.boundsMillis = boundsMillis;
    this.boundsNanos = new long[boundsMillis.length];
    for (int i = 0; i < boundsMillis.length; i++) {
      boundsNanos[i] = Math.round(boundsMillis[i] * 1_000_000);
    }
    this.buckets = new LongAdder[boundsMillis.length + 1];
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] = new LongAdder();
    }
  }

  void record(long nanos) {
    // Most requests land in the first few buckets, so a forward scan beats a binary search here.
    int i = 0;
    while (i < boundsNanos.length && nanos > boundsNanos[i]) {
      i++;
    }
    buckets[i].increment();
    sumNanos.add(nanos);
  }

  long count() {
    long total = 0;
    for (LongAdder bucket : buckets) {
      total += bucket.sum();
    }
    return total;
  }

  /** Appends {@code name_bucket}, {@code name_count} and {@code name_sum} lines for one series. */
  void writeTo(StringBuilder out, String name, String labels) {
    long cumulative = 0;
    for (int i = 0; i < boundsMillis.length; i++) {
      cumulative += buckets[i].sum();
      out.append(name).append("_bucket{").append(labels).append(",le=\"");
      PrometheusText.number(out, boundsMillis[i]).append("\"} ").append(cumulative).append('\n');
    }
    // The count is read from the same pass, so +Inf is never below a finite bucket in one scrape.
    long total = cumulative + buckets[boundsMillis.length].sum();
    out.append(name).append("_bucket{").append(labels).append(",le=\"+Inf\"} ").append(total).append('\n');
    out.append(name).append("_count{").append(labels).append("} ").append(total).append('\n');
    out.append(name).append("_sum{").append(labels).append("} ");
    PrometheusText.number(out, sumNanos.sum() / 1_000_000.0).append('\n');
  }
}
